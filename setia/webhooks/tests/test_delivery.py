"""Events become signed deliveries to a real HTTP receiver: once each, only those subscribed,
tried again after a failure that may pass, and the webhook switched off after too many."""

import datetime
import json
import time

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from setia.accounts.models import Role
from setia.customers import actions as customer_actions
from setia.customers.models import Customer
from setia.history.actions import record_event
from setia.history.models import EventKind
from setia.imports.models import Import
from setia.jobs.actions import run_pending
from setia.surveys import actions as survey_actions
from setia.surveys.tests.factories import make_invitation
from setia.test import (
    make_category,
    make_contact,
    make_customer,
    make_subscription,
    make_user,
)
from setia.webhooks import actions
from setia.webhooks.models import Attempt, Cursor, Delivery, Webhook
from setia.webhooks.signing import signature_header, verify_signature

pytestmark = pytest.mark.usefixtures("jobs_by_hand")


def _create_customer(actor, name="Toko Maju"):
    return customer_actions.create_customer(
        actor=actor, data={"name": name, "category": make_category(), "city": "Bandung"}
    )


def test_a_signed_event_reaches_the_receiver_which_verifies_it(receiver, webhook_to, admin_user):
    webhook = webhook_to("customer.created")
    customer = _create_customer(admin_user)
    assert actions.dispatch() == 1
    assert run_pending() == 1
    [got] = receiver.received
    assert got.signature_ok
    body = json.loads(got.body)
    assert body["event"] == "customer.created"
    assert body["data"]["customer"] == str(customer.code)
    assert body["data"]["action"] == "create"
    assert body["data"]["changes"]["name"] == [None, "Toko Maju"]
    assert body["id"].startswith("evt_") and body["occurred_at"]
    delivery = Delivery.objects.get()
    assert got.headers["X-Setia-Event"] == "customer.created"
    assert got.headers["X-Setia-Delivery"] == str(delivery.pk)
    timestamp = got.headers["X-Setia-Timestamp"]
    assert got.headers["X-Setia-Signature"].startswith(f"t={timestamp},v1=")
    assert delivery.state == Delivery.State.DELIVERED
    attempt = Attempt.objects.get()
    assert (attempt.status_code, attempt.number, attempt.succeeded) == (200, 1, True)
    assert attempt.response_excerpt == "status 200"
    # Another secret does not verify.
    assert not verify_signature(
        "whsec_other", got.headers["X-Setia-Signature"], got.body, time.time()
    )
    assert webhook.deliveries.count() == 1


def test_verify_signature_refuses_a_replay_and_a_changed_body():
    body = b'{"event": "customer.created"}'
    header = signature_header("whsec_s", 1_700_000_000, body)
    assert verify_signature("whsec_s", header, body, now=1_700_000_100)
    assert not verify_signature("whsec_s", header, body, now=1_700_000_301)
    assert not verify_signature("whsec_s", header, body, now=1_699_999_699)
    assert verify_signature("whsec_s", header, body, now=1_700_000_500, tolerance=600)
    assert not verify_signature("whsec_s", header, body + b" ", now=1_700_000_100)
    assert not verify_signature("whsec_s", "t=x,v1=00", body, now=1_700_000_100)
    assert not verify_signature("whsec_s", "", body, now=1_700_000_100)


def test_only_the_events_subscribed_are_delivered(receiver, webhook_to, admin_user):
    webhook_to("customer.updated", "task.completed")
    customer = _create_customer(admin_user)
    customer_actions.update_customer(
        customer=customer, actor=admin_user, data={"city": "Bogor"}, expected_version=1
    )
    record_event(customer, EventKind.TASK, data={"task_action": "created", "title": "Telepon"})
    record_event(customer, EventKind.TASK, data={"task_action": "completed", "title": "Telepon"})
    assert actions.dispatch() == 2
    run_pending()
    events = [json.loads(got.body) for got in receiver.received]
    assert [event["event"] for event in events] == ["customer.updated", "task.completed"]
    assert events[0]["data"]["changes"] == {"city": ["Bandung", "Bogor"]}
    assert events[1]["data"]["title"] == "Telepon"


def test_each_history_row_is_delivered_once_however_often_dispatch_runs(
    receiver, webhook_to, admin_user
):
    webhook = webhook_to("customer.created")
    other = webhook_to("customer.created", name="Help desk")
    _create_customer(admin_user)
    assert actions.dispatch() == 2
    assert actions.dispatch() == 0
    # Even read again from the start (the rows of a late transaction are re-read), no double.
    Cursor.objects.update(position=0)
    assert actions.dispatch() == 0
    run_pending()
    assert webhook.deliveries.count() == other.deliveries.count() == 1
    assert len(receiver.received) == 2
    ids = {json.loads(got.body)["id"] for got in receiver.received}
    assert len(ids) == 1  # the same event, under the same id, to both


def test_an_import_is_one_event_not_one_per_row(receiver, webhook_to, admin_user):
    webhook_to("customer.created", "import.finished")
    batch = Import.objects.create(actor=admin_user, file_name="toko.csv", status="running")
    customer_actions.create_customer(
        actor=admin_user,
        data={"name": "Dari impor", "category": make_category()},
        source=batch.source_label,
    )
    Import.objects.filter(pk=batch.pk).update(
        status="done", finished_at=timezone.now(), rows=1, created=1
    )
    assert actions.dispatch() == 1
    assert actions.dispatch() == 0
    run_pending()
    [got] = receiver.received
    body = json.loads(got.body)
    assert body["event"] == "import.finished"
    assert body["data"]["file_name"] == "toko.csv"
    assert (body["data"]["rows"], body["data"]["created"], body["data"]["status"]) == (1, 1, "done")


def test_renewals_churn_and_tier_moves(receiver, webhook_to, admin_user):
    webhook_to("subscription.renewed", "subscription.cancelled", "tier.changed")
    customer = make_customer(name="Toko Baru")
    subscription = make_subscription(customer, renews_on=datetime.date(2027, 1, 1))
    customer_actions.save_subscription(
        customer=customer,
        actor=admin_user,
        data={"renews_on": datetime.date(2028, 1, 1)},
        expected_version=subscription.version,
    )
    customer_actions.update_customer(
        customer=customer,
        actor=admin_user,
        data={"status": Customer.Status.CHURNED},
        expected_version=customer.version,
    )
    record_event(customer, EventKind.TIER, data={"old": "Silver", "new": "Gold"})
    assert actions.dispatch() == 3
    run_pending()
    events = {json.loads(got.body)["event"]: json.loads(got.body) for got in receiver.received}
    assert set(events) == {"subscription.renewed", "subscription.cancelled", "tier.changed"}
    assert events["subscription.renewed"]["data"]["changes"]["renews_on"] == [
        "2027-01-01",
        "2028-01-01",
    ]
    assert events["tier.changed"]["data"]["new"] == "Gold"


def test_health_changes_found_set_based(receiver, webhook_to):
    webhook_to("health.changed")
    steady, falling, new = make_customer(), make_customer(), make_customer()
    Customer.objects.filter(pk__in=[steady.pk, falling.pk]).update(
        health_grade="g", health_score=80
    )
    assert actions.dispatch() == 0  # the first grades are noted, not reported
    Customer.objects.filter(pk=falling.pk).update(health_grade="p", health_score=30)
    Customer.objects.filter(pk=new.pk).update(health_grade="a", health_score=55)
    assert actions.dispatch() == 1
    assert actions.dispatch() == 0
    run_pending()
    [got] = receiver.received
    data = json.loads(got.body)["data"]
    assert data["customer"] == str(falling.code)
    assert (data["grade_before"], data["grade"], data["score_before"], data["score"]) == (
        "g",
        "p",
        80,
        30,
    )


def test_a_failure_that_may_pass_is_tried_again_after_a_backoff(receiver, webhook_to, admin_user):
    webhook = webhook_to("customer.created")
    receiver.statuses = [500, 503]
    start = timezone.now()
    _create_customer(admin_user)
    with time_machine.travel(start, tick=True) as clock:
        actions.dispatch()
        run_pending()
        webhook.refresh_from_db()
        assert webhook.failures == 1 and webhook.is_active
        assert run_pending() == 0  # the next try waits for its backoff (30 s)
        clock.shift(datetime.timedelta(seconds=31))
        run_pending()
        webhook.refresh_from_db()
        assert webhook.failures == 2
        assert run_pending() == 0
        clock.shift(datetime.timedelta(seconds=61))  # doubled: 60 s
        run_pending()
    assert [got.signature_ok for got in receiver.received] == [True, True, True]
    ids = {got.headers["X-Setia-Delivery"] for got in receiver.received}
    assert len(ids) == 1
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == (Delivery.State.DELIVERED, 3)
    log = list(Attempt.objects.order_by("id").values_list("number", "status_code", "succeeded"))
    assert log == [(1, 500, False), (2, 503, False), (3, 200, True)]
    webhook.refresh_from_db()
    assert (webhook.failures, webhook.retry_at) == (0, None)


def test_a_refusal_is_not_tried_again(receiver, webhook_to, admin_user):
    webhook_to("customer.created")
    receiver.statuses = [400]
    _create_customer(admin_user, "Satu")
    _create_customer(admin_user, "Dua")
    actions.dispatch()
    run_pending()
    states = list(Delivery.objects.order_by("id").values_list("state", flat=True))
    assert states == [Delivery.State.FAILED, Delivery.State.DELIVERED]
    assert len(receiver.received) == 2


def test_no_answer_is_an_error_in_the_log(webhook_to, admin_user, receiver, settings):
    webhook = webhook_to("customer.created")
    # A port nobody listens on: the connection is refused.
    Webhook.objects.filter(pk=webhook.pk).update(url="http://127.0.0.1:9/hook")
    _create_customer(admin_user)
    actions.dispatch()
    run_pending()
    attempt = Attempt.objects.get()
    assert attempt.status_code is None and "Error" in attempt.error
    assert Delivery.objects.get().state == Delivery.State.PENDING


def test_switched_off_after_the_limit_and_the_administrators_told(
    receiver, webhook_to, admin_user, settings
):
    settings.WEBHOOKS_DISABLE_AFTER = 3
    admin = make_user(Role.ADMIN, email="admin@setia.test", language="en")
    make_user(Role.MANAGER, email="manager@setia.test")
    webhook = webhook_to("customer.created")
    receiver.default_status = 500
    _create_customer(admin_user)
    start = timezone.now()
    with time_machine.travel(start, tick=True) as clock:
        actions.dispatch()
        for _round in range(5):
            run_pending()
            clock.shift(datetime.timedelta(hours=1))
    webhook.refresh_from_db()
    assert not webhook.is_active and webhook.disabled_at is not None
    assert "HTTP 500" in webhook.disabled_reason
    assert len(receiver.received) == 3
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([admin.email, admin_user.email])
    assert "BI" in mail.outbox[0].subject
    # Nothing more is queued or sent for it.
    _create_customer(admin_user, "Lagi")
    assert actions.dispatch() == 0
    run_pending()
    assert len(receiver.received) == 3


def test_the_test_event_goes_out_at_once(receiver, webhook_to, admin_user):
    webhook = webhook_to("customer.created")
    actions.send_test(webhook=webhook, actor=admin_user)
    run_pending()
    [got] = receiver.received
    assert got.signature_ok and json.loads(got.body)["event"] == "webhook.test"


def test_the_test_event_does_not_wait_for_a_backoff(receiver, webhook_to, admin_user):
    webhook = webhook_to("customer.created")
    receiver.statuses = [500]
    _create_customer(admin_user)
    actions.dispatch()
    run_pending()
    webhook.refresh_from_db()
    assert webhook.retry_at is not None
    actions.send_test(webhook=webhook, actor=admin_user)
    run_pending()
    events = [json.loads(got.body)["event"] for got in receiver.received]
    assert events == ["customer.created", "webhook.test"]
    assert Delivery.objects.get(event="customer.created").state == Delivery.State.PENDING


def test_old_deliveries_are_forgotten_but_not_pending_ones(receiver, webhook_to, admin_user):
    webhook_to("customer.created")
    _create_customer(admin_user, "Satu")
    _create_customer(admin_user, "Dua")
    actions.dispatch()
    run_pending()
    Delivery.objects.filter(pk=Delivery.objects.order_by("id").last().pk).update(
        state=Delivery.State.PENDING
    )
    later = timezone.now() + datetime.timedelta(days=31)
    assert actions.purge(now=later) == 1
    assert (
        Delivery.objects.count() == 1
        and not Attempt.objects.filter(delivery__state=Delivery.State.DELIVERED).exists()
    )
    assert actions.purge(now=timezone.now()) == 0


def test_a_survey_answer_is_delivered_signed(receiver, webhook_to, admin_user):
    webhook_to("survey.answered")
    customer = make_customer(name="Toko Survei")
    invitation = make_invitation(make_contact(customer, name="Siti"))
    survey_actions.answer(invitation=invitation, score=4, comment="Lambat")
    assert actions.dispatch() == 1
    assert run_pending() == 1
    [got] = receiver.received
    assert got.signature_ok
    body = json.loads(got.body)
    assert body["event"] == "survey.answered"
    data = body["data"]
    assert data["customer"] == str(customer.code)
    assert (data["kind"], data["score"], data["comment"]) == ("nps", 4, "Lambat")
    assert (data["survey"], data["contact"]) == (invitation.survey_id, "Siti")
    # Dispatched again: nothing more.
    assert actions.dispatch() == 0
