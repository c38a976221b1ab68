from datetime import date

from django.core.management.base import BaseCommand

from setia.lib.dates import today as today_in_jakarta
from setia.metrics.actions import StepResult, run_recompute


class Command(BaseCommand):
    help = (
        "Recompute the bulk figures (rollups, monthly totals and every step listed in the "
        "RECOMPUTE_STEPS setting), printing each step's rows and time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="compute as of this date, YYYY-MM-DD (default: today in TIME_ZONE)",
        )

    def handle(self, *args, today: date | None, **options):
        day = today or today_in_jakarta()

        def report(step: StepResult) -> None:
            self.stdout.write(f"{step.name}: rows={step.rows} seconds={step.seconds:.2f}")

        results = run_recompute(today=day, on_step=report)
        total = sum(step.seconds for step in results)
        self.stdout.write(f"recompute as of {day.isoformat()}: seconds={total:.2f}")
