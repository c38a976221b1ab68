"""A customer's contacts, stores, subscription and timeline, the segments and the tiers: every
endpoint answers another team's executive as if the record did not exist, and writes through
the customers app's actions with history source "api"."""

import datetime

import pytest

from setia.api.tests.helpers import token_client
from setia.customers.models import Contact, Store, Subscription
from setia.history.models import AuditEntry
from setia.segments.models import Segment
from setia.test import make_contact, make_customer, make_store, make_subscription


def base(customer) -> str:
    return f"/api/v1/customers/{customer.code}"


@pytest.fixture
def records(customer, executive):
    return {
        "contact": make_contact(customer, name="Sari"),
        "store": make_store(customer),
        "subscription": make_subscription(customer),
    }


def urls(customer, records) -> dict[str, str]:
    return {
        "contacts": f"{base(customer)}/contacts/",
        "contact": f"{base(customer)}/contacts/{records['contact'].pk}/",
        "stores": f"{base(customer)}/stores/",
        "store": f"{base(customer)}/stores/{records['store'].code}/",
        "subscription": f"{base(customer)}/subscription/",
        "timeline": f"{base(customer)}/timeline/",
    }


def test_another_team_gets_404_on_every_record_endpoint(customer, records, other_executive):
    client = token_client(other_executive)
    for name, url in urls(customer, records).items():
        assert client.get(url).status_code == 404, name
        if name in ("contact", "store"):
            patch = client.patch(url, {"name": "X"}, format="json", HTTP_IF_MATCH="*")
            assert patch.status_code == 404, name
            assert client.delete(url).status_code == 404, name
        if name in ("contacts", "stores"):
            assert client.post(url, {"name": "X"}, format="json").status_code == 404, name
    put = client.put(
        f"{base(customer)}/subscription/",
        {
            "plan": "starter",
            "started_on": "2026-01-01",
            "renews_on": "2027-01-01",
            "monthly_price": 1,
        },
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert put.status_code == 404
    assert Contact.objects.filter(customer=customer).count() == 1
    assert Store.objects.filter(customer=customer).count() == 1
    assert not AuditEntry.objects.filter(customer=customer).exists()


def test_an_intern_reads_and_may_not_write(customer, records, intern):
    client = token_client(intern)
    for name, url in urls(customer, records).items():
        assert client.get(url).status_code == 200, name
    contacts = urls(customer, records)["contacts"]
    assert (
        client.post(contacts, {"name": "X", "phone": "081234567890"}, format="json").status_code
        == 403
    )


def test_contacts_through_the_actions(customer, executive):
    client = token_client(executive)
    url = f"{base(customer)}/contacts/"
    answer = client.post(url, {"name": "Sari", "phone": "0812-3456-7890"}, format="json")
    assert answer.status_code == 201, answer.json()
    # The page's rules: the number in E.164, the first contact primary, WhatsApp filled in.
    assert answer.json()["phone"] == "+6281234567890"
    assert answer.json()["is_primary"] and answer.json()["whatsapp"] == "+6281234567890"
    contact_url = answer["Location"]
    bad = client.post(url, {"name": "Tanpa Nomor"}, format="json")
    assert bad.status_code == 400 and "non_field_errors" in bad.json()
    etag = answer["ETag"]
    changed = client.patch(contact_url, {"position": "Owner"}, format="json", HTTP_IF_MATCH=etag)
    assert changed.status_code == 200 and changed.json()["position"] == "Owner"
    stale = client.patch(contact_url, {"position": "CEO"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert client.delete(contact_url).status_code == 204
    assert not Contact.objects.filter(customer=customer).exists()
    entries = AuditEntry.objects.filter(customer=customer).exclude(action=AuditEntry.Action.REFUSED)
    assert set(entries.values_list("source", flat=True)) == {"api"}
    assert entries.count() == 3


def test_stores_through_the_actions(customer, executive, other_executive, team_b):
    elsewhere = make_store(make_customer(team=team_b, owner=other_executive))
    client = token_client(executive)
    url = f"{base(customer)}/stores/"
    taken = client.post(
        url, {"kind": "website", "url": f"https://{elsewhere.domain}/"}, format="json"
    )
    assert taken.status_code == 400 and "url" in taken.json()
    answer = client.post(
        url, {"kind": "website", "url": "WWW.Toko-Batik.co.id/shop"}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["domain"] == "toko-batik.co.id"
    store_url = answer["Location"]
    changed = client.patch(
        store_url,
        {"domain": "tampered.example", "launched_on": "2024-08-17"},
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert changed.status_code == 200
    assert changed.json()["launched_on"] == "2024-08-17"
    assert changed.json()["domain"] == "toko-batik.co.id"
    assert client.delete(store_url).status_code == 204
    sources = AuditEntry.objects.filter(customer=customer).values_list("source", flat=True)
    assert set(sources) == {"api"}


def test_the_subscription_is_put_whole(customer, executive):
    client = token_client(executive)
    url = f"{base(customer)}/subscription/"
    assert client.get(url).status_code == 404
    body = {
        "plan": "growth",
        "started_on": "2026-01-15",
        "renews_on": "2027-01-15",
        "monthly_price": 349000,
        "discount_percent": 10,
    }
    created = client.put(url, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["net_monthly_price"] == 314100
    assert client.put(url, {**body, "discount_percent": 0}, format="json").status_code == 428
    changed = client.put(
        url, {**body, "discount_percent": 0}, format="json", HTTP_IF_MATCH=created["ETag"]
    )
    assert changed.status_code == 200
    stale = client.put(url, body, format="json", HTTP_IF_MATCH=created["ETag"])
    assert stale.status_code == 412
    backwards = client.put(
        url, {**body, "renews_on": "2025-01-01"}, format="json", HTTP_IF_MATCH=changed["ETag"]
    )
    assert backwards.status_code == 400 and "renews_on" in backwards.json()
    assert Subscription.objects.get(customer=customer).discount_percent == 0


def test_the_timeline(customer, records, executive):
    client = token_client(executive)
    client.patch(f"{base(customer)}/", {"city": "Solo"}, format="json", HTTP_IF_MATCH="*")
    events = client.get(f"{base(customer)}/timeline/").json()["results"]
    assert [event["kind"] for event in events] == ["change"]
    assert client.get(f"{base(customer)}/timeline/", {"kind": "call"}).json()["results"] == []
    assert client.get(f"{base(customer)}/timeline/", {"kind": "nope"}).status_code == 400


def test_segment_members_are_the_lists_within_what_one_sees(
    customer, executive, other_executive, team_b
):
    make_customer(team=team_b, owner=other_executive, name="Batik Jauh")
    segment = Segment.objects.create(
        name="Batik", owner=other_executive, is_shared=True, query="q=batik"
    )
    private = Segment.objects.create(name="Mine", owner=other_executive, query="q=batik")
    client = token_client(executive)
    codes = [row["code"] for row in client.get("/api/v1/segments/").json()["results"]]
    assert codes == [str(segment.code)]
    members = client.get(f"/api/v1/segments/{segment.code}/customers/").json()["results"]
    assert [row["name"] for row in members] == ["Batik Lestari"]
    assert client.get(f"/api/v1/segments/{private.code}/customers/").status_code == 404


def test_tiers(executive):
    tiers = token_client(executive).get("/api/v1/tiers/").json()["results"]
    assert [tier["position"] for tier in tiers] == sorted(tier["position"] for tier in tiers)
    assert tiers


def test_interactions_are_logged_as_the_log_form_logs_them(
    customer, records, executive, viewer, other_executive, team_b
):
    url = f"{base(customer)}/interactions/"
    theirs = make_contact(make_customer(team=team_b, owner=other_executive))
    client = token_client(executive)
    call = {"kind": "call", "summary": "Tanya tagihan", "themes": ["pembayaran"]}
    assert token_client(other_executive).get(url).status_code == 404
    assert token_client(other_executive).post(url, call, format="json").status_code == 404
    assert token_client(viewer).post(url, call, format="json").status_code == 403
    nothing = client.post(url, {"kind": "call", "outcome": "reached"}, format="json")
    assert nothing.status_code == 400 and "summary" in nothing.json()
    elsewhere = client.post(url, {**call, "contact": theirs.pk}, format="json")
    assert elsewhere.status_code == 400 and "contact" in elsewhere.json()
    logged = client.post(url, {**call, "contact": records["contact"].pk}, format="json")
    assert logged.status_code == 201, logged.json()
    assert logged.json()["theme_names"] == ["pembayaran"]
    assert [row["summary"] for row in client.get(url).json()["results"]] == ["Tanya tagihan"]
    events = client.get(f"{base(customer)}/timeline/").json()["results"]
    assert [event["kind"] for event in events] == ["call"]


def test_tasks_as_on_the_task_pages(customer, executive, intern, other_executive):
    from setia.work.tests.factories import make_task

    mine = make_task(owner=executive, customer=customer, title="Telepon soal perpanjangan")
    interns = make_task(owner=intern, title="Belajar katalog")
    # An executive sees the team's tasks; an intern their own; another team none of them.
    codes = [row["code"] for row in token_client(executive).get("/api/v1/tasks/").json()["results"]]
    assert set(codes) == {str(mine.code), str(interns.code)}
    codes = [row["code"] for row in token_client(intern).get("/api/v1/tasks/").json()["results"]]
    assert codes == [str(interns.code)]
    other = token_client(other_executive)
    assert other.get(f"/api/v1/tasks/{mine.code}/").status_code == 404
    assert other.post(f"/api/v1/tasks/{mine.code}/complete/").status_code == 404
    assert other.get("/api/v1/tasks/", {"customer": str(customer.code)}).status_code == 404
    client = token_client(executive)
    rows = client.get("/api/v1/tasks/", {"customer": str(customer.code)}).json()["results"]
    assert [row["title"] for row in rows] == ["Telepon soal perpanjangan"]
    done = client.post(f"/api/v1/tasks/{mine.code}/complete/")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert client.get("/api/v1/tasks/", {"status": "open"}).json()["results"][0]["code"] == str(
        interns.code
    )


def test_a_task_filter_naming_no_customer_is_a_400(executive):
    answer = token_client(executive).get("/api/v1/tasks/", {"customer": "not-a-code"})
    assert answer.status_code == 400 and "customer" in answer.json()


def test_interactions_carry_a_product_area_and_a_release_by_its_name(customer, executive):
    from setia.engagement.models import Interaction, Release

    v2 = Release.objects.create(name="Toko v2", released_on=datetime.date(2026, 6, 10))
    url = f"{base(customer)}/interactions/"
    client = token_client(executive)
    issue = {"kind": "website_issue", "summary": "Lambat", "area": "performance"}

    unknown = client.post(url, {**issue, "release": "Toko v9"}, format="json")
    assert unknown.status_code == 400 and "release" in unknown.json()
    odd_area = client.post(url, {**issue, "area": "speed"}, format="json")
    assert odd_area.status_code == 400 and "area" in odd_area.json()
    logged = client.post(url, {**issue, "release": "Toko v2"}, format="json")
    assert logged.status_code == 201, logged.json()
    assert (logged.json()["area"], logged.json()["release"]) == ("performance", "Toko v2")
    # Without a release the interaction has none: reports take the release of its day.
    plain = client.post(url, {"kind": "note", "summary": "Catatan"}, format="json")
    assert plain.status_code == 201 and plain.json()["release"] is None
    assert Interaction.objects.get(summary="Lambat").release == v2
