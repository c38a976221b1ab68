from django import forms
from django.utils.translation import gettext_lazy as _

from setia.customers.models import Customer
from setia.quality.actions import MERGE_FIELDS, customer_field

SIDES = [("a", "A"), ("b", "B")]


def _display(customer: Customer, name: str) -> str:
    if customer_field(name).choices:
        return str(getattr(customer, f"get_{name}_display")())
    value = getattr(customer, name)
    if value is None:
        return ""
    # A managed list's entry (a category) in the reader's language.
    return str(getattr(value, "display_name", value))


class MergeForm(forms.Form):
    """Which record survives and, field by field, whose value it keeps.

    The record versions travel with the form so a merge of records someone changed since the
    page was opened is refused instead of silently using old values.
    """

    survivor = forms.ChoiceField(label=_("Record to keep"), choices=SIDES, widget=forms.RadioSelect)
    version_a = forms.IntegerField(widget=forms.HiddenInput)
    version_b = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate = candidate
        self.customers = {"a": candidate.customer_a, "b": candidate.customer_b}
        self.initial.setdefault("survivor", "a")
        self.initial.setdefault("version_a", candidate.customer_a.version)
        self.initial.setdefault("version_b", candidate.customer_b.version)
        for name in MERGE_FIELDS:
            first, second = (_display(self.customers[side], name) for side in ("a", "b"))
            self.fields[name] = forms.ChoiceField(
                label=Customer._meta.get_field(name).verbose_name,
                choices=SIDES,
                widget=forms.RadioSelect,
            )
            # Keep A's value unless it is empty and B has one.
            self.initial.setdefault(name, "b" if not first and second else "a")

    def rows(self) -> list[dict]:
        """One row per field for the side-by-side table: label, both values, which is picked."""
        rows: list[dict] = []
        for name in MERGE_FIELDS:
            chosen = self[name].value()
            rows.append(
                {
                    "name": name,
                    "label": self.fields[name].label,
                    "a": _display(self.customers["a"], name),
                    "b": _display(self.customers["b"], name),
                    "checked": chosen if chosen in ("a", "b") else "a",
                    "differs": _display(self.customers["a"], name)
                    != _display(self.customers["b"], name),
                    "errors": self.errors.get(name, []),
                }
            )
        return rows

    def survivor_customer(self) -> Customer:
        return self.customers[self.cleaned_data["survivor"]]

    def choices(self) -> dict[str, Customer]:
        return {name: self.customers[self.cleaned_data[name]] for name in MERGE_FIELDS}

    def expected_versions(self) -> dict[int, int]:
        return {
            self.customers["a"].pk: self.cleaned_data["version_a"],
            self.customers["b"].pk: self.cleaned_data["version_b"],
        }
