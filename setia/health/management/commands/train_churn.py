from django.core.management.base import BaseCommand, CommandError, CommandParser

from setia.health.churn import DEFAULT_HORIZON, RefusedError, score_live, train
from setia.lib.dates import parse_date, today


class Command(BaseCommand):
    help = (
        "Train the churn model on the customers' history before a cut-off and test it on the "
        "period after it. Prints one line: customers=N churned=C auc=0.NN health_auc=0.NN "
        "brier=0.NN (the held-out period). Publishes the model, and scores the live customers "
        "with it, only when it beats the health score; otherwise says why and fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--cutoff",
            type=parse_date,
            help="The test cut-off (default: the horizon before today, the latest observed).",
        )
        parser.add_argument(
            "--horizon",
            type=int,
            default=DEFAULT_HORIZON,
            help=f"Days after a cut-off in which an ended subscription counts as churn "
            f"(default {DEFAULT_HORIZON}).",
        )

    def handle(self, *args, cutoff=None, horizon: int, **options) -> None:
        if not 1 <= horizon <= 730:
            raise CommandError("--horizon must be between 1 and 730 days.")
        day = today()
        try:
            trained = train(today=day, cutoff=cutoff, horizon=horizon)
        except RefusedError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(trained.summary())
        if not trained.published:
            raise CommandError(trained.refusal)
        scored = score_live(today=day)
        self.stderr.write(f"published model {trained.model.pk}; risk scored for {scored} customers")
