from django.core.management.base import BaseCommand

from setia.quality.actions import record_snapshot


class Command(BaseCommand):
    help = (
        "Record today's data-quality figures (average completeness, complete and stale records, "
        "open duplicate candidates), overall and per team, for the trend on the data-quality "
        "page. Run nightly; running it again the same day replaces that day's figures."
    )

    def handle(self, *args, **options):
        snapshots = record_snapshot()
        overall = next(s for s in snapshots if s.team_id is None)
        self.stdout.write(
            f"day={overall.day.isoformat()} customers={overall.customers} "
            f"average={overall.average_completeness:.1f} complete={overall.complete} "
            f"stale={overall.stale} open_duplicates={overall.open_duplicates} "
            f"teams={len(snapshots) - 1}"
        )
