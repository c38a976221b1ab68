import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rich.progress import Progress

from setia.customers.demo_load import DEMO_PASSWORD, load_demo_customers, load_demo_people
from setia.lib.dates import month_start, today


class Command(BaseCommand):
    help = (
        "Load realistic Indonesian demo merchants and demo users for every role in two teams. Deterministic for a "
        "seed; running it again adds nothing that is already there."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--customers", type=int, default=1000, help="how many customers (default 1000)"
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")

    def handle(self, *args, customers: int, seed: int, **options):
        if customers < 0:
            raise CommandError("--customers must be zero or more.")
        with transaction.atomic():
            people = load_demo_people()
            with Progress(disable=options["verbosity"] == 0) as progress:
                bar = progress.add_task("Demo customers", total=customers)
                created = load_demo_customers(
                    count=customers,
                    seed=seed,
                    people=people,
                    reference=month_start(today()),
                    on_progress=lambda done: progress.update(bar, completed=done),
                )
                summaries = [
                    loader(seed=seed, people=people, reference=today(), progress=progress)
                    for loader in _app_loaders()
                ]
        self.stdout.write(f"customers created={created} skipped={customers - created}")
        for summary in summaries:
            self.stdout.write(summary)
        self.stdout.write("Demo logins (password: %s):" % DEMO_PASSWORD)
        for user in people.users:
            self.stdout.write(f"  {user.get_role_display():<10} {user.email:<28} {user.team or ''}")


def _app_loaders():
    """Each app adds its own demo data through `setia/<app>/demo_load.py: load(...) -> str`.

    Apps load in INSTALLED_APPS order, after customers and people exist, so an app can build on
    the apps listed before it. `load` must be idempotent and return a one-line summary.
    """
    for config in apps.get_app_configs():
        if not config.name.startswith("setia.") or config.name == "setia.customers":
            continue
        if importlib.util.find_spec(f"{config.name}.demo_load") is None:
            continue
        module = importlib.import_module(f"{config.name}.demo_load")
        yield module.load
