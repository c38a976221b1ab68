from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from setia.lib.reading import FileError, open_table
from setia.partners import actions
from setia.partners.models import Partner


class Command(BaseCommand):
    help = (
        "Import a courier's price sheet (CSV or XLSX) as the next version of a partner's rate "
        "card, in one transaction. Prints `rows=N accepted=A rejected=R version=V` and the "
        "refused rows with their reasons; a file with refused rows, or the same lanes as the "
        "current version, imports nothing (version=-). Exit status 1 when the file is unusable "
        "or rows were refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("partner", help="the partner's name or id")
        parser.add_argument("path", type=Path, help="CSV or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="report only; write nothing")

    def handle(self, *args, partner: str, path: Path, dry_run: bool, **options):
        chosen = Partner.objects.filter(name__iexact=partner.strip()).first()
        if chosen is None and partner.isdecimal() and len(partner) <= 18:
            chosen = Partner.objects.filter(pk=int(partner)).first()
        if chosen is None:
            raise CommandError(f"No partner is called {partner}.")
        try:
            with path.open("rb") as file:
                result = actions.import_rate_card(
                    partner=chosen,
                    table=open_table(file),
                    file_name=path.name,
                    actor=None,
                    dry_run=dry_run,
                )
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except FileError as error:
            raise CommandError(f"{path}: {error.message}") from None
        self.stdout.write(result.summary)
        for number, column, reason in result.sheet.errors:
            self.stderr.write(f"row {number}: {column + ': ' if column else ''}{reason}")
        if result.same_as is not None:
            self.stdout.write(f"same as version {result.same_as.number}: nothing imported")
        if result.sheet.errors:
            raise SystemExit(1)
