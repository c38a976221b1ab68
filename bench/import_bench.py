"""Customer import benchmark (DESIGN §5): our import against django-import-export, same file.

    .venv/bin/pip install -c constraints.txt -e ".[bench]"
    .venv/bin/python bench/import_bench.py [--rows 100000] [--keep]

Generates an onboarding sheet of `--rows` rows with realistic mess (id-ID Excel CSV: `;`, BOM;
phones in every format, mixed-case e-mails, `KAB.`/`KOTA` cities, upper-case provinces,
Indonesian dates and amounts, category typos, ~5% duplicate rows, ~3% bad cells, a quoted
multi-line note, an unknown column). Each import runs in its own process on its own fresh
database (SQLite files in a temporary folder, or PostgreSQL databases when BENCH_POSTGRES_URL
is set, e.g. postgres://postgres@127.0.0.1:5432, named BENCH_DATABASE_PREFIX_ours… with the
prefix `setia_bench` by default), so that peak memory is ours alone.

- ours: `manage.py import_customers` — customers, contacts, stores, subscriptions, audit entries
  and undo records, with dedupe against the file and the database.
- theirs: django-import-export 4 `ModelResource` for Customer only (name, category by name,
  city, province; matched by name — no contacts, stores, subscriptions or history, so less work
  than ours), with `use_bulk` (its fastest mode) and its default row-by-row mode.

Prints rows/s of each, the ratios, and our peak memory (maximum resident set size). Target:
ours >= 10x theirs, peak memory < 1 GiB.
"""

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FIRST = [
    "Batik",
    "Kopi",
    "Rumah",
    "Toko",
    "Glow",
    "Sambal",
    "Hijab",
    "Tas",
    "Kue",
    "Mainan",
    "Keripik",
    "Sepatu",
    "Madu",
    "Kain",
    "Jamu",
    "Teh",
    "Sabun",
    "Lilin",
    "Kerajinan",
    "Dapur",
]
SECOND = [
    "Sekar",
    "Senja",
    "Rotan",
    "Alya",
    "Lestari",
    "Nusantara",
    "Ayu",
    "Jaya",
    "Makmur",
    "Sentosa",
    "Indah",
    "Berkah",
    "Mulia",
    "Cahaya",
    "Harum",
    "Manis",
    "Segar",
    "Asri",
    "Abadi",
    "Bahagia",
]
PEOPLE = [
    "Ibu Sekar",
    "Pak Hadi",
    "Dimas",
    "Mbak Wulan",
    "Reza",
    "Oma Lien",
    "Bu Tari",
    "Ujang",
    "dr. Nadia",
    "Mak Ijah",
    "Putri",
    "Agus",
    "Siti",
    "Budi",
    "Rina",
]
CATEGORIES = [
    "Fashion",
    "F&B",
    "Home Living",
    "Beauty",
    "Muslim Fashion",
    "Plus-size Fashion",
    "Kids & Baby",
    "Accessories",
    "Makanan",
    "kecantikan",
    "Health & Wellness",
    "Other",
]
TYPOS = ["Fashon", "Beuty", "Otomotif"]
CITIES = [
    "KAB. BANDUNG",
    "Kota Surabaya",
    "Jakarta Selatan",
    "KOTA MEDAN",
    "Sleman",
    "KAB. GARUT",
    "Malang",
    "Denpasar",
    "Makassar",
    "Semarang",
    "kota bogor",
    "Bekasi",
]
PROVINCES = [
    "JAWA BARAT",
    "Jawa Timur",
    "DKI Jakarta",
    "SUMATERA UTARA",
    "DIY",
    "jabar",
    "Bali",
    "Sulawesi Selatan",
    "Jawa Tengah",
    "jatim",
]
PLANS = ["Growth", "paket starter", "BUSINESS", "Starter", "Enterprise", ""]
PRICES = ["Rp 349.000", "349000", "1.234.567,00", "Rp149.000", "Rp 4.999.000", ""]
MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
HEADER = ["No", "Tanggal Onboarding", "Nama Brand", "Nama Pemilik", "No HP", "Email", "Kategori", "Kota", "Provinsi", "URL Toko", "Paket", "Harga Bulanan", "Catatan", "Sumber Info"]  # fmt: skip


def _phone(number: int, rng: random.Random) -> str:
    digits = f"812{number:08d}"  # 0812xxxxxxxx: a valid Indonesian mobile number
    style = rng.randrange(5)
    if style == 0:
        return f"0{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if style == 1:
        return f"+62 {digits[:3]} {digits[3:7]} {digits[7:]}"
    if style == 2:
        return f"62{digits}"
    if style == 3:
        return digits  # leading 0 lost by Excel
    return f"0{digits}"


def _date(rng: random.Random) -> str:
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    style = rng.randrange(3)
    if style == 0:
        return f"{day:02d}/{month:02d}/2026"
    if style == 1:
        return f"{day} {MONTHS[month - 1]} 2026"
    return f"2026-{month:02d}-{day:02d}"


def generate(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(HEADER)
        previous: list[list[str]] = []
        for index in range(rows):
            if previous and rng.random() < 0.05:
                # A duplicate: the same merchant again, phone written another way.
                row = list(rng.choice(previous))
                row[0] = str(index + 1)
                row[4] = _phone(int(row[4][-8:]) if row[4][-8:].isdigit() else index, rng)
                row[5] = row[5].upper()
                writer.writerow(row)
                continue
            brand = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {index}"
            slug = f"toko{index}"
            email = f"{rng.choice(['Halo', 'admin', 'owner', 'CS'])}@{slug}.co.id"
            url = rng.choice([f"https://www.{slug}.id/", f"{slug}.co.id", f"shopee.co.id/{slug}"])
            phone = _phone(index, rng)
            category = rng.choice(CATEGORIES)
            bad = rng.random()
            if bad < 0.01:
                phone = "6,28E+12"
            elif bad < 0.02:
                email = f"{slug}@gmail"
            elif bad < 0.03:
                category = rng.choice(TYPOS)
            note = rng.choice(
                ["", "", "Reseller 40", "Kirim; COD", "Baris 1\nBaris 2", "'=hanya pesanan"]
            )
            row = [
                str(index + 1),
                _date(rng),
                brand,
                rng.choice(PEOPLE),
                phone,
                email,
                category,
                rng.choice(CITIES),
                rng.choice(PROVINCES),
                url,
                rng.choice(PLANS),
                rng.choice(PRICES),
                note,
                rng.choice(["Instagram", "Teman", "Iklan", "TikTok", ""]),
            ]
            if len(previous) < 5000:
                previous.append(row)
            writer.writerow(row)


# --- the two imports, each run in a child process -------------------------------------------


def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "setia.test_settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def run_ours(path: Path, database_url: str) -> dict:
    _django(database_url)
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    started, cpu = time.perf_counter(), _cpu()
    call_command("import_customers", str(path), verbosity=0, stdout=out)
    elapsed, cpu = time.perf_counter() - started, _cpu() - cpu
    summary = next(line for line in out.getvalue().splitlines() if line.startswith("rows="))
    return {"seconds": elapsed, "cpu": cpu, "summary": summary, "max_rss_kib": _max_rss_kib()}


def run_theirs(path: Path, database_url: str, bulk: bool) -> dict:
    _django(database_url)
    import tablib
    from import_export import fields, resources, widgets

    from setia.customers.models import Category, Customer

    class CustomerResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="Nama Brand")
        category = fields.Field(
            attribute="category",
            column_name="Kategori",
            widget=widgets.ForeignKeyWidget(Category, field="name"),
        )
        city = fields.Field(attribute="city", column_name="Kota")
        province = fields.Field(attribute="province", column_name="Provinsi")

        class Meta:
            model = Customer
            fields = ("name", "category", "city", "province")
            import_id_fields = ("name",)
            skip_unchanged = True
            use_transactions = True
            use_bulk = bulk
            batch_size = 1000

    started, cpu = time.perf_counter(), _cpu()
    dataset = tablib.Dataset().load(
        path.read_text(encoding="utf-8-sig"), format="csv", delimiter=";"
    )
    result = CustomerResource().import_data(dataset, dry_run=False, raise_errors=False)
    elapsed, cpu = time.perf_counter() - started, _cpu() - cpu
    totals = dict(result.totals)
    return {
        "seconds": elapsed,
        "cpu": cpu,
        "summary": f"rows={len(dataset)} new={totals.get('new', 0)} skipped={totals.get('skip', 0)} "
        f"invalid={len(result.invalid_rows)} errors={len(result.row_errors())}",
        "max_rss_kib": _max_rss_kib(),
    }


def _cpu() -> float:
    """CPU seconds of this process: on a busy shared machine, a steadier measure than the clock.
    (With SQLite the database work is in-process, so it is counted.)"""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _max_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


# --- the driver ------------------------------------------------------------------------------


def _fresh_database(folder: Path, name: str) -> str:
    base = os.environ.get("BENCH_POSTGRES_URL")
    if base:
        import psycopg

        # BENCH_DATABASE_PREFIX keeps parallel runs (one per worktree) off each other's databases.
        database = f"{os.environ.get('BENCH_DATABASE_PREFIX', 'setia_bench')}_{name}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {database}")
            connection.execute(f"CREATE DATABASE {database}")
        url = f"{base}/{database}"
    else:
        url = f"sqlite:///{folder / f'{name}.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "setia.test_settings"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return url


def _child(mode: str, path: Path, url: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--file", str(path), "--database", url],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated file and databases")
    parser.add_argument("--skip-row-by-row", action="store_true", help="time only their bulk mode")
    parser.add_argument(
        "--child", choices=["ours", "theirs-bulk", "theirs-rows"], help=argparse.SUPPRESS
    )
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        if args.child == "ours":
            result = run_ours(args.file, args.database)
        else:
            result = run_theirs(args.file, args.database, bulk=args.child == "theirs-bulk")
        print(json.dumps(result))
        return

    folder = Path(tempfile.mkdtemp(prefix="setia-import-bench-"))
    path = folder / "onboarding.csv"
    generate(path, args.rows)
    engine = "PostgreSQL" if os.environ.get("BENCH_POSTGRES_URL") else "SQLite"
    print(
        f"file: {path} ({path.stat().st_size / 1e6:.1f} MB, {args.rows:,} rows), database: {engine}"
    )

    modes = ["ours", "theirs-bulk"] + ([] if args.skip_row_by_row else ["theirs-rows"])
    results = {}
    for mode in modes:
        url = _fresh_database(folder, mode.replace("-", "_"))
        results[mode] = _child(mode, path, url)
        result = results[mode]
        print(
            f"{mode:<12} {result['seconds']:8.1f} s {args.rows / result['seconds']:8,.0f} rows/s"
            f"  (CPU {result['cpu']:7.1f} s {args.rows / result['cpu']:8,.0f} rows/s)"
            f"  {result['summary']}",
            flush=True,
        )

    for mode in modes[1:]:
        wall = results[mode]["seconds"] / results["ours"]["seconds"]
        cpu = results[mode]["cpu"] / results["ours"]["cpu"]
        print(
            f"ratio ours / {mode}: {wall:.1f}x by the clock, {cpu:.1f}x by CPU time (target >= 10x)"
        )
    peak = results["ours"]["max_rss_kib"] / 1024
    print(f"our peak memory: {peak:,.0f} MiB (target < 1024 MiB)")
    if not args.keep:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
