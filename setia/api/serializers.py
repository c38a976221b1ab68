"""The API's representations. Writes are validated by the pages' own forms
(`setia.customers.forms`), so a value the edit page refuses is refused here with the same
message, and the data handed to the actions is the form's `model_data()`. Fields not listed, and
read-only ones (code, version, dates), are ignored on input."""

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from setia.accounts.models import Team, User
from setia.api.rest import FieldsMixin
from setia.customers.forms import ContactForm, CustomerForm, StoreForm, SubscriptionForm
from setia.customers.models import Category, Contact, Customer, Plan, Store, Subscription
from setia.engagement.forms import InteractionForm
from setia.engagement.models import Interaction, Release
from setia.health.models import Factor, Grade
from setia.history.models import TimelineEvent
from setia.segments.forms import SegmentForm
from setia.segments.models import Segment
from setia.surveys.models import Channel, Language, Survey, SurveyResponse, Trigger
from setia.tiers.models import Tier
from setia.work.schedule.forms import TaskForm
from setia.work.schedule.models import Task


class FormValidated(FieldsMixin, serializers.ModelSerializer):
    """Validate with the page's form: the submitted fields over the stored ones (a PATCH), the
    result in `validated_data` as the form's `model_data()`."""

    form_class: type = CustomerForm

    def form_kwargs(self) -> dict:
        return {}

    def form_value(self, name: str, value):
        """A validated value as the form reads it from a POST: a related record by its key."""
        if hasattr(value, "pk"):
            return value.pk
        return "" if value is None else value

    def validate(self, attrs):
        instance = self.instance
        form_fields = self.form_class.Meta.fields
        data = {}
        for name in form_fields:
            if name in attrs:
                value = attrs[name]
            elif instance is not None:
                value = getattr(instance, name)
            elif (field := self.Meta.model._meta.get_field(name)).has_default():
                # A new record gets the model's default where the form's field would show it.
                value = field.get_default()
            else:
                continue
            data[name] = self.form_value(name, value)
        if instance is not None and hasattr(instance, "version"):
            data["version"] = instance.version
        data.update(self.extra_form_data(attrs))
        form = self.form_class(data=data, instance=instance, **self.form_kwargs())
        if not form.is_valid():
            errors = {
                ("non_field_errors" if field == "__all__" else field): [
                    str(message) for message in messages
                ]
                for field, messages in form.errors.items()
            }
            raise serializers.ValidationError(errors)
        return self.validated_from(form)

    def extra_form_data(self, attrs) -> dict:
        """Values for the form's own fields that are not model fields."""
        return {}

    def validated_from(self, form) -> dict:
        return form.model_data()


# The values of a customer's related records that `CustomerSerializer` reads, annotated on the
# query that reads the customers (the list's and `get_customer_for_user`'s): a joined column is
# cheaper to read than the category, tier assignment and tier records select_related would
# build for each row (measured: 2.2 ms of Python time for a page of 50 against 1.2 ms).
CUSTOMER_SLUGS = {
    "category_slug": F("category__slug"),
    "tier_slug": F("tier_assignment__tier__slug"),
}


class CustomerSerializer(FormValidated):
    # Represents customers read with `CUSTOMER_SLUGS` annotated. (A comment, not a docstring:
    # the schema would show a docstring as the description of every customer record.)
    form_class = CustomerForm

    category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.all())
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), allow_null=True, required=False
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), allow_null=True, required=False
    )
    tier = serializers.SerializerMethodField(help_text=_("The slug of the customer's tier."))
    health_score = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("0-100, from the last nightly computation.")
    )
    health_grade = serializers.ChoiceField(
        choices=["g", "a", "p", ""],
        read_only=True,
        help_text=_("g good, a average, p poor; empty when not scored yet."),
    )

    class Meta:
        model = Customer
        fields = [
            "code",
            "name",
            "category",
            "status",
            "city",
            "province",
            "owner",
            "team",
            "notes",
            "tier",
            "gmv_90d",
            "health_score",
            "health_grade",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "code",
            "gmv_90d",
            "health_score",
            "health_grade",
            "version",
            "created_at",
            "updated_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # DRF's own date and time output (ISO 8601 in the current time zone), for the
        # representation written by hand. The zone is read once here: without it DRF's field
        # looks it up for each value (measured: 6 µs a value, 2 µs with the zone given).
        self.stamp = serializers.DateTimeField(default_timezone=timezone.get_current_timezone())

    def form_kwargs(self) -> dict:
        return {"user": self.context["request"].user}

    def validate(self, attrs):
        if self.instance is None:
            # A new customer belongs to whoever creates it and their team unless the request
            # says otherwise, as the new-customer page suggests.
            user = self.context["request"].user
            attrs.setdefault("owner", user)
            attrs.setdefault("team", user.team)
        return super().validate(attrs)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_tier(self, customer: Customer) -> str | None:
        return customer.tier_slug  # type: ignore[attr-defined]  # CUSTOMER_SLUGS

    def to_representation(self, instance: Customer) -> dict:
        """The values the declared fields give, read straight from the row: a list page holds
        50 customers of 16 fields, and DRF's steps for each field of each row (attribute
        lookups, None checks, choice mapping, and building the 16 fields first) cost more than
        the page's query. `field_names` (`fields=`) decides which are sent, in the declared
        order; the declared fields give the schema, and a test compares this with DRF's own
        representation."""
        customer = instance
        values = {
            "code": str(customer.code),
            "name": customer.name,
            "category": customer.category_slug,  # type: ignore[attr-defined]
            "status": customer.status,
            "city": customer.city,
            "province": customer.province,
            "owner": customer.owner_id,
            "team": customer.team_id,
            "notes": customer.notes,
            "tier": self.get_tier(customer),
            "gmv_90d": customer.gmv_90d,
            "health_score": customer.health_score,
            "health_grade": customer.health_grade,
            "version": customer.version,
            "created_at": self.stamp.to_representation(customer.created_at),
            "updated_at": self.stamp.to_representation(customer.updated_at),
        }
        return {name: values[name] for name in self.field_names}


class ContactSerializer(FormValidated):
    form_class = ContactForm

    class Meta:
        model = Contact
        fields = [
            "id",
            "name",
            "position",
            "phone",
            "whatsapp",
            "email",
            "is_primary",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "version", "created_at", "updated_at"]
        # The form normalises numbers and addresses and says what is wrong in the reader's
        # language; the model's own validators would answer first, in other words.
        extra_kwargs: dict[str, dict] = {
            "email": {"validators": []},
            "phone": {"validators": []},
            "whatsapp": {"validators": []},
        }


class StoreSerializer(FormValidated):
    form_class = StoreForm

    # The form reads what people type ("tokoanda.com", "WWW.Toko.co.id/shop") and stores the
    # full address; a strict URL check first would refuse what the page accepts.
    url = serializers.CharField(max_length=300)

    class Meta:
        model = Store
        fields = [
            "code",
            "kind",
            "url",
            "domain",
            "platform_version",
            "launched_on",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["code", "domain", "version", "created_at", "updated_at"]


class SubscriptionSerializer(FormValidated):
    form_class = SubscriptionForm

    plan = serializers.SlugRelatedField(slug_field="code", queryset=Plan.objects.all())
    net_monthly_price = serializers.IntegerField(read_only=True)

    class Meta:
        model = Subscription
        fields = [
            "plan",
            "started_on",
            "renews_on",
            "monthly_price",
            "discount_percent",
            "net_monthly_price",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]

    def form_value(self, name, value):
        if name == "plan" and hasattr(value, "code"):
            return value.code
        return super().form_value(name, value)


class InteractionSerializer(FormValidated):
    """A call, chat, e-mail, meeting, note or website issue, validated by the log form (a
    contact of this customer, something written unless nobody was reached)."""

    form_class = InteractionForm

    # The contact's id; the form accepts only the customer's own contacts (an id of another
    # customer's contact is refused like an unknown one).
    contact = serializers.IntegerField(source="contact_id", allow_null=True, required=False)
    themes = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, write_only=True
    )
    theme_names = serializers.SerializerMethodField()
    # The release by its name ("Toko v2"), as on the log form; none means the release in effect
    # on the interaction's day.
    release: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="name",
        queryset=Release.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("A release's name, e.g. Toko v2; none: the release in effect that day."),
    )

    class Meta:
        model = Interaction
        fields = [
            "code",
            "kind",
            "contact",
            "direction",
            "outcome",
            "summary",
            "follow_up_on",
            "area",
            "release",
            "notes",
            "decisions",
            "action_items",
            "themes",
            "theme_names",
            "occurred_at",
            "recorded_by",
        ]
        read_only_fields = ["code", "occurred_at", "recorded_by"]

    def form_kwargs(self) -> dict:
        return {"customer": self.context["customer"]}

    def form_value(self, name, value):
        if name == "release" and isinstance(value, Release):
            return value.name
        return super().form_value(name, value)

    def validate(self, attrs):
        if "contact_id" in attrs:
            attrs["contact"] = attrs.pop("contact_id")
        return super().validate(attrs)

    def extra_form_data(self, attrs) -> dict:
        return {"themes": ", ".join(attrs.get("themes", []))}

    def validated_from(self, form) -> dict:
        return {**form.model_data(), "themes": form.cleaned_data["themes"]}

    def get_theme_names(self, interaction: Interaction) -> list[str]:
        return [theme.name for theme in interaction.themes.all()]


class TimelineEventSerializer(FieldsMixin, serializers.ModelSerializer):
    text = serializers.CharField(read_only=True, help_text=_("In the reader's language."))

    class Meta:
        model = TimelineEvent
        fields = ["id", "kind", "occurred_at", "actor", "summary", "text", "data"]
        read_only_fields = fields


class CustomerCodeField(serializers.Field):
    """A customer by its code. Written as a code the form looks up among the customers the
    person may see, so another team's customer is refused like an unknown one."""

    def to_representation(self, value):
        return str(value.code)

    def to_internal_value(self, data):
        return serializers.UUIDField().to_internal_value(data)


@extend_schema_field(serializers.UUIDField(allow_null=True))
class TaskCustomerField(CustomerCodeField):
    pass


class TaskSerializer(FormValidated):
    """A task, validated by the task page's form: its customer among those the person sees,
    its owner among those they may give a task to (themselves only, for an intern)."""

    form_class = TaskForm

    customer = TaskCustomerField(required=False, allow_null=True)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Empty: assigned fairly in the team, for those allowed to."),
    )
    checklist = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        write_only=True,
        help_text=_("Items of a new task's checklist."),
    )

    class Meta:
        model = Task
        fields = [
            "code",
            "title",
            "notes",
            "owner",
            "team",
            "customer",
            "due_at",
            "priority",
            "status",
            "recurrence",
            "checklist",
            "completed_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "code",
            "team",
            "status",
            "completed_at",
            "version",
            "created_at",
            "updated_at",
        ]

    def form_kwargs(self) -> dict:
        return {"user": self.context["request"].user}

    def form_value(self, name, value):
        if name == "customer" and hasattr(value, "code"):
            return value.code
        return super().form_value(name, value)

    def validate(self, attrs):
        if self.instance is None:
            # As the new-task page suggests: the person's own task unless they say otherwise.
            attrs.setdefault("owner", self.context["request"].user)
        return super().validate(attrs)

    def extra_form_data(self, attrs) -> dict:
        return {"checklist": "\n".join(attrs.get("checklist", []))}

    def validated_from(self, form) -> dict:
        data = form.model_data()
        if self.instance is None:
            data["checklist"] = form.checklist_items()
        return data


class TierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tier
        fields = ["slug", "name", "name_id", "position", "colour"]
        read_only_fields = fields


class SegmentSerializer(FormValidated):
    """A segment: a name and the customers list's query string it saves, validated by the
    segment page's form (a name of one's own, at least one filter; sharing for those allowed
    to share)."""

    form_class = SegmentForm

    query = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text=_("The customers list's query string, e.g. tier=gold&health=p."),
    )

    class Meta:
        model = Segment
        fields = ["code", "name", "owner", "is_shared", "query", "created_at", "updated_at"]
        read_only_fields = ["code", "owner", "created_at", "updated_at"]

    def form_kwargs(self) -> dict:
        return {"user": self.context["request"].user}


class MetricsRejectSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=_("1 is the first row after the header."))
    reason = serializers.CharField(help_text=_("The reason's code, as in ingest_metrics."))
    message = serializers.CharField()
    values = serializers.ListField(child=serializers.CharField())


class MetricsJobSerializer(serializers.Serializer):
    """A metrics push's job: where it stands and, once done, the accounting of
    `ingest_metrics` (`summary` is its line) with the rejected rows."""

    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["queued", "running", "done", "failed", "cancelled"])
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    failure_reason = serializers.CharField()
    summary = serializers.CharField(help_text=_("rows=… inserted=… updated=… rejected=…"))
    rows = serializers.IntegerField(allow_null=True)
    inserted = serializers.IntegerField(allow_null=True)
    updated = serializers.IntegerField(allow_null=True)
    rejected = serializers.IntegerField(allow_null=True)
    unknown_columns = serializers.ListField(child=serializers.CharField())
    rejects = MetricsRejectSerializer(many=True, help_text=_("The first 1000 rejected rows."))
    url = serializers.CharField()


class HealthFactorSerializer(serializers.Serializer):
    factor = serializers.ChoiceField(choices=Factor.choices)
    name = serializers.CharField(help_text=_("The factor's name in the reader's language."))
    grade = serializers.ChoiceField(choices=Grade.choices)
    figure = serializers.FloatField(allow_null=True)
    reason = serializers.CharField(
        help_text=_("In the reader's language, e.g. “poor: no contact for 63 days”.")
    )


class HealthSnapshotSerializer(serializers.Serializer):
    day = serializers.DateField()
    score = serializers.IntegerField()
    grade = serializers.ChoiceField(choices=Grade.choices)


class CustomerHealthSerializer(serializers.Serializer):
    """A customer's health as its 360 card shows it: the score and grade, the graded factors
    worst first with their figures and reasons, and the daily scores of the last 90 days."""

    customer = serializers.UUIDField()
    score = serializers.IntegerField(allow_null=True, help_text=_("Empty when not scored yet."))
    grade = serializers.ChoiceField(choices=Grade.choices, allow_null=True)
    computed_on = serializers.DateField(allow_null=True)
    factors = HealthFactorSerializer(many=True)
    snapshots = HealthSnapshotSerializer(many=True, help_text=_("Oldest first."))


class SurveySerializer(FieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Survey
        fields = [
            "id",
            "kind",
            "name",
            "question",
            "question_id",
            "why",
            "why_id",
            "valid_days",
            "is_active",
            "created_at",
        ]
        read_only_fields = fields


class SurveyResponseSerializer(FieldsMixin, serializers.ModelSerializer):
    """An answer with what its invitation says: the survey, the contact asked, how and why."""

    survey = serializers.IntegerField(source="invitation.survey_id", read_only=True)
    customer = serializers.UUIDField(source="customer.code", read_only=True)
    contact = serializers.IntegerField(
        source="invitation.contact_id", read_only=True, help_text=_("The contact's id.")
    )
    channel = serializers.ChoiceField(
        source="invitation.channel", choices=Channel.choices, read_only=True
    )
    language = serializers.ChoiceField(
        source="invitation.language", choices=Language.choices, read_only=True
    )
    trigger = serializers.ChoiceField(
        source="invitation.trigger", choices=Trigger.choices, read_only=True
    )
    sent_at = serializers.DateTimeField(source="invitation.sent_at", read_only=True)

    class Meta:
        model = SurveyResponse
        fields = [
            "id",
            "survey",
            "customer",
            "contact",
            "kind",
            "score",
            "percent",
            "comment",
            "channel",
            "language",
            "trigger",
            "sent_at",
            "responded_at",
        ]
        read_only_fields = fields
