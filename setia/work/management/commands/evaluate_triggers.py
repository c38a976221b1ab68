from django.core.management.base import BaseCommand, CommandParser

from setia.lib.dates import parse_date
from setia.work.automation.evaluation import evaluate


class Command(BaseCommand):
    help = (
        "Evaluate the active trigger rules and start their playbooks for the customers that "
        "match (never a second open run of a playbook for a customer). Ends with one line: "
        "customers=N started=S already_open=A."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--day", type=parse_date, help="Evaluate as of this day (default: today)."
        )

    def handle(self, *args, day=None, **options) -> None:
        outcome = evaluate(day=day)
        self.stdout.write(outcome.summary())
