"""Customer import benchmark: our import against django-import-export, same file, and the floor.

    .venv/bin/pip install -c constraints.txt -e ".[bench]"
    .venv/bin/python bench/import_bench.py [--rows 100000] [--row-by-row] [--theirs all-tuned] [--keep]

Generates an onboarding sheet of `--rows` rows with realistic mess (id-ID Excel CSV: `;`, BOM;
phones in every format, mixed-case e-mails, `KAB.`/`KOTA` cities, upper-case provinces,
Indonesian dates and amounts, category typos, ~5% duplicate rows, ~3% bad cells, a quoted
multi-line note, an unknown column). Each import runs in its own process on its own fresh
database (SQLite files in a temporary folder, or PostgreSQL databases when BENCH_POSTGRES_URL
is set, e.g. postgres://postgres@127.0.0.1:5432, named BENCH_DATABASE_PREFIX_ours… with the
prefix `setia_bench` by default), so that peak memory is ours alone.

- ours: `manage.py import_customers` — customers, contacts, stores, subscriptions, their
  history and undo records, through the customer rules, with values normalised and dedupe
  against the file and the database; then the duplicate candidates it finds and the onboarding
  enrolment of the customers it created (with their checklist tasks), as every import does.
- floor: the rows ours wrote (read back from its database, values ready), inserted into the
  same tables of a fresh database with no validation and nothing else: one `executemany` per
  table on SQLite, one COPY per table on PostgreSQL, one transaction. No import can be faster.
- theirs: django-import-export 4 `ModelResource`s on the same sheet, values taken as they come
  (no normalisation, no dedupe, no history: less work than ours), each of
  `customers-*` (the customer table alone: name, category by name, city, province) and
  `all-*` (the four customer tables ours writes, one resource per model, in order), each way of
  `bulk` (their bulk mode), `tuned` (bulk mode plus everything their "Performance tuning"
  guide adds) and, with --row-by-row, `rows` (their default).

Prints seconds and rows/s of each (by the clock, and CPU time for information), the ratios, the
verdict and our peak memory (maximum resident set size). Target, by the clock: ours >= 3x
their fastest way of writing the same tables, on SQLite and on PostgreSQL; peak memory < 1 GiB.
"""

import argparse
import csv
import json
import os
import random
import re
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


def run_theirs(path: Path, database_url: str, mode: str) -> dict:
    """`mode` is `<tables>-<way>`: tables `customers` (the customer table alone) or `all` (the
    four our import writes); way `rows` (their default), `bulk` or `tuned`."""
    _django(database_url)
    import tablib

    started, cpu = time.perf_counter(), _cpu()
    dataset = tablib.Dataset().load(
        path.read_text(encoding="utf-8-sig"), format="csv", delimiter=";"
    )
    tables, way = mode.split("-")
    resources = _their_resources(way)
    if tables == "customers":
        resources = resources[:1]
    written, invalid, errors = {}, 0, 0
    for their_resource in resources:
        # One import per model, in order (a contact needs its customer), as their documentation
        # has it: a resource imports one model.
        result = their_resource.import_data(dataset, dry_run=False, raise_errors=False)
        totals = dict(result.totals)
        written[their_resource._meta.model._meta.model_name] = totals.get("new", 0)
        invalid += len(result.invalid_rows)
        errors += len(result.row_errors())
    elapsed, cpu = time.perf_counter() - started, _cpu() - cpu
    return {
        "seconds": elapsed,
        "cpu": cpu,
        "summary": f"rows={len(dataset)} new: "
        + " ".join(f"{name}={count}" for name, count in written.items())
        + f" invalid={invalid} errors={errors}",
        "max_rss_kib": _max_rss_kib(),
    }


# Every table ours writes to, in an order that satisfies their foreign keys: the records, their
# history and undo records, the duplicate candidates found, the onboarding enrolment and its
# checklist tasks.
FLOOR_TABLES = ["imports_import", "customers_customer", "customers_contact", "customers_store", "customers_subscription", "audit_auditentry", "imports_importchange", "engagement_timelineevent", "quality_duplicatecandidate", "work_onboarding", "work_task"]  # fmt: skip


def run_floor(source_url: str, database_url: str) -> dict:
    """Insert the rows ours wrote (read from `source_url`, untimed) into the same, empty tables
    of `database_url`: executemany (SQLite) or COPY (PostgreSQL), one transaction, timed."""
    if database_url.startswith("sqlite"):
        elapsed, cpu, rows = _floor_sqlite(source_url, database_url)
    else:
        elapsed, cpu, rows = _floor_postgres(source_url, database_url)
    return {
        "seconds": elapsed,
        "cpu": cpu,
        "summary": f"the {len(FLOOR_TABLES)} tables ours wrote"
        + (f", {rows:,} rows" if rows else ""),
        "max_rss_kib": _max_rss_kib(),
    }


def _floor_sqlite(source_url: str, database_url: str) -> tuple[float, float, int]:
    """(seconds, CPU seconds, rows) of the executemany of every table, in one transaction."""
    import sqlite3

    source = sqlite3.connect(source_url.removeprefix("sqlite:///"))
    tables = {}
    for table in FLOOR_TABLES:
        cursor = source.execute(f'SELECT * FROM "{table}"')
        tables[table] = ([column[0] for column in cursor.description], cursor.fetchall())
    target = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    target.execute("PRAGMA foreign_keys = ON")
    started, cpu = time.perf_counter(), _cpu()
    target.execute("BEGIN")
    for table, (columns, rows) in tables.items():
        names = ", ".join(f'"{column}"' for column in columns)
        marks = ", ".join("?" * len(columns))
        target.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
    target.execute("COMMIT")
    rows_written = sum(len(rows) for _columns, rows in tables.values())
    return time.perf_counter() - started, _cpu() - cpu, rows_written


def _floor_postgres(source_url: str, database_url: str) -> tuple[float, float, int]:
    """(seconds, CPU seconds, 0) of a COPY of every table, in one transaction."""
    import psycopg

    tables = {}
    with psycopg.connect(source_url) as source:
        for table in FLOOR_TABLES:
            with source.cursor().copy(f'COPY "{table}" TO STDOUT') as copy:
                tables[table] = b"".join(bytes(block) for block in copy)
    with psycopg.connect(database_url) as target:
        started, cpu = time.perf_counter(), _cpu()
        for table, data in tables.items():
            with target.cursor().copy(f'COPY "{table}" FROM STDIN') as out:
                out.write(data)
        target.commit()
    return time.perf_counter() - started, _cpu() - cpu, 0


def _their_resources(way: str) -> list:
    """django-import-export 4 `ModelResource`s for the models our import writes, mapped to the
    sheet's columns, values taken as they come (no phone, e-mail or amount normalisation).

    `way`: `rows`, their default (one save() per row); `bulk`, their bulk mode (`use_bulk`,
    batches of 1,000); `tuned`, bulk mode with everything their "Performance tuning" guide
    adds: no diff (`skip_diff`), instances looked up in one query (`CachedInstanceLoader`)
    and foreign keys looked up once (a caching `ForeignKeyWidget`, as their caveats advise).
    """
    import datetime

    from import_export import fields, instance_loaders, resources, widgets

    from setia.customers.models import Category, Contact, Customer, Store, Subscription

    tuned = way == "tuned"

    class CachedInstanceLoader(instance_loaders.ModelInstanceLoader):
        """Their `CachedInstanceLoader` (existing instances read in one query), except that a
        row whose key does not resolve (a contact of a customer that was rejected) fails alone:
        theirs cleans every key up front and so aborts the whole import on such a row."""

        def __init__(self, resource, dataset=None):
            super().__init__(resource, dataset)
            self.key = resource.fields[resource.get_import_id_fields()[0]]
            self.instances = {self.key.get_value(obj): obj for obj in self.get_queryset()}

        def get_instance(self, row):
            return self.instances.get(self.key.clean(row))

    class CachedForeignKeyWidget(widgets.ForeignKeyWidget):
        """Reads the related table once, not once per row."""

        def clean(self, value, row=None, **kwargs):
            if not value:
                return None
            if not hasattr(self, "cache"):
                self.cache = {getattr(obj, self.field): obj for obj in self.model.objects.all()}
            try:
                return self.cache[value]
            except KeyError:
                raise self.model.DoesNotExist(value) from None

    key_widget = CachedForeignKeyWidget if tuned else widgets.ForeignKeyWidget

    class Options:
        skip_unchanged = not tuned  # it needs the diff that tuning turns off
        # With transactions, any row error rolls their whole import back (and there are some):
        # without, the valid rows stay, as ours does with its rejected rows.
        use_transactions = False
        use_bulk = way != "rows"
        batch_size = 1000
        skip_diff = tuned
        if tuned:
            instance_loader_class = CachedInstanceLoader

    class RupiahWidget(widgets.Widget):
        """`Rp 349.000`, `1.234.567,00` or nothing (0): what a user of theirs would write."""

        def clean(self, value, row=None, **kwargs):
            return int(re.sub(r"\D", "", re.sub(r",\d{2}$", "", value or "")) or 0)

    date_widget = widgets.DateWidget()
    date_widget.formats = ("%d/%m/%Y", "%Y-%m-%d")  # the sheet's numeric forms

    def customer_field():
        return fields.Field(
            attribute="customer",
            column_name="Nama Brand",
            widget=key_widget(Customer, field="name"),
        )

    class CustomerResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="Nama Brand")
        category = fields.Field(
            attribute="category",
            column_name="Kategori",
            widget=key_widget(Category, field="name"),
        )
        city = fields.Field(attribute="city", column_name="Kota")
        province = fields.Field(attribute="province", column_name="Provinsi")

        class Meta(Options):
            model = Customer
            fields = ("name", "category", "city", "province")
            import_id_fields = ("name",)

    class ContactResource(resources.ModelResource):
        customer = customer_field()
        name = fields.Field(attribute="name", column_name="Nama Pemilik")
        phone = fields.Field(attribute="phone", column_name="No HP")
        email = fields.Field(attribute="email", column_name="Email")

        class Meta(Options):
            model = Contact
            fields = ("customer", "name", "phone", "email")
            import_id_fields = ("customer",)

    class StoreResource(resources.ModelResource):
        customer = customer_field()
        url = fields.Field(attribute="url", column_name="URL Toko")
        domain = fields.Field(attribute="domain", column_name="URL Toko")

        class Meta(Options):
            model = Store
            fields = ("customer", "url", "domain")
            import_id_fields = ("domain",)

    class SubscriptionResource(resources.ModelResource):
        customer = customer_field()
        plan = fields.Field(attribute="plan", column_name="Paket")
        started_on = fields.Field(
            attribute="started_on",
            column_name="Tanggal Onboarding",
            widget=date_widget,
        )
        renews_on = fields.Field(attribute="renews_on", column_name="renews_on")
        monthly_price = fields.Field(
            attribute="monthly_price", column_name="Harga Bulanan", widget=RupiahWidget()
        )

        def before_import_row(self, row, **kwargs):
            # The sheet has no renewal date: a year after the start, as our import does.
            try:
                started = date_widget.clean(row["Tanggal Onboarding"]) or datetime.date(2026, 1, 1)
            except ValueError:
                started = datetime.date(2026, 1, 1)  # the row fails on its start date anyway
            row["renews_on"] = started.replace(year=started.year + 1)

        class Meta(Options):
            model = Subscription
            fields = ("customer", "plan", "started_on", "renews_on", "monthly_price")
            import_id_fields = ("customer",)

    return [CustomerResource(), ContactResource(), StoreResource(), SubscriptionResource()]


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


THEIR_MODES = ["customers-bulk", "customers-tuned", "all-bulk", "all-tuned", "customers-rows", "all-rows"]  # fmt: skip


def _child(mode: str, path: Path, url: str, source: str = "") -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--file", str(path), "--database", url]
        + (["--source", source] if source else []),
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
    parser.add_argument(
        "--row-by-row",
        action="store_true",
        help="time their default row-by-row mode too (slower than their bulk mode: adds minutes)",
    )
    parser.add_argument(
        "--theirs",
        help="comma-separated modes of theirs to time (default: every bulk and tuned mode); the "
        "verdict needs at least one all-* mode. Their bulk mode writing all tables takes ~15 min "
        "at 100k rows and has always been far slower than their tuned mode",
    )
    parser.add_argument("--child", choices=["ours", "floor", *THEIR_MODES], help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        if args.child == "ours":
            result = run_ours(args.file, args.database)
        elif args.child == "floor":
            result = run_floor(args.source, args.database)
        else:
            result = run_theirs(args.file, args.database, args.child)
        print(json.dumps(result))
        return

    folder = Path(tempfile.mkdtemp(prefix="setia-import-bench-"))
    path = folder / "onboarding.csv"
    generate(path, args.rows)
    engine = "PostgreSQL" if os.environ.get("BENCH_POSTGRES_URL") else "SQLite"
    print(
        f"file: {path} ({path.stat().st_size / 1e6:.1f} MB, {args.rows:,} rows), database: {engine}"
    )

    theirs = [mode for mode in THEIR_MODES if args.row_by_row or "rows" not in mode]
    if args.theirs:
        theirs = args.theirs.split(",")
        unknown = sorted(set(theirs) - set(THEIR_MODES))
        if unknown or not any(mode.startswith("all-") for mode in theirs):
            parser.error(f"--theirs takes some of {', '.join(THEIR_MODES)}, one all-* at least")
    modes = ["ours", "floor", *theirs]
    results, urls = {}, {}
    for mode in modes:
        urls[mode] = _fresh_database(folder, mode.replace("-", "_"))
        results[mode] = _child(mode, path, urls[mode], urls["ours"] if mode == "floor" else "")
        result = results[mode]
        print(
            f"{mode:<15} {result['seconds']:7.1f} s {args.rows / result['seconds']:7,.0f} rows/s"
            f"  (CPU {result['cpu']:6.1f} s)  {result['summary']}",
            flush=True,
        )

    ours = results["ours"]["seconds"]
    for mode in modes[2:]:
        print(f"ratio {mode:<15} / ours  {results[mode]['seconds'] / ours:5.1f}x by the clock")
    print(f"ratio ours / floor            {ours / results['floor']['seconds']:5.1f}x by the clock")
    # The verdict: their fastest way of writing the tables ours writes, by the clock.
    fastest = min(
        (mode for mode in modes if mode.startswith("all-")), key=lambda m: results[m]["seconds"]
    )
    ratio = results[fastest]["seconds"] / ours
    verdict = "met" if ratio >= 3 else "NOT met"
    engine = "PostgreSQL" if os.environ.get("BENCH_POSTGRES_URL") else "SQLite"
    print(
        f"{engine}, same tables, their fastest ({fastest}): {ratio:.1f}x (target >= 3x: {verdict})"
    )
    peak = results["ours"]["max_rss_kib"] / 1024
    print(f"our peak memory: {peak:,.0f} MiB (target < 1024 MiB)")
    if not args.keep:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
