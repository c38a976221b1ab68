"""The Monday e-mail: each team's weekly update of the week just ended, as a PDF attached, to
the team's lead and its managers and to the addresses an admin added (`WeeklyRecipient`).

Once per week and team: the `WeeklySend` row is claimed (a unique constraint) in the
transaction that sends, so a job run twice, or two runners at once, send one e-mail; a send
that fails leaves no row and the next run tries again.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from setia.accounts.models import Role, Team, User
from setia.cadence.models import WeeklyRecipient, WeeklySend
from setia.cadence.report_pdf import filename, section, weekly_pdf
from setia.cadence.weekly import last_full_week, week_label
from setia.lib.dates import today


def recipients() -> dict[int | None, dict[str, str]]:
    """{team id: {address: language}} of every team's weekly update (None: the addresses
    for every team). Three queries, whatever the number of teams."""
    found: dict[int | None, dict[str, str]] = defaultdict(dict)
    for extra in WeeklyRecipient.objects.values_list("email", "team_id"):
        found[extra[1]][extra[0].lower()] = settings.LANGUAGE_CODE
    # A person's own language wins over the default given to an added address.
    leads = Team.objects.filter(lead__is_active=True).values_list(
        "pk", "lead__email", "lead__language"
    )
    managers = User.objects.filter(
        is_active=True, team__isnull=False, groups__name=Role.MANAGER
    ).values_list("team_id", "email", "language")
    for team_id, email, language in [*leads, *managers]:
        found[team_id][email.lower()] = language or settings.LANGUAGE_CODE
    return found


def _message(*, team: Team, monday: datetime.date, addresses: list[str]) -> EmailMessage:
    """The e-mail of `team`'s update in the active language, its PDF attached."""
    part = section(monday=monday, team=team)
    link = settings.SITE_URL.rstrip("/") + reverse("cadence:weekly")
    link += "?" + urlencode({"week": week_label(monday), "team": str(team.pk)})
    figures = part.figures
    lines = [
        _("The weekly update of %(team)s for %(week)s is attached.")
        % {"team": team.name, "week": week_label(monday)},
        "",
        *(
            f"- {row.target.display_name}: {row.month_to_date if row.month_to_date is not None else '-'}"
            f" / {row.target.value} ({row.percent}%)"
            for row in figures["rows"]
        ),
        "",
        link,
    ]
    message = EmailMessage(
        subject=_("Weekly update: %(team)s, %(week)s")
        % {"team": team.name, "week": week_label(monday)},
        body="\n".join(lines),
        to=addresses,
    )
    message.attach(filename([part], "pdf"), weekly_pdf([part]), "application/pdf")
    return message


def send_team_update(*, team: Team, monday: datetime.date, addresses: dict[str, str]) -> bool:
    """E-mail `team`'s update of the week starting `monday` to `addresses` ({address:
    language}), one message per language; False when it was already sent for that week."""
    with transaction.atomic():
        _sent, created = WeeklySend.objects.get_or_create(
            monday=monday, team=team, defaults={"recipients": len(addresses)}
        )
        if not created:
            return False
        by_language: dict[str, list[str]] = defaultdict(list)
        for address, language in sorted(addresses.items()):
            by_language[language].append(address)
        for language, group in sorted(by_language.items()):
            with translation.override(language):
                _message(team=team, monday=monday, addresses=group).send()
    return True


def send_weekly_updates(*, day: datetime.date | None = None) -> int:
    """Send each team's update of the last full week before `day` (today) that has not gone
    out yet; returns how many teams' e-mails were sent. A team without recipients is skipped."""
    monday = last_full_week(day or today())
    found = recipients()
    everyone = found.get(None, {})
    sent = 0
    for team in Team.objects.order_by("name", "id"):
        addresses = {**everyone, **found.get(team.pk, {})}
        if addresses and send_team_update(team=team, monday=monday, addresses=addresses):
            sent += 1
    return sent
