"""Form fields shared by pages that read their query string through a form."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from setia.lib.dates import MONTH_YEARS, parse_month


class MonthField(forms.CharField):
    """A month written `2026-11`, cleaned to its first day (None when empty); a malformed month,
    or one outside the years pages may show (`MONTH_YEARS`), is an error, never "this month"."""

    default_error_messages = {
        "invalid": _("Enter a month as YYYY-MM, between %(first)s and %(last)s."),
    }

    def to_python(self, value) -> datetime.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_month(text)
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid"],
                code="invalid",
                params={"first": MONTH_YEARS[0], "last": MONTH_YEARS[1]},
            ) from None


class IdField(forms.IntegerField):
    """A row's id in a query string: a positive integer a BigAutoField can hold. Anything else
    (`²`, `-1`, twenty nines) is an error, not a query the database refuses."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(**kwargs)
