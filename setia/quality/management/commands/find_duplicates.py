from django.core.management.base import BaseCommand

from setia.quality.actions import flag_duplicates
from setia.quality.models import DuplicateCandidate


class Command(BaseCommand):
    help = (
        "Look for customers that may be one business (same phone or e-mail, a store domain that "
        "is another customer's e-mail domain, or a similar name) and record them as duplicate candidates for review. Never merges; pairs "
        "already recorded are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", default="scan", help="what to record as the candidates' source"
        )

    def handle(self, *args, source: str, **options):
        created = flag_duplicates(source=source)
        open_count = DuplicateCandidate.objects.open().count()
        self.stdout.write(f"candidates created={created} open={open_count}")
