"""The customers list's filter form: the choices offered and the errors shown.

The filtering itself is `CustomerQuerySet.listed`; this form only decides which of the query
string's values are valid, so that an invalid one is shown as an error (the page is a 400). An
invalid filter is ignored; an invalid search matches no one, as the exports and bulk sends of
the same query string refuse it.
"""

import uuid

from django import forms
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from setia.accounts.models import Team, User
from setia.customers.models import SEARCH_MAX_LENGTH, Category, Customer, validate_search
from setia.segments.models import Segment
from setia.tiers.models import Tier


class QuickSelect(forms.Select):
    """A <select> written in Python: the same HTML as Django's Select, without a template
    rendered for each option (the filter form's options were a sixth of the list's time)."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) in selected else "", label)
                for key, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


class CustomerFilterForm(forms.Form):
    """The list's search, filters and sort, read from the query string."""

    SORT_CHOICES = [
        ("name", _("Name A–Z")),
        ("-name", _("Name Z–A")),
        ("city", _("City")),
        ("status", _("Status")),
        ("-updated", _("Recently updated")),
        ("-created", _("Newest")),
        ("tier", _("Tier, highest first")),
        ("-gmv", _("90-day GMV, highest first")),
        ("health", _("Health, lowest first")),
        ("-health", _("Health, highest first")),
    ]
    HEALTH_CHOICES = [
        ("", _("Any health")),
        ("g", pgettext_lazy("health grade", "Good")),
        ("a", pgettext_lazy("health grade", "Average")),
        ("p", pgettext_lazy("health grade", "Poor")),
    ]

    # The length is checked by validate_search (one message, the list's rule); the maxlength
    # attribute only stops the browser from sending more.
    q = forms.CharField(
        label=_("Search"),
        required=False,
        validators=[validate_search],
        widget=forms.TextInput(attrs={"maxlength": SEARCH_MAX_LENGTH}),
    )
    category = forms.ChoiceField(label=_("Category"), required=False, widget=QuickSelect)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.filter(is_active=True),
        required=False,
        widget=QuickSelect,
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, widget=QuickSelect
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", ""), *Customer.Status.choices],
        required=False,
        widget=QuickSelect,
    )
    tier = forms.ChoiceField(label=_("Tier"), required=False, widget=QuickSelect)
    health = forms.ChoiceField(
        label=_("Health"), choices=HEALTH_CHOICES, required=False, widget=QuickSelect
    )
    segment = forms.ChoiceField(label=_("Segment"), required=False, widget=QuickSelect)
    sort = forms.ChoiceField(
        label=_("Sort"), choices=SORT_CHOICES, required=False, widget=QuickSelect
    )

    def __init__(self, *args, user=None, **kwargs):
        """`user` decides which segments are offered: their own and the shared ones. Without a
        user only shared segments are valid."""
        super().__init__(*args, **kwargs)
        categories, tiers, self.segment_queries = self._choice_lists(user)
        self.fields["category"].choices = [("", _("All categories")), *categories]
        self.fields["tier"].choices = [("", _("All tiers")), *tiers]
        self.fields["segment"].choices = [
            ("", _("All customers")),
            *((code, name) for code, (name, _query) in self.segment_queries.items()),
        ]
        self.fields["status"].choices = [("", _("All statuses")), *Customer.Status.choices]
        self.fields["owner"].empty_label = _("All owners")
        self.fields["team"].empty_label = _("All teams")
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Name, contact, phone, email or domain")}
        )

    @staticmethod
    def _choice_lists(user):
        """Category and tier choices (slug, name) and the usable segments ({code: (name,
        query)}), in ONE query.

        The list page's budget is ten queries (its test); the three lists share a UNION the way
        the role backend shares permissions and groups, and a chosen category is checked
        against its list instead of being fetched again.
        """
        text = CharField()
        categories = Category.objects.annotate(
            kind=Value("category", output_field=text),
            key=F("slug"),
            saved=Value("", output_field=text),
            rank=F("position"),
            shown=Category.display_name_sql(),
        ).values_list("kind", "key", "shown", "saved", "rank")
        tiers = Tier.objects.annotate(
            kind=Value("tier", output_field=text),
            key=F("slug"),
            saved=Value("", output_field=text),
            rank=F("position"),
            shown=Tier.display_name_sql(),
        ).values_list("kind", "key", "shown", "saved", "rank")
        segments = Segment.objects.filter(is_shared=True)
        if user is not None:
            segments = Segment.objects.usable_by(user)
        segments = segments.annotate(
            kind=Value("segment", output_field=text),
            key=Cast("code", output_field=text),
            saved=F("query"),
            rank=Value(0),
        ).values_list("kind", "key", "name", "saved", "rank")
        rows = sorted(
            categories.order_by().union(tiers.order_by(), segments.order_by(), all=True),
            key=lambda row: (row[0], row[4], row[2].lower()),
        )
        category_choices = [
            (key, name) for kind, key, name, _query, _rank in rows if kind == "category"
        ]
        tier_choices = [(key, name) for kind, key, name, _query, _rank in rows if kind == "tier"]
        segment_queries = {
            str(uuid.UUID(key)): (name, query)
            for kind, key, name, query, _rank in rows
            if kind == "segment"
        }
        return category_choices, tier_choices, segment_queries

    def valid_params(self) -> dict[str, str]:
        """The query string's non-empty values that passed validation, as given; an invalid
        one is left out (the list ignores it and shows the error). A segment and a search are
        kept even when invalid, so that they match no one rather than everyone, and so that an
        export of the same query string refuses the search as the list does."""
        if not self.is_bound:
            return {}
        self.is_valid()
        params = {}
        for name in self.fields:
            value = (self.data.get(name) or "").strip()
            if value and (name in ("segment", "q") or name not in self.errors):
                params[name] = value
        return params

    def filter(self, queryset):
        """`queryset` narrowed and sorted as the list shows it (`CustomerQuerySet.listed`).

        An unknown or forbidden segment, or a search `validate_search` refuses, matches no one,
        so that a list never silently widens to every customer.
        """
        params = self.valid_params()
        if "q" in self.errors:
            return queryset.none()
        saved = self.segment_queries.get(params.get("segment", ""))
        return queryset.listed(params, segment_query=saved[1] if saved else None)
