from django.core.management.base import BaseCommand, CommandParser

from setia.health.actions import compute_health
from setia.lib.dates import parse_date, today


class Command(BaseCommand):
    help = (
        "Compute every live customer's health score and keep the day's snapshot (a second run "
        "the same day replaces it). Ends with one line: "
        "customers=N scored=S good=G average=A poor=P."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--day", type=parse_date, help="Compute as of this day (default: today)."
        )

    def handle(self, *args, day=None, **options) -> None:
        outcome = compute_health(today=day or today())
        self.stdout.write(outcome.summary())
