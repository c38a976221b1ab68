"""No lost updates: every edit form of a customer's records carries the version it was made
from; a save without one is a 400, a save from an older one a 409 recorded in the history.
(The steps of a retention offer: setia/engagement/tests/test_retention_offers.py.)"""

import datetime

import pytest
from django.urls import reverse

from setia.customers import actions
from setia.customers.models import Customer
from setia.history.actions import snapshot
from setia.history.models import AuditEntry
from setia.test import make_contact, make_store, make_subscription
from setia.work.schedule import actions as task_actions
from setia.work.tests.factories import make_task


def _customer_case(customer):
    url = reverse("customers:customer-edit", args=[customer.code])
    data = {
        "name": "Batik Lestari Baru",
        "category": customer.category_id,
        "status": customer.status,
        "city": customer.city,
        "province": customer.province,
        "owner": customer.owner_id or "",
        "team": customer.team_id or "",
        "notes": "",
    }

    def colleague_saves(actor):
        actions.update_customer(
            customer=type(customer).objects.get(pk=customer.pk),
            actor=actor,
            data={"city": "Solo"},
            expected_version=1,
        )

    return customer, url, data, colleague_saves


def _contact_case(customer):
    contact = make_contact(customer, name="Sari", phone="+6281234567890", is_primary=True)
    url = reverse("customers:contact-edit", args=[customer.code, contact.pk])
    data = {
        "name": "Sari Wijaya",
        "position": "",
        "phone": "0812-3456-7890",
        "whatsapp": "",
        "email": "",
        "is_primary": "on",
    }

    def colleague_saves(actor):
        actions.update_contact(
            contact=type(contact).objects.get(pk=contact.pk),
            actor=actor,
            data={"position": "Owner"},
            expected_version=1,
        )

    return contact, url, data, colleague_saves


def _store_case(customer):
    store = make_store(
        customer, domain="batiklestari.co.id", url="https://batiklestari.co.id", kind="website"
    )
    url = reverse("customers:store-edit", args=[customer.code, store.code])
    data = {
        "kind": "website",
        "url": "https://batiklestari.co.id",
        "platform_version": "v2",
        "launched_on": "",
    }

    def colleague_saves(actor):
        actions.update_store(
            store=type(store).objects.get(pk=store.pk),
            actor=actor,
            data={"platform_version": "v1"},
            expected_version=1,
        )

    return store, url, data, colleague_saves


def _subscription_case(customer):
    subscription = make_subscription(customer)
    url = reverse("customers:subscription-edit", args=[customer.code])
    data = {
        "plan": "business",
        "started_on": "2026-01-15",
        "renews_on": "15/01/2027",
        "monthly_price": "349.000",
        "discount_percent": "0",
    }

    def colleague_saves(actor):
        actions.save_subscription(
            customer=customer,
            actor=actor,
            data={"renews_on": datetime.date(2027, 2, 15)},
            expected_version=1,
        )

    return subscription, url, data, colleague_saves


def _task_case(customer):
    owner = customer.owner
    task = make_task(owner=owner, customer=customer, title="Kickoff call")
    url = reverse("work:task-edit", args=[task.code])
    data = {
        "title": "Kickoff call (moved)",
        "customer": customer.code,
        "owner": owner.pk,
        "due_at": "2026-11-13T10:00",
        "priority": "high",
        "recurrence": "",
        "notes": "",
    }

    def colleague_saves(actor):
        task_actions.update_task(
            task=type(task).objects.get(pk=task.pk),
            actor=actor,
            data={"notes": "Bring the contract"},
            expected_version=1,
        )

    return task, url, data, colleague_saves


CASES = pytest.mark.parametrize(
    "case",
    [_customer_case, _contact_case, _store_case, _subscription_case, _task_case],
    ids=["customer", "contact", "store", "subscription", "task"],
)


def _stored(record) -> tuple[dict, int]:
    fresh = type(record).objects.get(pk=record.pk)
    return snapshot(fresh), fresh.version


@CASES
@pytest.mark.parametrize("version", [None, "", "0", "abc"])
def test_it_refuses_an_edit_without_a_valid_version_and_saves_nothing(
    client, executive, customer, case, version
):
    record, url, data, _ = case(customer)
    stored = _stored(record)
    if version is not None:
        data["version"] = version
    client.force_login(executive)

    response = client.post(url, data)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["version"]
    assert _stored(record) == stored
    assert stored[1] == 1
    assert AuditEntry.objects.count() == 0


@CASES
def test_it_refuses_a_stale_edit_shows_the_colleagues_values_and_records_the_refusal(
    client, executive, manager, customer, case
):
    record, url, data, colleague_saves = case(customer)
    colleague_saves(manager)
    after_colleague = _stored(record)
    client.force_login(executive)

    response = client.post(url, {**data, "version": 1})

    assert response.status_code == 409
    assert _stored(record) == after_colleague
    assert after_colleague[1] == 2
    refused = AuditEntry.objects.get(actor=executive)
    assert (refused.action, refused.object_id) == ("refused", record.pk)
    assert refused.changes
    conflict = response.context["conflict"]
    assert conflict.last_change.actor == manager
    rows = conflict.rows()
    assert len(rows) == len(refused.changes)
    for _label, stored_value, yours in rows:
        assert f'<td class="before">{stored_value}</td><td class="after">{yours}</td>' in (
            response.text
        )
    form = response.context["form"]
    assert not form.is_bound
    assert form["version"].value() == 2
    assert '<input type="hidden" name="version" value="2"' in response.text


@CASES
def test_it_saves_a_fresh_edit_and_moves_the_version_on(client, executive, customer, case):
    record, url, data, _ = case(customer)
    client.force_login(executive)

    response = client.post(url, {**data, "version": 1})

    assert response.status_code == 302
    assert _stored(record)[1] == 2
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.object_id) == ("update", executive, record.pk)


@CASES
def test_it_refuses_the_second_of_two_edits_from_the_same_version(
    client, executive, manager, customer, case
):
    record, url, data, _ = case(customer)
    client.force_login(manager)
    first = client.post(url, {**data, "version": 1})
    client.force_login(executive)

    second = client.post(url, {**data, "version": 1})

    assert (first.status_code, second.status_code) == (302, 409)
    assert _stored(record)[1] == 2
    assert [(entry.action, entry.actor) for entry in AuditEntry.objects.order_by("id")] == [
        ("update", manager),
        ("refused", executive),
    ]


def test_a_stale_edit_of_a_personal_task_is_409_with_the_values_and_nothing_to_audit(
    client, executive
):
    task = make_task(owner=executive, title="Plan the week")
    url = reverse("work:task-edit", args=[task.code])
    task_actions.update_task(
        task=type(task).objects.get(pk=task.pk),
        actor=executive,
        data={"title": "Plan the month"},
        expected_version=1,
    )
    client.force_login(executive)
    data = {
        "title": "Plan the day",
        "owner": executive.pk,
        "due_at": "2026-11-13T10:00",
        "priority": "normal",
        "version": 1,
    }

    response = client.post(url, data)

    assert response.status_code == 409
    task.refresh_from_db()
    assert (task.title, task.version) == ("Plan the month", 2)
    assert '<td class="before">Plan the month</td><td class="after">Plan the day</td>' in (
        response.text
    )
    # A task of no customer has no history to keep the refusal in.
    assert AuditEntry.objects.count() == 0


def test_it_refuses_a_stale_update_and_records_only_the_refusal(customer, executive, manager):
    actions.update_customer(
        customer=customer, actor=manager, data={"city": "Solo"}, expected_version=1
    )
    stale = Customer.objects.get(pk=customer.pk)

    with pytest.raises(actions.StaleEditError):
        actions.update_customer(
            customer=stale, actor=executive, data={"name": "Overwritten"}, expected_version=1
        )

    customer.refresh_from_db()
    assert (customer.name, customer.city, customer.version) == ("Batik Lestari", "Solo", 2)
    assert [
        (entry.actor_id, entry.action, entry.changes) for entry in AuditEntry.objects.order_by("id")
    ] == [
        (manager.pk, "update", {"city": ["Bandung", "Solo"]}),
        (executive.pk, "refused", {"name": ["Batik Lestari", "Overwritten"]}),
    ]


def test_it_lets_only_one_of_two_edits_from_the_same_version_through(customer, executive, manager):
    first = Customer.objects.get(pk=customer.pk)
    second = Customer.objects.get(pk=customer.pk)

    actions.update_customer(
        customer=first, actor=manager, data={"name": "First"}, expected_version=1
    )
    with pytest.raises(actions.StaleEditError):
        actions.update_customer(
            customer=second, actor=executive, data={"name": "Second"}, expected_version=1
        )

    assert Customer.objects.get(pk=customer.pk).name == "First"
