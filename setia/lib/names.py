"""Managed lists named in both languages (categories, plans, tiers, playbooks, templates).

A model of such a list has an English `name`, an Indonesian `name_id` (blank: the English name
is shown) and, when sheets may name its values, `aliases`: other names, comma-separated. The
fields come from `indonesian_name_field` and `aliases_field`, the behaviour from the
`BilingualName` mixin, so every list reads and matches its names the same way. `str()` stays
the English name on purpose: history snapshots record it and undo compares them; pages show
`display_name`.

`name_key` is how a typed value is compared with a name or alias: case, spaces and
punctuation ignored ("Food & Beverage" = "food-beverage" = "FOOD BEVERAGE").
"""

import re

from django.db import models
from django.db.models import Case, F, When
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def name_key(text: str) -> str:
    """`text` lower-cased without anything but letters and digits, for matching names."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def indonesian_name_field(max_length: int) -> models.CharField:
    """The `name_id` field of a bilingual list: optional, the English name shown when empty."""
    return models.CharField(
        _("name (Indonesian)"),
        max_length=max_length,
        blank=True,
        help_text=_("Shown on the Indonesian pages; the English name when empty."),
    )


def aliases_field() -> models.CharField:
    """The `aliases` field of a bilingual list."""
    return models.CharField(
        _("aliases"),
        max_length=500,
        blank=True,
        help_text=_("Other names an imported sheet may use for this value, separated by commas."),
    )


def in_reader_language(english: str, indonesian: str | None) -> str:
    """`indonesian` for an Indonesian reader when there is one, else `english`: how every
    bilingual name is shown, kept on a row or copied into an event's data."""
    if indonesian and translation.get_language() == "id":
        return indonesian
    return english


def in_reader_language_sql(alias: str) -> str:
    """`in_reader_language` as raw SQL over the row `alias` of a bilingual list, for the
    INSERT … SELECT statements that write generated text."""
    if translation.get_language() == "id":
        return f"COALESCE(NULLIF({alias}.name_id, ''), {alias}.name)"
    return f"{alias}.name"


class BilingualName:
    """Mixin for a model with `name` (English), `name_id` (Indonesian) and optionally
    `aliases`."""

    name: str
    name_id: str
    aliases: str = ""

    @property
    def display_name(self) -> str:
        """The name in the reader's language (Indonesian, else English)."""
        return in_reader_language(self.name, self.name_id)

    @staticmethod
    def display_name_sql(prefix: str = "") -> F | Case:
        """`display_name` as SQL, for the lists built by a query (`prefix`: the path to the
        named row, such as "customer__category__")."""
        if translation.get_language() != "id":
            return F(f"{prefix}name")
        return Case(
            When(**{f"{prefix}name_id": ""}, then=F(f"{prefix}name")),
            default=F(f"{prefix}name_id"),
        )

    @property
    def alias_list(self) -> list[str]:
        """The aliases, one per entry, without the blank ones."""
        return [alias.strip() for alias in self.aliases.split(",") if alias.strip()]


class NameLookup:
    """Rows of a bilingual list by `name_key` of their English or Indonesian name, of their
    `codes` (slug, stored code) and of their aliases. Names win over codes, codes over aliases,
    so an alias never hides another row's own name."""

    def __init__(self, rows, codes=lambda row: ()) -> None:
        self.by_key: dict[str, object] = {}
        self.names: dict[str, str] = {}  # name key → display name, for suggestions
        rows = list(rows)
        for row in rows:
            for name in (row.name, row.name_id):
                if name:
                    self.by_key[name_key(name)] = row
                    self.names[name_key(name)] = row.display_name
        for row in rows:
            for code in codes(row):
                self.by_key.setdefault(name_key(code), row)
        for row in rows:
            for alias in row.alias_list:
                self.by_key.setdefault(name_key(alias), row)

    def get(self, value: str):
        """The row `value` names, or None."""
        return self.by_key.get(name_key(value))
