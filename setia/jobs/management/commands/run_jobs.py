"""`manage.py run_jobs`: the job runner without Redis (`make run` starts it beside the web
server). Polls the jobs table, runs each job in turn, and keeps the beat schedule."""

import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connections
from django.utils import timezone

from setia.jobs import actions
from setia.jobs.schedule import Schedule


class Command(BaseCommand):
    help = "Run background jobs and the schedule (bulk sends, retries, reminders, nightly jobs)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the jobs due now, then stop.")
        parser.add_argument(
            "--no-schedule", action="store_true", help="Run queued jobs only, not the schedule."
        )

    def handle(self, *args, once=False, no_schedule=False, **options):
        if once:
            actions.housekeeping()
            ran = actions.run_pending()
            self.stdout.write(f"{ran} jobs run")
            return
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        schedule = None if no_schedule else Schedule()
        self.stdout.write("Running jobs (stop with Ctrl-C)")
        last_housekeeping = 0.0
        while not self.stopping:
            try:
                if time.monotonic() - last_housekeeping >= 60:
                    last_housekeeping = time.monotonic()
                    actions.seen()
                    actions.housekeeping()
                if schedule:
                    schedule.enqueue_due(now=timezone.now())
                job = actions.claim_next()
                if job is not None:
                    self.stdout.write(f"{job.label} #{job.pk}: {actions.execute(job)}")
                    continue
            except Exception as error:  # the database went away: wait, then carry on
                self.stderr.write(f"run_jobs: {type(error).__name__}: {error}")
                connections.close_all()
            time.sleep(settings.JOBS_POLL_SECONDS)
        self.stdout.write("Stopped")

    def _stop(self, *_args):
        self.stopping = True
