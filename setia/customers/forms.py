import uuid

from django import forms
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import Team, User
from setia.customers.models import Category, Contact, Customer, Store, Subscription
from setia.lib.dates import parse_date
from setia.lib.domains import normalise_domain
from setia.lib.emails import normalise_email
from setia.lib.money import parse_rupiah
from setia.lib.phones import PhoneError, normalise_phone
from setia.segments.models import Segment
from setia.tiers.models import Tier


class FlexibleDateField(forms.DateField):
    """Accepts the browser's ISO date and what people type: `05/04/2024`, `17 Agustus 2024`."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if hasattr(value, "year"):
            return value
        try:
            return parse_date(str(value))
        except ValueError:
            raise forms.ValidationError(
                _("Enter a date such as 17/08/2024 or 17 Agustus 2024."), code="invalid"
            ) from None


class RupiahField(forms.CharField):
    """Whole rupiah from `1.234.567`, `Rp 1.234.567` or `1234567`."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            amount = parse_rupiah(value)
        except ValueError:
            raise forms.ValidationError(
                _("Enter an amount in rupiah, such as 1.500.000."), code="invalid"
            ) from None
        if amount < 0:
            raise forms.ValidationError(_("The amount cannot be negative."), code="negative")
        return amount


class CustomerForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = ["name", "category", "status", "city", "province", "owner", "team", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        categories = Category.objects.filter(is_active=True)
        owners = User.objects.filter(is_active=True)
        teams = Team.objects.all()
        if not user.has_perm("customers.view_all_customers"):
            # Executives keep customers inside their own team: a customer handed to another
            # team would vanish from their own list.
            owners = (
                owners.filter(team_id=user.team_id) if user.team_id else owners.filter(pk=user.pk)
            )
            teams = teams.filter(pk=user.team_id)
            self.fields["team"].required = True
        if self.instance.pk:
            # The current values stay valid, so that changing the notes does not force a
            # reassignment: an owner who left or sits outside the team (a manager), a team the
            # executive is not in (a customer they own there), a retired category.
            categories = categories | Category.objects.filter(pk=self.instance.category_id)
            owners = owners | User.objects.filter(pk=self.instance.owner_id)
            teams = teams | Team.objects.filter(pk=self.instance.team_id)
        self.fields["category"].queryset = categories
        self.fields["owner"].queryset = owners
        self.fields["team"].queryset = teams
        self.fields["name"].widget.attrs["autofocus"] = True
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            self.initial.setdefault("owner", user.pk)
            self.initial.setdefault("team", user.team_id)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter the business name."))
        return name

    def clean_city(self):
        return " ".join(self.cleaned_data["city"].split()).title()

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "position", "phone", "whatsapp", "email", "is_primary"]
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "placeholder": "0812-3456-7890"}),
            "whatsapp": forms.TextInput(
                attrs={"inputmode": "tel", "placeholder": "0812-3456-7890"}
            ),
        }
        help_texts = {"whatsapp": _("Leave empty when it is the same as the phone number.")}

    def _clean_number(self, name):
        value = self.cleaned_data.get(name, "").strip()
        if not value:
            return ""
        try:
            return normalise_phone(value)
        except PhoneError as error:
            raise forms.ValidationError(error.message, code="invalid_phone") from None

    def clean_phone(self):
        return self._clean_number("phone")

    def clean_whatsapp(self):
        return self._clean_number("whatsapp")

    def clean_email(self):
        value = self.cleaned_data["email"]
        if not value:
            return ""
        try:
            return normalise_email(value)
        except ValueError:
            raise forms.ValidationError(_("Enter a valid email address."), code="invalid") from None

    def clean(self):
        cleaned = super().clean()
        if (
            not (cleaned.get("phone") or cleaned.get("whatsapp") or cleaned.get("email"))
            and not self.errors
        ):
            raise forms.ValidationError(
                _("Give at least a phone number, a WhatsApp number or an email.")
            )
        return cleaned

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class StoreForm(forms.ModelForm):
    url = forms.CharField(
        label=_("URL"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "https://tokoanda.com"}),
    )

    class Meta:
        model = Store
        fields = ["kind", "url", "platform_version", "launched_on"]
        field_classes = {"launched_on": FlexibleDateField}

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        try:
            domain = normalise_domain(url)
        except ValueError:
            raise forms.ValidationError(
                _("Enter the store's address, such as https://tokoanda.com.")
            ) from None
        others = Store.objects.filter(domain=domain).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("The store %(domain)s is already registered to a customer.") % {"domain": domain}
            )
        self.cleaned_data["domain"] = domain
        return url if "://" in url else f"https://{url}"

    def _post_clean(self):
        super()._post_clean()
        if "domain" in self.cleaned_data:
            self.instance.domain = self.cleaned_data["domain"]

    def model_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["domain"] = self.cleaned_data["domain"]
        return data


class SubscriptionForm(forms.ModelForm):
    monthly_price = RupiahField(
        label=_("monthly price (Rp)"), widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )

    class Meta:
        model = Subscription
        fields = ["plan", "started_on", "renews_on", "monthly_price", "discount_percent"]
        field_classes = {"started_on": FlexibleDateField, "renews_on": FlexibleDateField}

    def clean(self):
        cleaned = super().clean()
        started, renews = cleaned.get("started_on"), cleaned.get("renews_on")
        if started and renews and renews < started:
            self.add_error("renews_on", _("The renewal date cannot be before the start date."))
        return cleaned

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CustomerFilterForm(forms.Form):
    """The list's search, filters and sort, read from the query string."""

    SORTS = {
        "name": ("name", "id"),
        "-name": ("-name", "-id"),
        "city": ("city", "name", "id"),
        "-updated": ("-updated_at", "-id"),
        "-created": ("-created_at", "-id"),
        "status": ("status", "name", "id"),
    }
    SORT_CHOICES = [
        ("name", _("Name A–Z")),
        ("-name", _("Name Z–A")),
        ("city", _("City")),
        ("status", _("Status")),
        ("-updated", _("Recently updated")),
        ("-created", _("Newest")),
        ("tier", _("Tier, highest first")),
        ("-gmv", _("90-day GMV, highest first")),
    ]
    # Customers without a tier come last; positions count from the highest tier (1).
    TIER_SORTS = {
        "tier": (F("tier_assignment__tier__position").asc(nulls_last=True), "name", "id"),
        "-gmv": (F("tier_assignment__gmv_90d").desc(nulls_last=True), "name", "id"),
    }

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("Category"), required=False)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.filter(is_active=True), required=False
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", ""), *Customer.Status.choices], required=False
    )
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    segment = forms.ChoiceField(label=_("Segment"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=SORT_CHOICES, required=False)

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
        ).values_list("kind", "key", "name", "saved", "rank")
        tiers = Tier.objects.annotate(
            kind=Value("tier", output_field=text),
            key=F("slug"),
            saved=Value("", output_field=text),
            rank=F("position"),
        ).values_list("kind", "key", "name", "saved", "rank")
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

    def filter(self, queryset):
        """Apply the valid filters to `queryset`; invalid ones are ignored (and shown as errors).

        An unknown or forbidden segment is the exception: it matches no one, so that an export
        or a list never silently widens to every customer.
        """
        if self.is_bound and "segment" in self.errors:
            return queryset.none()
        data = (
            self.cleaned_data
            if self.is_valid()
            else {
                name: value
                for name, value in getattr(self, "cleaned_data", {}).items()
                if name not in self.errors
            }
        )
        if data.get("segment"):
            queryset = self.segment_filter(queryset, self.segment_queries[data["segment"]][1])
        queryset = self._apply(
            queryset,
            {
                **data,
                "owner": data["owner"].pk if data.get("owner") else None,
                "team": data["team"].pk if data.get("team") else None,
            },
        )
        sort = data.get("sort") or "name"
        if sort in self.TIER_SORTS:
            return queryset.order_by(*self.TIER_SORTS[sort])
        return queryset.order_by(*self.SORTS[sort])

    @classmethod
    def segment_filter(cls, queryset, query: str):
        """`queryset` narrowed by a segment's saved filter (its query string); sort is ignored.

        The saved values are applied as plain column values (slugs and ids) without looking up
        each category, owner or team: counting many segments stays one query. A value that no
        longer exists (a deleted owner) matches no one, as the filter did when it was saved.
        """
        saved = QueryDict(query)
        values = {name: saved.get(name, "").strip() for name in cls.declared_fields}
        for name in ("owner", "team"):
            if values[name] and not values[name].isdigit():
                return queryset.none()
        if values["status"] and values["status"] not in Customer.Status.values:
            values["status"] = ""
        return cls._apply(queryset, values)

    @staticmethod
    def _apply(queryset, values):
        """Narrow `queryset` by plain values: category and tier slugs, owner and team ids."""
        if values.get("q"):
            queryset = queryset.search(values["q"][:100])
        if values.get("category"):
            queryset = queryset.filter(category__slug=values["category"])
        if values.get("city"):
            queryset = queryset.filter(city=" ".join(values["city"].split()).title())
        if values.get("owner"):
            queryset = queryset.filter(owner_id=values["owner"])
        if values.get("team"):
            queryset = queryset.filter(team_id=values["team"])
        if values.get("status"):
            queryset = queryset.filter(status=values["status"])
        if values.get("tier"):
            queryset = queryset.filter(tier_assignment__tier__slug=values["tier"])
        return queryset
