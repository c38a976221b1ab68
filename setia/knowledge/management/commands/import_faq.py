"""`python manage.py import_faq FILE.csv [--approve] [--by EMAIL]`: import agreed answers."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from setia.accounts.models import User
from setia.knowledge import actions


class Command(BaseCommand):
    help = (
        "Import agreed answers from CSV (key,area,question_id,answer_id,question_en,answer_en); "
        "an existing key is updated. Prints rows=N created=C updated=U rejected=R."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--approve", action="store_true", help="Approve the imported answers at once."
        )
        parser.add_argument("--by", default="", help="E-mail of the user the import is made as.")

    def handle(self, *args, file, approve, by, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            content = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            raise CommandError(f"{file} is not UTF-8 text: {error}") from error
        actor = User.objects.filter(email__iexact=by).first() if by else None
        if by and actor is None:
            raise CommandError(f"No user {by}")
        result = actions.import_faq(content=content, actor=actor, approve=approve)
        for problem in result.errors:
            self.stderr.write(problem)
        self.stdout.write(result.summary())
