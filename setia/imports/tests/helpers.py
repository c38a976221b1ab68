"""Writing small files for import tests and running the command on them."""

import csv
import io
from pathlib import Path

from django.core.management import call_command

from setia.customers.models import Contact, Customer, Store, Subscription
from setia.history.models import AuditEntry
from setia.imports.models import Import, ImportChange

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

HEADER = ["Nama Brand", "Nama Pemilik", "No HP", "Email", "Kategori", "Kota", "URL Toko"]


def write_csv(
    path: Path, rows, header=HEADER, *, delimiter=",", encoding="utf-8", bom=False
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    if bom:
        data = "\ufeff".encode(encoding) + data if encoding != "utf-8" else b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


def run(path, **options) -> tuple[str, str]:
    """Run import_customers; return (stdout, summary line)."""
    out = io.StringIO()
    call_command("import_customers", str(path), verbosity=0, stdout=out, **options)
    lines = out.getvalue().splitlines()
    summary = next(line for line in lines if line.startswith("rows="))
    return out.getvalue(), summary


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Customer, Contact, Store, Subscription, AuditEntry, Import, ImportChange)
    }
