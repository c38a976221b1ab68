"""The customers endpoints: the pages' record rules, their filters, optimistic locking,
idempotent creation, read-only fields and the query budget of the list."""

import datetime
import uuid

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from setia.api.models import ApiToken
from setia.api.serializers import CustomerSerializer
from setia.api.tests.helpers import token_client
from setia.api.views import listed_customers
from setia.customers.models import Customer
from setia.history.models import AuditEntry
from setia.test import make_customer
from setia.tiers.models import CustomerTier, Tier

LIST = "/api/v1/customers/"


def detail(customer) -> str:
    return f"/api/v1/customers/{customer.code}/"


def test_the_customer_url_is_the_pages_code(customer):
    assert reverse("api:customer-detail", args=[customer.code]) == detail(customer)
    assert str(customer.code) in customer.get_absolute_url()


def test_the_list_holds_what_the_page_holds(customer, executive, other_executive, team_b):
    make_customer(team=team_b, owner=other_executive, name="Kopi Senja")
    names = [row["name"] for row in token_client(executive).get(LIST).json()["results"]]
    assert names == ["Batik Lestari"]
    names = [row["name"] for row in token_client(other_executive).get(LIST).json()["results"]]
    assert names == ["Kopi Senja"]


def test_another_teams_customer_is_a_404(customer, other_executive):
    client = token_client(other_executive)
    assert client.get(detail(customer)).status_code == 404
    assert (
        client.patch(
            detail(customer), {"name": "X"}, format="json", HTTP_IF_MATCH='"1"'
        ).status_code
        == 404
    )
    assert client.delete(detail(customer)).status_code == 404
    customer.refresh_from_db()
    assert customer.name == "Batik Lestari" and customer.deleted_at is None


def test_the_lists_filters_and_fields(customer, executive, team_a):
    make_customer(team=team_a, owner=executive, name="Kopi Senja", status=Customer.Status.ACTIVE)
    client = token_client(executive)
    rows = client.get(LIST, {"status": "active", "fields": "name,code"}).json()["results"]
    assert rows == [
        {"name": "Kopi Senja", "code": str(Customer.objects.get(name="Kopi Senja").code)}
    ]
    rows = client.get(LIST, {"q": "batik"}).json()["results"]
    assert [row["name"] for row in rows] == ["Batik Lestari"]
    # A search the page refuses is refused here, with the page's message.
    answer = client.get(LIST, {"q": "ab"})
    assert answer.status_code == 400 and "3" in answer.json()["q"][0]
    assert client.get(LIST, {"sort": "-gmv"}).status_code == 400
    Customer.objects.filter(name="Kopi Senja").update(health_score=35, health_grade="p")
    rows = client.get(LIST, {"health": "p"}).json()["results"]
    assert [row["name"] for row in rows] == ["Kopi Senja"]


def test_cursor_pages(executive, team_a):
    for number in range(7):
        make_customer(team=team_a, owner=executive, name=f"Toko {number}")
    client = token_client(executive)
    seen = []
    answer = client.get(LIST, {"page_size": 3}).json()
    while True:
        seen += [row["name"] for row in answer["results"]]
        if not answer["next"]:
            break
        answer = client.get(answer["next"]).json()
    assert seen == [f"Toko {number}" for number in range(7)]


@pytest.mark.parametrize("rows", [1, 20])
def test_the_list_query_count_does_not_grow_with_rows(
    rows, executive, team_a, django_assert_num_queries
):
    for _ in range(rows):
        make_customer(team=team_a, owner=executive)
    client = token_client(executive)
    client.get(LIST)  # the first use of the token notes it (an UPDATE a minute at most)
    # the token with its person, the role's permissions, the page (no filter: no form choices)
    with django_assert_num_queries(3):
        answer = client.get(LIST)
    assert len(answer.json()["results"]) == rows
    # with a filter, the filter form's choices (categories, tiers, segments) too
    with django_assert_num_queries(4):
        answer = client.get(LIST, {"status": "onboarding"})


def test_create_records_its_history_from_the_api(executive, team_a):
    client = token_client(executive)
    answer = client.post(LIST, {"name": " Toko  Baru ", "category": "fashion"}, format="json")
    assert answer.status_code == 201, answer.json()
    customer = Customer.objects.get(code=answer.json()["code"])
    # The page's rules: the name tidied, the creator's team and ownership.
    assert (customer.name, customer.owner, customer.team) == ("Toko Baru", executive, team_a)
    assert answer["Location"] == detail(customer)
    assert answer["ETag"] == '"1"'
    entry = AuditEntry.objects.get(customer=customer, action=AuditEntry.Action.CREATE)
    assert entry.source == "api"


def test_the_forms_refusals_are_the_apis(executive):
    answer = token_client(executive).post(
        LIST, {"name": "  ", "category": "fashion"}, format="json"
    )
    assert answer.status_code == 400
    assert "name" in answer.json()


def test_idempotent_post(executive):
    client = token_client(executive)
    body = {"name": "Toko Sekali", "category": "fashion"}
    first = client.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Customer.objects.filter(name="Toko Sekali").count() == 1
    other = client.post(LIST, {**body, "name": "Lain"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    assert not Customer.objects.filter(name="Lain").exists()


def test_if_match_guards_every_change(customer, executive):
    client = token_client(executive)
    etag = client.get(detail(customer))["ETag"]
    assert client.patch(detail(customer), {"city": "Solo"}, format="json").status_code == 428
    saved = client.patch(detail(customer), {"city": "Solo"}, format="json", HTTP_IF_MATCH=etag)
    assert saved.status_code == 200 and saved["ETag"] != etag
    stale = client.patch(detail(customer), {"city": "Medan"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    customer.refresh_from_db()
    assert customer.city == "Solo"
    sources = set(AuditEntry.objects.filter(customer=customer).values_list("source", flat=True))
    assert sources == {"api"}


def test_tampered_fields_are_ignored(customer, executive):
    client = token_client(executive)
    code, version = customer.code, customer.version
    answer = client.patch(
        detail(customer),
        {"name": "Batik Baru", "code": str(uuid.uuid4()), "version": 99, "gmv_90d": 5},
        format="json",
        HTTP_IF_MATCH=f'"{version}"',
    )
    assert answer.status_code == 200
    customer.refresh_from_db()
    assert (customer.name, customer.code, customer.version, customer.gmv_90d) == (
        "Batik Baru",
        code,
        version + 1,
        None,
    )


def test_an_executive_cannot_hand_a_customer_to_another_team(customer, executive, team_b):
    answer = token_client(executive).patch(
        detail(customer), {"team": team_b.pk}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert answer.status_code == 400
    customer.refresh_from_db()
    assert customer.team_id != team_b.pk


def test_delete_is_the_pages_soft_delete(customer, executive):
    assert token_client(executive).delete(detail(customer)).status_code == 204
    customer.refresh_from_db()
    assert customer.deleted_at is not None
    entry = AuditEntry.objects.get(customer=customer, action=AuditEntry.Action.DELETE)
    assert entry.source == "api"


def test_roles_and_scopes(customer, intern, executive):
    client = token_client(intern)
    assert client.get(detail(customer)).status_code == 200
    assert client.post(LIST, {"name": "X", "category": "fashion"}, format="json").status_code == 403
    read_only = token_client(executive, scope=ApiToken.Scope.READ)
    assert read_only.get(detail(customer)).status_code == 200
    assert read_only.delete(detail(customer)).status_code == 403
    service = token_client(executive, scope=ApiToken.Scope.METRICS, kind=ApiToken.Kind.SERVICE)
    assert service.get(detail(customer)).status_code == 403


def test_revoked_expired_and_unknown_tokens_are_refused(customer, executive):
    from django.utils import timezone

    from setia.api.actions import revoke_token

    client = token_client(executive)
    assert client.get(LIST).status_code == 200
    revoke_token(token=ApiToken.objects.get(), actor=executive)
    assert client.get(LIST).status_code == 401
    expired = token_client(executive, expires_at=timezone.now() - timezone.timedelta(seconds=1))
    assert expired.get(LIST).status_code == 401
    unknown = APIClient()
    unknown.credentials(HTTP_AUTHORIZATION="Bearer setia_nothing")
    answer = unknown.get(LIST)
    assert answer.status_code == 401 and answer["WWW-Authenticate"].startswith("Bearer")
    assert APIClient().get(LIST).status_code == 401


def test_tokens_are_stored_hashed_and_note_their_use(executive):
    client = token_client(executive)
    token = ApiToken.objects.get()
    secret = client._credentials["HTTP_AUTHORIZATION"].split()[1]
    assert secret.startswith("setia_") and secret not in (token.digest, token.hint)
    assert token.last_used_at is None
    client.get(LIST)
    token.refresh_from_db()
    assert token.last_used_at is not None


@override_settings(RATE_LIMIT_API="2/m")
def test_too_many_requests_per_token(executive):
    client = token_client(executive)
    assert [client.get(LIST).status_code for _ in range(2)] == [200, 200]
    answer = client.get(LIST)
    assert answer.status_code == 429 and int(answer["Retry-After"]) >= 1
    # Another token of the same person has its own count.
    assert token_client(executive).get(LIST).status_code == 200


def test_the_signed_in_session_works_with_its_csrf_token(customer, executive):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(executive)
    assert client.get(detail(customer)).status_code == 200
    refused = client.post(LIST, {"name": "Toko", "category": "fashion"}, format="json")
    assert refused.status_code == 403
    client.get("/api/tokens/")
    csrf = client.cookies["csrftoken"].value
    answer = client.post(
        LIST, {"name": "Toko", "category": "fashion"}, format="json", HTTP_X_CSRFTOKEN=csrf
    )
    assert answer.status_code == 201


def test_refusals_in_the_language_asked_for_or_the_persons(executive):
    client = token_client(executive)
    asked = client.get(LIST, {"q": "ab"}, HTTP_ACCEPT_LANGUAGE="id")
    assert asked.json()["q"] == ["Ketik minimal 3 karakter untuk mencari."]
    executive.language = "en"
    executive.save(update_fields=["language"])
    assert client.get(LIST, {"q": "ab"}).json()["q"] == ["Type at least 3 characters to search."]


def test_the_list_and_the_record_read_the_category_and_tier_of_the_customer(customer, executive):
    tier = Tier.objects.order_by("position")[1]
    CustomerTier.objects.create(
        customer=customer,
        tier=tier,
        since=datetime.date(2026, 1, 1),
        computed_on=datetime.date(2026, 1, 2),
    )
    client = token_client(executive)

    [row] = client.get(LIST).json()["results"]
    record = client.get(detail(customer)).json()

    assert (row["category"], row["tier"]) == (customer.category.slug, tier.slug)
    assert record == row
    patched = client.patch(
        detail(customer), {"city": "Bandung"}, format="json", HTTP_IF_MATCH=f'"{row["version"]}"'
    ).json()
    assert (patched["category"], patched["tier"], patched["city"]) == (
        customer.category.slug,
        tier.slug,
        "Bandung",
    )


@pytest.mark.parametrize("fields", ["", "name,tier,updated_at"])
def test_the_rows_are_what_drfs_own_representation_gives(customer, manager, fields):
    """`CustomerSerializer.to_representation` reads the row by hand: the same values, keys and
    order as DRF's field-by-field representation, for every field set and for empty ones."""
    bare = make_customer(name="Toko Kosong")
    Customer.objects.filter(pk=bare.pk).update(owner=None, team=None)
    Customer.objects.filter(pk=customer.pk).update(
        gmv_90d=12_345_678,
        health_score=64,
        health_grade="a",
        province="Jawa Barat",
        notes="Catatan",
    )
    CustomerTier.objects.create(
        customer=customer,
        tier=Tier.objects.first(),
        since=datetime.date(2026, 1, 1),
        computed_on=datetime.date(2026, 1, 2),
    )
    request = APIRequestFactory().get(LIST, {"fields": fields} if fields else {})
    request.user = manager

    context = {"request": Request(request)}
    rows = listed_customers(manager).filter(pk__in=[customer.pk, bare.pk])
    assert len(rows) == 2
    for row in rows:
        serializer = CustomerSerializer(context=context)
        assert serializer.to_representation(row) == serializers.ModelSerializer.to_representation(
            serializer, row
        )
        assert list(serializer.to_representation(row)) == list(serializer.fields)
