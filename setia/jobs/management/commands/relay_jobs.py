"""`manage.py relay_jobs`: publish to Celery the jobs queued while its broker was down, and
fail the jobs of dead workers (beat does this every minute; this is for a deploy script)."""

from django.core.management.base import BaseCommand

from setia.jobs import actions


class Command(BaseCommand):
    help = "Publish unpublished jobs to Celery and fail the jobs of dead workers."

    def handle(self, *args, **options):
        result = actions.housekeeping()
        self.stdout.write("published={published} failed={failed} purged={purged}".format(**result))
