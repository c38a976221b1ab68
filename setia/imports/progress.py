"""How far a running import got, as one percentage. The figures themselves are the import
job's progress (setia.jobs), read from the database: no broker needed to show them."""

# Where each of the engine's passes over the file starts and ends, in percent: it reads the
# file, matches its rows, then plans them (a dry run) or writes them (the commit, the longest).
PHASES = {"read": (0, 25), "match": (25, 50), "plan": (50, 100), "write": (50, 100)}
DRY_RUN_PHASES = {"read": (0, 33), "match": (33, 66), "plan": (66, 100)}


def percent(value: dict | None, *, dry_run: bool = False) -> int:
    """Overall percentage from the job's progress (its phase, and rows done of the total)."""
    if not value or not value.get("total"):
        return 0
    start, end = (DRY_RUN_PHASES if dry_run else PHASES).get(value["phase"], (0, 0))
    share = min(value["done"] / value["total"], 1)
    return int(start + (end - start) * share)
