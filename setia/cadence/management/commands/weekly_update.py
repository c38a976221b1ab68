"""`manage.py weekly_update [--week YYYY-Www] [--team NAME] --out FILE.pdf`: the weekly update
as the page's PDF, one team's or every team's (each on its own pages), for the week given or
the last full week (the one Monday's e-mail reports)."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from setia.accounts.models import Team
from setia.cadence.forms import WeekField
from setia.cadence.report_pdf import section, weekly_pdf
from setia.cadence.weekly import last_full_week, week_label
from setia.lib.dates import today
from setia.lib.pdf import PdfUnavailable


class Command(BaseCommand):
    help = "Write the weekly update of one team or of every team as a PDF."

    def add_arguments(self, parser):
        parser.add_argument(
            "--week", default="", help="ISO week, e.g. 2026-W47 (default: last week)"
        )
        parser.add_argument("--team", default="", help="the team's name (default: every team)")
        parser.add_argument("--out", required=True, help="the PDF file to write")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="the language of the PDF",
        )

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            return self._write(options)

    def _write(self, options) -> None:
        try:
            monday = WeekField(required=False).clean(options["week"]) or last_full_week(today())
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        teams = Team.objects.order_by("name", "id")
        if options["team"]:
            teams = teams.filter(name__iexact=options["team"].strip())
            if not teams:
                known = ", ".join(Team.objects.order_by("name").values_list("name", flat=True))
                raise CommandError(
                    _("No team is called “%(name)s”. Teams: %(known)s.")
                    % {"name": options["team"], "known": known or "-"}
                )
        sections = [section(monday=monday, team=team) for team in teams]
        if not sections:
            raise CommandError(_("There are no teams yet."))
        try:
            content = weekly_pdf(sections)
        except PdfUnavailable as error:
            raise CommandError(error.message) from None
        out = Path(options["out"])
        try:
            out.write_bytes(content)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s") % {"file": out, "reason": error.strerror}
            ) from None
        self.stdout.write(
            _("Wrote %(file)s: the weekly update of %(teams)s for %(week)s (%(size)s bytes).")
            % {
                "file": out,
                "teams": ", ".join(team.name for team in teams),
                "week": week_label(monday),
                "size": len(content),
            }
        )
