"""How far a running import got, as one percentage. The figures themselves are the import
job's progress (setia.jobs), read from the database: no broker needed to show them."""


def percent(value: dict | None, *, dry_run: bool = False) -> int:
    """Overall percentage: reading is the first half of the work, writing the second (a dry
    run only reads and matches)."""
    if not value or not value.get("total"):
        return 0
    share = min(value["done"] / value["total"], 1)
    if dry_run:
        return int(share * 90) if value["phase"] == "read" else 95
    if value["phase"] == "read":
        return int(share * 50)
    if value["phase"] in ("match", "plan"):
        return 50
    return 50 + int(share * 50)
