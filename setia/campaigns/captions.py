"""The weekly promo caption for the intranet: the promotions running in an ISO week, written out
from an editable template per language."""

import datetime
import string

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from setia.campaigns.models import CaptionTemplate

PLACEHOLDERS = ("week", "promotions")
# The templates until a user edits them: content in each language, not translations of one.
DEFAULT_TEMPLATES = {
    "id": "Promo merchant minggu ini ({week}):\n\n{promotions}\n\nYuk bantu sebarkan!",
    "en": "This week's merchant promotions ({week}):\n\n{promotions}\n\nHelp spread the word!",
}


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of `day`'s ISO week."""
    return day - datetime.timedelta(days=day.weekday())


def parse_week(text: str) -> datetime.date:
    """The Monday of an ISO week written `2026-W50`; ValueError on anything else."""
    value = (text or "").strip().upper()
    year, separator, number = value.partition("-W")
    if not separator or not (year.isascii() and year.isdigit() and number.isascii()):
        raise ValueError(value)
    if not number.isdigit() or not 2000 <= int(year) <= 2100:
        raise ValueError(value)
    return datetime.date.fromisocalendar(int(year), int(number), 1)


def week_code(monday: datetime.date) -> str:
    """`2026-W50`: how the pages name a week in their links."""
    year, number, _weekday = monday.isocalendar()
    return f"{year}-W{number:02d}"


def week_label(monday: datetime.date) -> str:
    """“week 50, 7 Dec 2026 - 13 Dec 2026” in the active language."""
    return _("week %(number)s, %(start)s – %(end)s") % {
        "number": monday.isocalendar()[1],
        "start": date_format(monday, "j M Y"),
        "end": date_format(monday + datetime.timedelta(days=6), "j M Y"),
    }


def running_in_week(promotions, monday: datetime.date):
    """The promotions of `promotions` running on at least one day of the week from `monday`:
    one ending on that Monday is in, one starting the next Monday is not."""
    return promotions.filter(
        starts_on__lte=monday + datetime.timedelta(days=6), ends_on__gte=monday
    )


def validate_template(text: str) -> None:
    """ValidationError, in the user's language, for a placeholder other than `{week}` and
    `{promotions}` or a stray brace."""
    try:
        fields = [field for _text, field, _spec, _conv in string.Formatter().parse(text)]
    except ValueError:
        raise ValidationError(
            _("A brace is not closed. Write placeholders as {week} and {promotions}.")
        ) from None
    unknown = sorted({field for field in fields if field is not None and field not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Unknown placeholder %(names)s. Use only {week} and {promotions}.")
            % {"names": ", ".join("{" + name + "}" for name in unknown)}
        )
    try:
        text.format(week="", promotions="")
    except (ValueError, IndexError):
        # A format spec or an empty {} the caption cannot be written with.
        raise ValidationError(
            _("Write placeholders as {week} and {promotions}, nothing more.")
        ) from None


def template_text(language: str) -> str:
    """The template of `language`: the edited one, else the default."""
    saved = CaptionTemplate.objects.filter(language=language).values_list("text", flat=True).first()
    return saved if saved is not None else DEFAULT_TEMPLATES[language]


def render(promotions, monday: datetime.date, language: str, template: str | None = None) -> str:
    """The caption of the week from `monday` in `language` for `promotions` (a queryset; those
    running that week are listed, by start and store name)."""
    running = running_in_week(promotions, monday).select_related("customer")
    running = running.order_by("starts_on", "customer__name", "id")
    with translation.override(language):
        lines = [
            _("• %(store)s: %(discount)s (%(start)s – %(end)s) %(link)s")
            % {
                "store": promotion.customer.name,
                "discount": promotion.discount,
                "start": date_format(promotion.starts_on, "j M Y"),
                "end": date_format(promotion.ends_on, "j M Y"),
                "link": promotion.link,
            }
            for promotion in running
        ]
        listed = "\n".join(lines) if lines else _("No promotions this week.")
        text = template if template is not None else template_text(language)
        return text.format(week=week_label(monday), promotions=listed)
