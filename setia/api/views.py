"""The REST API's endpoints. Each reads through the same access rules as the pages
(`Customer.objects.visible_to`, `get_customer_for_user`: another team's customer is a 404) and
writes through the apps' actions with history source "api"."""

import hashlib
import io
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.response import Response

from setia.api.rest import (
    CursorPage,
    IdempotentCreateMixin,
    MetricsPushAccess,
    PreconditionFailed,
    etag_of,
    expected_version,
)
from setia.api.serializers import (
    CUSTOMER_SLUGS,
    ContactSerializer,
    CustomerHealthSerializer,
    CustomerSerializer,
    InteractionSerializer,
    MetricsJobSerializer,
    SegmentSerializer,
    StoreSerializer,
    SubscriptionSerializer,
    SurveyResponseSerializer,
    SurveySerializer,
    TaskSerializer,
    TierSerializer,
    TimelineEventSerializer,
)
from setia.core.http import AuthenticatedHttpRequest
from setia.customers import actions
from setia.customers.access import get_customer_for_user
from setia.customers.models import (
    HEALTH_SORT_KEYS,
    Contact,
    Customer,
    CustomerQuerySet,
    Store,
    Subscription,
)
from setia.desk.forms import CustomerFilterForm
from setia.engagement import actions as engagement_actions
from setia.engagement.models import Interaction
from setia.health.cards import health_details
from setia.health.models import Factor
from setia.history.models import EventKind, TimelineEvent
from setia.jobs.models import Job
from setia.lib.dates import today as today_in_jakarta
from setia.metrics.push import PUSH_TASK, PushError, push_metrics, save_csv, save_json
from setia.segments import actions as segment_actions
from setia.segments.access import get_segment_for_user
from setia.segments.models import Segment
from setia.surveys.models import Kind as SurveyKind
from setia.surveys.models import Survey, SurveyResponse
from setia.tiers.models import Tier
from setia.work.onboarding.actions import enroll_new_customers
from setia.work.schedule import actions as task_actions
from setia.work.schedule.access import get_task_for_user
from setia.work.schedule.models import Status as TaskStatus
from setia.work.schedule.models import Task

SOURCE = "api"
UUID_PATTERN = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

# The customers list's sorts a cursor can follow: each leads with a column of the row, or for
# health with the one-number key of score and id (`HEALTH_SORT_KEYS`, indexed), not scored
# last. (The tier and GMV sorts put customers without a value last, which a cursor over their
# columns cannot express.)
CURSOR_SORTS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "-updated": ("-updated_at", "-id"),
    "-created": ("-created_at", "-id"),
    "health": ("health_key",),
    "-health": ("-health_key",),
}
# Survey answers, newest first, as in the surveys report.
SURVEY_RESPONSES_ORDER = ("-responded_at", "-id")
# The surveys report's permission: who reads answers there reads them here.
SURVEYS_PERMISSION = "surveys.view_surveyresponse"
# The columns `CustomerSerializer` reads from a customer's row (the rest it reads through
# `CUSTOMER_SLUGS`).
CUSTOMER_COLUMNS = tuple(
    name for name in CustomerSerializer.Meta.fields if name not in ("category", "tier")
)
STALE = OpenApiResponse(description="The If-Match version is no longer the stored one.")
NO_ETAG = OpenApiResponse(description="The If-Match header is missing.")
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the record as read (or *).",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="A key of your choice: the same POST sent again with it creates nothing more.",
)
LIST_FILTERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Name, contact, phone, e-mail or domain."),
    OpenApiParameter("category", OpenApiTypes.STR, description="A category's slug."),
    OpenApiParameter("city", OpenApiTypes.STR),
    OpenApiParameter("owner", OpenApiTypes.INT),
    OpenApiParameter("team", OpenApiTypes.INT),
    OpenApiParameter("status", OpenApiTypes.STR, enum=Customer.Status.values),
    OpenApiParameter("tier", OpenApiTypes.STR, description="A tier's slug."),
    OpenApiParameter(
        "health", OpenApiTypes.STR, enum=["g", "a", "p"], description="Good, average or poor."
    ),
    OpenApiParameter("segment", OpenApiTypes.UUID, description="A segment's code."),
    OpenApiParameter(
        "sort",
        OpenApiTypes.STR,
        enum=list(CURSOR_SORTS),
        description="health: lowest score first; -health: highest first (ties by id, not "
        "scored last).",
    ),
]
FIELDS = OpenApiParameter(
    "fields", OpenApiTypes.STR, description="Comma-separated fields to return (all by default)."
)


def listed_customers(user) -> CustomerQuerySet:
    """The customers `user` sees, with the columns and slugs `CustomerSerializer` reads (the
    rest of the row, such as the imported extra fields, is neither read nor sent)."""
    return (
        Customer.objects.visible_to(user).alive().only(*CUSTOMER_COLUMNS).annotate(**CUSTOMER_SLUGS)
    )


def customer_for(
    request, code, *, permission: str | None = None, annotations: dict | None = None
) -> Customer:
    """The pages' `get_customer_for_user` for an API request (it reads the person only)."""
    return get_customer_for_user(
        cast(AuthenticatedHttpRequest, request),
        code,
        permission=permission,
        annotations=annotations,
    )


def with_etag(response: Response, record) -> Response:
    response["ETag"] = etag_of(record)
    return response


class CustomerViewSet(IdempotentCreateMixin, viewsets.GenericViewSet):
    """Customers, addressed by their code as in the pages' URLs."""

    serializer_class = CustomerSerializer
    pagination_class = CursorPage
    lookup_field = "code"
    lookup_value_regex = UUID_PATTERN
    required_permissions = {
        "GET": "customers.view_customer",
        "POST": "customers.add_customer",
        "PATCH": "customers.change_customer",
        "DELETE": "customers.delete_customer",
    }

    def get_queryset(self):
        return listed_customers(self.request.user)

    def cursor_ordering(self, request):
        if self.action == "timeline":
            return ("-occurred_at", "-id")
        if self.action == "survey_responses":
            return SURVEY_RESPONSES_ORDER
        return CURSOR_SORTS[request.query_params.get("sort") or "name"]

    def get_customer(self, permission: str | None = None) -> Customer:
        """The customer of the URL, ready for `CustomerSerializer`."""
        return customer_for(
            self.request, self.kwargs["code"], permission=permission, annotations=CUSTOMER_SLUGS
        )

    @extend_schema(parameters=[*LIST_FILTERS, FIELDS])
    def list(self, request):
        """The customers list: the pages' filters and segment, as their query string."""
        params = request.query_params
        sort = params.get("sort") or "name"
        errors = {}
        if sort not in CURSOR_SORTS:
            errors["sort"] = [_("This sort is not available in the API.")]
        # The filter form reads its categories, tiers and segments to check the values given:
        # a list without filters has nothing to check, and skips that query.
        filters = None
        if any(params.get(name) for name in (*CustomerQuerySet.LIST_FILTERS, "segment")):
            filters = CustomerFilterForm(params, user=request.user)
            errors.update(filters.errors)
        if errors:
            raise exceptions.ValidationError(
                {name: [str(message) for message in messages] for name, messages in errors.items()}
            )
        if filters is not None:
            customers = filters.filter(self.get_queryset())
        else:
            customers = self.get_queryset().listed({"sort": sort})
        if sort in HEALTH_SORT_KEYS:
            customers = customers.annotate(health_key=HEALTH_SORT_KEYS[sort])
        page = self.paginate_queryset(customers)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(parameters=[FIELDS])
    def retrieve(self, request, code=None):
        customer = self.get_customer()
        return with_etag(Response(self.get_serializer(customer).data), customer)

    @extend_schema(parameters=[IDEMPOTENCY_KEY], responses={201: CustomerSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def create_record(self, request, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # As the new-customer page: the customer and its place on the onboarding pipeline, in
        # one transaction.
        with transaction.atomic():
            customer = actions.create_customer(
                actor=request.user, data=serializer.validated_data, source=SOURCE
            )
            enroll_new_customers(
                customers=Customer.objects.filter(pk=customer.pk), actor=request.user
            )
        customer = customer_for(request, customer.code, annotations=CUSTOMER_SLUGS)
        response = Response(self.get_serializer(customer).data, status=status.HTTP_201_CREATED)
        response["Location"] = reverse("api:customer-detail", args=[customer.code])
        return with_etag(response, customer)

    @extend_schema(
        parameters=[IF_MATCH], responses={200: CustomerSerializer, 412: STALE, 428: NO_ETAG}
    )
    def partial_update(self, request, code=None):
        customer = self.get_customer("change_customer")
        version = expected_version(request, customer)
        serializer = self.get_serializer(customer, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            actions.update_customer(
                customer=customer,
                actor=request.user,
                data=serializer.validated_data,
                expected_version=version,
                source=SOURCE,
            )
        except actions.StaleEditError:
            raise PreconditionFailed from None
        customer = self.get_customer()
        return with_etag(Response(self.get_serializer(customer).data), customer)

    @extend_schema(responses={204: None, 412: STALE})
    def destroy(self, request, code=None):
        """Soft-delete, as the page: a manager can restore the customer."""
        customer = self.get_customer("delete_customer")
        if (
            request.headers.get("If-Match")
            and expected_version(request, customer) != customer.version
        ):
            raise PreconditionFailed
        actions.delete_customer(customer=customer, actor=request.user, source=SOURCE)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=CustomerHealthSerializer)
    @action(detail=True, methods=["get"], serializer_class=CustomerHealthSerializer)
    def health(self, request, code=None):
        """The customer's health as on its 360 card: score, grade, each graded factor's figure
        and reason (worst first, in the reader's language) and the last 90 days' scores."""
        customer = self.get_customer()
        details = health_details(customer)
        health = details.health
        names = dict(Factor.choices)
        return Response(
            CustomerHealthSerializer(
                {
                    "customer": customer.code,
                    "score": health.score if health else None,
                    "grade": health.grade if health else None,
                    "computed_on": health.computed_on if health else None,
                    "factors": [
                        {
                            "factor": factor,
                            "name": names[factor],
                            "grade": grade,
                            "figure": figure,
                            "reason": reason,
                        }
                        for factor, grade, figure, reason in details.factors
                    ],
                    "snapshots": [
                        {"day": day, "score": score, "grade": grade}
                        for day, score, grade in details.points
                    ],
                }
            ).data
        )

    @extend_schema(
        responses=TimelineEventSerializer(many=True),
        parameters=[OpenApiParameter("kind", OpenApiTypes.STR, enum=EventKind.values), FIELDS],
    )
    @action(detail=True, methods=["get"], serializer_class=TimelineEventSerializer)
    def timeline(self, request, code=None):
        """The customer's timeline, newest first, as on the 360 page."""
        customer = self.get_customer()
        kind = request.query_params.get("kind") or None
        if kind and kind not in EventKind.values:
            raise exceptions.ValidationError({"kind": [_("Unknown kind of event.")]})
        events = TimelineEvent.objects.filter(customer=customer).of_kind(kind)
        page = self.paginate_queryset(events)
        return self.get_paginated_response(
            TimelineEventSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(
        responses=SurveyResponseSerializer(many=True),
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=SurveyKind.values),
            FIELDS,
        ],
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="survey-responses",
        serializer_class=SurveyResponseSerializer,
    )
    def survey_responses(self, request, code=None):
        """The customer's survey answers, newest first (with the surveys report's
        permission)."""
        if not request.user.has_perm(SURVEYS_PERMISSION):
            raise exceptions.PermissionDenied
        customer = self.get_customer()
        kind = request.query_params.get("kind") or ""
        if kind and kind not in SurveyKind.values:
            raise exceptions.ValidationError({"kind": [_("Unknown kind of survey.")]})
        answers = survey_answers(customer.survey_responses.all())
        if kind:
            answers = answers.filter(kind=kind)
        page = self.paginate_queryset(answers)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def record_writes_schema(serializer):
    """The schema of a customer record's writes, each answered with `serializer`."""
    return extend_schema_view(
        create=extend_schema(parameters=[IDEMPOTENCY_KEY], responses={201: serializer}),
        partial_update=extend_schema(
            parameters=[IF_MATCH], responses={200: serializer, 412: STALE, 428: NO_ETAG}
        ),
        destroy=extend_schema(responses={204: None, 412: STALE}),
    )


class CustomerRecordViewSet(IdempotentCreateMixin, viewsets.GenericViewSet):
    """A customer's contacts or stores: read with the customer visible, written with the
    `change_customer` permission, as on the 360 page."""

    pagination_class = CursorPage
    required_permissions = {
        "GET": "customers.view_customer",
        "POST": "customers.change_customer",
        "PATCH": "customers.change_customer",
        "DELETE": "customers.change_customer",
    }

    def cursor_ordering(self, request):
        return ("id",)

    def get_customer(self, permission: str | None = None) -> Customer:
        return customer_for(self.request, self.kwargs["customer_code"], permission=permission)

    def get_record(self, customer, permission: str | None = None):
        raise NotImplementedError

    @extend_schema(parameters=[FIELDS])
    def list(self, request, customer_code=None):
        customer = self.get_customer()
        page = self.paginate_queryset(self.records_of(customer))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(parameters=[FIELDS])
    def retrieve(self, request, customer_code=None, **kwargs):
        record = self.get_record(self.get_customer())
        return with_etag(Response(self.get_serializer(record).data), record)

    def records_of(self, customer):
        raise NotImplementedError

    # The keyword the update and delete actions take the record by, and the record's attribute
    # its URL names it by.
    record_name: str
    record_key: str
    # The pages' actions for that kind of record.
    add_action: Callable[..., Any]
    update_action: Callable[..., Any]
    delete_action: Callable[..., Any]

    def create_record(self, request, **kwargs):
        customer = self.get_customer("change_customer")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = self.add_action(
            customer=customer, actor=request.user, data=serializer.validated_data, source=SOURCE
        )
        response = Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)
        response["Location"] = reverse(
            f"api:{self.record_name}-detail",
            args=[customer.code, getattr(record, self.record_key)],
        )
        return with_etag(response, record)

    def partial_update(self, request, customer_code=None, **kwargs):
        customer = self.get_customer("change_customer")
        record = self.get_record(customer)
        version = expected_version(request, record)
        serializer = self.get_serializer(record, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        record.customer = customer
        try:
            self.update_action(
                **{self.record_name: record},
                actor=request.user,
                data=serializer.validated_data,
                expected_version=version,
                source=SOURCE,
            )
        except actions.StaleEditError:
            raise PreconditionFailed from None
        record.refresh_from_db()
        return with_etag(Response(self.get_serializer(record).data), record)

    def destroy(self, request, customer_code=None, **kwargs):
        customer = self.get_customer("change_customer")
        record = self.get_record(customer)
        if request.headers.get("If-Match") and expected_version(request, record) != record.version:
            raise PreconditionFailed
        record.customer = customer
        self.delete_action(**{self.record_name: record}, actor=request.user, source=SOURCE)
        return Response(status=status.HTTP_204_NO_CONTENT)


@record_writes_schema(ContactSerializer)
class ContactViewSet(CustomerRecordViewSet):
    serializer_class = ContactSerializer
    lookup_field = "pk"
    lookup_value_regex = "[0-9]{1,18}"
    record_name = "contact"
    record_key = "pk"
    add_action = staticmethod(actions.add_contact)
    update_action = staticmethod(actions.update_contact)
    delete_action = staticmethod(actions.delete_contact)

    def records_of(self, customer):
        return Contact.objects.filter(customer=customer)

    def get_record(self, customer, permission=None):
        return get_object_or_404(Contact, customer=customer, pk=self.kwargs["pk"])


@record_writes_schema(StoreSerializer)
class StoreViewSet(CustomerRecordViewSet):
    serializer_class = StoreSerializer
    lookup_field = "store_code"
    lookup_value_regex = UUID_PATTERN
    record_name = "store"
    record_key = "code"
    add_action = staticmethod(actions.add_store)
    update_action = staticmethod(actions.update_store)
    delete_action = staticmethod(actions.delete_store)

    def records_of(self, customer):
        return Store.objects.filter(customer=customer)

    def get_record(self, customer, permission=None):
        return get_object_or_404(Store, customer=customer, code=self.kwargs["store_code"])


class SubscriptionViewSet(viewsets.GenericViewSet):
    """The customer's one subscription: read it, or PUT it whole (created when there is none;
    a change needs If-Match)."""

    serializer_class = SubscriptionSerializer
    required_permissions = {"GET": "customers.view_customer", "PUT": "customers.change_customer"}

    def get_customer(self, permission: str | None = None) -> Customer:
        return customer_for(self.request, self.kwargs["customer_code"], permission=permission)

    def retrieve(self, request, customer_code=None):
        subscription = get_object_or_404(Subscription, customer=self.get_customer())
        return with_etag(Response(self.get_serializer(subscription).data), subscription)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "If-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Required to change an existing subscription: its ETag.",
            )
        ],
        responses={
            200: SubscriptionSerializer,
            201: SubscriptionSerializer,
            412: STALE,
            428: NO_ETAG,
        },
    )
    def update(self, request, customer_code=None):
        customer = self.get_customer("change_customer")
        existing = Subscription.objects.filter(customer=customer).first()
        version = expected_version(request, existing) if existing is not None else None
        serializer = self.get_serializer(existing, data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            subscription = actions.save_subscription(
                customer=customer,
                actor=request.user,
                data=serializer.validated_data,
                expected_version=version,
                source=SOURCE,
            )
        except actions.StaleEditError:
            raise PreconditionFailed from None
        subscription.refresh_from_db()
        answer = status.HTTP_200_OK if existing is not None else status.HTTP_201_CREATED
        return with_etag(
            Response(self.get_serializer(subscription).data, status=answer), subscription
        )


class InteractionViewSet(IdempotentCreateMixin, viewsets.GenericViewSet):
    """A customer's logged interactions, newest first; logging one needs the role's
    `add_interaction`, as the log form."""

    serializer_class = InteractionSerializer
    pagination_class = CursorPage
    required_permissions = {
        "GET": "engagement.view_interaction",
        "POST": "engagement.add_interaction",
    }

    def cursor_ordering(self, request):
        return ("-occurred_at", "-id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "customer": getattr(self, "customer", None)}

    @extend_schema(parameters=[FIELDS])
    def list(self, request, customer_code=None):
        customer = customer_for(request, customer_code)
        interactions = Interaction.objects.filter(customer=customer).prefetch_related("themes")
        page = self.paginate_queryset(interactions)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(parameters=[IDEMPOTENCY_KEY], responses={201: InteractionSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def create_record(self, request, **kwargs):
        self.customer = customer_for(request, self.kwargs["customer_code"])
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        themes = data.pop("themes")
        # As on the page: the follow-up date (and action items) become tasks, in one transaction.
        with transaction.atomic():
            interaction = engagement_actions.log_interaction(
                customer=self.customer, actor=request.user, data=data, themes=themes
            )
            task_actions.create_follow_up_tasks(interaction=interaction, actor=request.user)
        return Response(self.get_serializer(interaction).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    partial_update=extend_schema(
        parameters=[IF_MATCH], responses={200: TaskSerializer, 412: STALE, 428: NO_ETAG}
    ),
)
class TaskViewSet(IdempotentCreateMixin, viewsets.GenericViewSet):
    """Tasks as on My day and the task pages: managers see all, executives their team's,
    interns their own; soonest due first. Creating, editing (a new owner is a reassignment)
    and completing one are the task pages' form and actions (a repeating task gets its next
    occurrence)."""

    serializer_class = TaskSerializer
    pagination_class = CursorPage
    lookup_field = "code"
    lookup_value_regex = UUID_PATTERN
    required_permissions = {
        "GET": "work.view_task",
        "POST": "work.change_task",
        "PATCH": "work.change_task",
    }

    def cursor_ordering(self, request):
        return ("due_at", "id")

    def get_queryset(self):
        return Task.objects.visible_to(self.request.user).select_related("customer")

    def get_permissions(self):
        if self.action == "create":
            self.required_permissions = {**self.required_permissions, "POST": "work.add_task"}
        return super().get_permissions()

    def get_task(self, *, change: bool = False) -> Task:
        return get_task_for_user(
            cast(AuthenticatedHttpRequest, self.request), self.kwargs["code"], change=change
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=TaskStatus.values),
            OpenApiParameter("customer", OpenApiTypes.UUID, description="A customer's code."),
            FIELDS,
        ]
    )
    def list(self, request):
        tasks = self.get_queryset()
        status_value = request.query_params.get("status") or ""
        if status_value:
            if status_value not in TaskStatus.values:
                raise exceptions.ValidationError({"status": [_("Unknown task status.")]})
            tasks = tasks.filter(status=status_value)
        if code := request.query_params.get("customer"):
            try:
                code = uuid.UUID(code)
            except ValueError:
                raise exceptions.ValidationError(
                    {"customer": [_("Give a customer's code.")]}
                ) from None
            # Only a customer the person sees: another team's is a 404, as its page.
            tasks = tasks.filter(customer=customer_for(request, code))
        page = self.paginate_queryset(tasks)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(parameters=[FIELDS])
    def retrieve(self, request, *args, **kwargs):
        task = self.get_task()
        return with_etag(Response(self.get_serializer(task).data), task)

    @extend_schema(parameters=[IDEMPOTENCY_KEY], responses={201: TaskSerializer})
    def create(self, request, *args, **kwargs):
        """Create a task as the new-task page does (an empty owner: assigned fairly)."""
        return super().create(request, *args, **kwargs)

    def create_record(self, request, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        checklist = data.pop("checklist")
        task = task_actions.create_task(data=data, checklist=checklist, actor=request.user)
        task = self.get_queryset().get(pk=task.pk)
        response = Response(self.get_serializer(task).data, status=status.HTTP_201_CREATED)
        response["Location"] = reverse("api:task-detail", args=[task.code])
        return with_etag(response, task)

    def partial_update(self, request, code=None):
        """Edit a task as its edit page does; a new owner is recorded as a reassignment."""
        task = self.get_task(change=True)
        version = expected_version(request, task)
        serializer = self.get_serializer(task, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data["owner"] is None:  # as the edit page: an empty owner keeps the owner
            data.pop("owner")
        try:
            task_actions.update_task(
                task=task, data=data, actor=request.user, expected_version=version, source=SOURCE
            )
        except actions.StaleEditError:
            raise PreconditionFailed from None
        task = self.get_task()
        return with_etag(Response(self.get_serializer(task).data), task)

    @extend_schema(request=None, responses={200: TaskSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request, code=None):
        """Mark the task done (nothing changes when it is done already)."""
        task = self.get_task(change=True)
        task_actions.complete_task(task=task, actor=request.user)
        task = self.get_task()
        return with_etag(Response(self.get_serializer(task).data), task)


class TierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The tiers, highest first."""

    serializer_class = TierSerializer
    pagination_class = CursorPage
    lookup_field = "slug"
    required_permissions = {"GET": "tiers.view_tier"}
    queryset = Tier.objects.all()

    def cursor_ordering(self, request):
        return ("position",)


@extend_schema_view(
    create=extend_schema(parameters=[IDEMPOTENCY_KEY], responses={201: SegmentSerializer}),
    destroy=extend_schema(responses={204: None}),
)
class SegmentViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The segments the person may use (their own and the shared ones), and their members: the
    customers list filtered by the segment, within what the person may see. A segment is a
    saved filter, so its members follow from it: writing a segment is writing its filter, as
    the segment pages do (only its owner or a manager changes it)."""

    serializer_class = SegmentSerializer
    pagination_class = CursorPage
    lookup_field = "code"
    lookup_value_regex = UUID_PATTERN
    required_permissions = {"GET": "segments.view_segment", "POST": "segments.add_segment"}

    def get_queryset(self):
        return Segment.objects.usable_by(self.request.user)

    def cursor_ordering(self, request):
        if self.action == "customers":
            return CURSOR_SORTS["name"]
        return ("name", "id")

    def get_segment(self, *, change: bool = False) -> Segment:
        return get_segment_for_user(
            cast(AuthenticatedHttpRequest, self.request), self.kwargs["code"], change=change
        )

    def create_record(self, request, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        segment = segment_actions.create_segment(actor=request.user, data=serializer.validated_data)
        response = Response(self.get_serializer(segment).data, status=status.HTTP_201_CREATED)
        response["Location"] = reverse("api:segment-detail", args=[segment.code])
        return response

    def partial_update(self, request, code=None):
        """Rename, share or change the filter, as the segment's edit page."""
        segment = self.get_segment(change=True)
        serializer = self.get_serializer(segment, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        segment_actions.update_segment(
            segment=segment, actor=request.user, data=serializer.validated_data
        )
        return Response(self.get_serializer(segment).data)

    def destroy(self, request, code=None):
        segment = self.get_segment(change=True)
        segment_actions.delete_segment(segment=segment, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=CustomerSerializer(many=True), parameters=[FIELDS])
    @action(detail=True, methods=["get"], serializer_class=CustomerSerializer)
    def customers(self, request, code=None):
        segment = self.get_object()
        if not request.user.has_perm("customers.view_customer"):
            raise exceptions.PermissionDenied
        customers = listed_customers(request.user).listed(
            {"segment": str(segment.code)}, segment_query=segment.query
        )
        page = self.paginate_queryset(customers)
        return self.get_paginated_response(
            CustomerSerializer(page, many=True, context=self.get_serializer_context()).data
        )


def survey_answers(answers):
    """Answers with the invitation and customer their representation reads, in one query."""
    return answers.select_related("invitation", "customer")


class SurveyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The surveys (their questions in both languages) and each one's answers from the
    customers the person may see, for whoever reads the surveys report."""

    serializer_class = SurveySerializer
    pagination_class = CursorPage
    required_permissions = {"GET": SURVEYS_PERMISSION}
    queryset = Survey.objects.all()
    lookup_value_regex = "[0-9]+"

    def cursor_ordering(self, request):
        if self.action == "responses":
            return SURVEY_RESPONSES_ORDER
        return ("name", "id")

    @extend_schema(parameters=[FIELDS])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(parameters=[FIELDS])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(responses=SurveyResponseSerializer(many=True), parameters=[FIELDS])
    @action(detail=True, methods=["get"], serializer_class=SurveyResponseSerializer)
    def responses(self, request, pk=None):
        """The survey's answers, newest first, from the customers the person may see."""
        survey = self.get_object()
        answers = survey_answers(
            SurveyResponse.objects.visible_to(request.user).filter(invitation__survey=survey)
        )
        page = self.paginate_queryset(answers)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CSVBodyParser(BaseParser):
    """Declares `text/csv` for the metrics push, which streams the body itself."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream


METRICS_ROW = {
    "type": "object",
    "properties": {
        "store": {"type": "string", "description": "The store's domain or code."},
        "date": {"type": "string", "format": "date"},
        "gmv": {"type": "integer", "minimum": 0},
        "orders": {"type": "integer", "minimum": 0},
        "visitors": {"type": "integer", "minimum": 0},
        "uptime_pct": {"type": "number", "minimum": 0, "maximum": 100},
        "errors": {"type": "integer", "minimum": 0},
    },
}
CSV_BODY = {
    "type": "string",
    "description": "A header row store,date,gmv,orders,visitors,uptime_pct,errors, then one row "
    "per store and day.",
}


def metrics_job_answer(request, job: Job) -> dict:
    """A push's job as `MetricsJobSerializer` shows it: the result once it is done."""
    progress = job.current_progress() if job.state == Job.State.DONE else {}
    return {
        "id": job.pk,
        "state": job.state,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "failure_reason": job.failure_reason,
        "summary": progress.get("summary", ""),
        "rows": progress.get("rows"),
        "inserted": progress.get("inserted"),
        "updated": progress.get("updated"),
        "rejected": progress.get("rejected"),
        "unknown_columns": progress.get("unknown_columns", []),
        "rejects": progress.get("rejects", []),
        "url": request.build_absolute_uri(reverse("api:metrics-job", args=[job.pk])),
    }


class MetricsPushViewSet(IdempotentCreateMixin, viewsets.GenericViewSet):
    """Daily store metrics pushed by the commerce platform: the body is ingested by one
    background job exactly as `manage.py ingest_metrics` ingests a file."""

    permission_classes = [MetricsPushAccess]
    parser_classes = [JSONParser, CSVBodyParser]
    serializer_class = MetricsJobSerializer

    def request_fingerprint(self, request) -> str:
        # The body is saved here, hashed on the way: the key's fingerprint is the body's.
        digest = hashlib.sha256(f"{request.path}\n".encode())
        self.pushed = self.save_body(request, digest=digest)
        return digest.hexdigest()

    def save_body(self, request, *, digest=None) -> Path:
        """The pushed body saved as a CSV file (`digest`, when given, fed its bytes); a body
        that cannot be ingested at all is a 400."""
        stream = request.stream or io.BytesIO()
        media_type = request.content_type.split(";")[0].strip().lower()
        try:
            if media_type == "text/csv":
                return save_csv(stream, digest=digest)
            if media_type in ("application/json", ""):
                return save_json(stream, digest=digest)
        except PushError as error:
            raise exceptions.ValidationError({"detail": str(error)}) from None
        raise exceptions.UnsupportedMediaType(media_type)

    @extend_schema(
        request={"application/json": {"type": "array", "items": METRICS_ROW}, "text/csv": CSV_BODY},
        parameters=[IDEMPOTENCY_KEY],
        responses={202: MetricsJobSerializer},
        description="Push daily store metrics (a JSON array or a CSV body): one background job "
        "ingests them as `ingest_metrics` does; the answer is that job.",
    )
    def create(self, request, *args, **kwargs):
        try:
            return super().create(request, *args, **kwargs)
        finally:
            pushed = getattr(self, "pushed", None)
            if pushed is not None and not getattr(self, "queued", False):
                pushed.unlink(missing_ok=True)  # replayed or refused: nothing will read it

    def create_record(self, request, **kwargs):
        if getattr(self, "pushed", None) is None:
            # No idempotency key: nothing to fingerprint (hashing a 100,000-row body took a
            # third of the request's time).
            self.pushed = self.save_body(request)
        job = push_metrics(path=self.pushed, actor=request.user, today=today_in_jakarta())
        self.queued = True
        # Serialized now: the answer is kept as JSON for an idempotency key's replay.
        answer = MetricsJobSerializer(metrics_job_answer(request, job)).data
        return Response(
            answer, status=status.HTTP_202_ACCEPTED, headers={"Location": answer["url"]}
        )

    @extend_schema(
        responses={200: MetricsJobSerializer},
        description="A push's job: its state and, once done, the accounting line, the counts "
        "and the rejected rows.",
    )
    def retrieve(self, request, pk=None):
        job = get_object_or_404(Job.objects.visible_to(request.user).filter(name=PUSH_TASK), pk=pk)
        return Response(MetricsJobSerializer(metrics_job_answer(request, job)).data)
