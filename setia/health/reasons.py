"""A score's reasons in the reader's language: "poor: no contact for 63 days"."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from setia.health.models import Factor, Grade
from setia.lib.display import format_number

GRADE_ORDER = {Grade.POOR: 0, Grade.AVERAGE: 1, Grade.GOOD: 2}


def figure_text(factor: str, value, window_days: int) -> str:
    """What a factor's figure says, e.g. "no contact for 63 days"."""
    if factor in (Factor.GMV_TREND, Factor.UPTIME):
        number = format_number(round(float(value), 1))
    else:
        number = format_number(int(value))
    if factor == Factor.ONBOARDING and not value:
        return _("onboarding live or on time")
    texts = {
        Factor.GMV_TREND: _("GMV trend %(value)s%% (30 days against 90)"),
        Factor.UPTIME: _("uptime %(value)s%%"),
        Factor.ERRORS: _("%(value)s website errors in %(days)s days"),
        Factor.CONTACT: _("no contact for %(value)s days"),
        Factor.ISSUES: _("%(value)s open complaints or website issues in %(days)s days"),
        Factor.ONBOARDING: _("onboarding stalled for %(value)s days"),
        Factor.RENEWAL: _("renews in %(value)s days"),
        Factor.OFFERS: _("%(value)s retention offers in %(days)s days"),
        Factor.SURVEY: _("last NPS/CSAT answer at %(value)s%% of the scale"),
    }
    return texts[Factor(factor)] % {"value": number, "days": format_number(window_days)}


def grade_word(grade: str) -> str:
    """The grade as the reasons name it, in lower case ("poor")."""
    words = {
        Grade.GOOD: pgettext("health reason", "good"),
        Grade.AVERAGE: pgettext("health reason", "average"),
        Grade.POOR: pgettext("health reason", "poor"),
    }
    return words[Grade(grade)]


def reasons(rows, windows: dict[str, int]) -> list[tuple[str, str]]:
    """[(grade, "poor: uptime 91%")] of (factor, grade, figure) rows, the worst first."""
    ordered = sorted(rows, key=lambda row: GRADE_ORDER[Grade(row[1])])
    return [
        (
            grade,
            _("%(grade)s: %(reason)s")
            % {"grade": grade_word(grade), "reason": figure_text(factor, value, windows[factor])},
        )
        for factor, grade, value in ordered
    ]
