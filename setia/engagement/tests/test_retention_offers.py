import datetime

import pytest
import time_machine
from django.urls import reverse

from setia.engagement import offers
from setia.engagement.models import RetentionOffer
from setia.history.models import AuditEntry, TimelineEvent
from setia.test import make_customer, make_subscription

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture
def subscription(customer):
    return make_subscription(customer, monthly_price=1_000_000, discount_percent=5)


def _propose_url(customer):
    return reverse("engagement:offer-propose", args=[customer.code])


def _url(offer, step=""):
    name = f"engagement:offer-{step}" if step else "engagement:offer-detail"
    return reverse(name, args=[offer.code])


def _offer(customer, actor, discount=30, months=6):
    return offers.propose_offer(
        customer=customer,
        actor=actor,
        asked="50% for a year",
        offered="30% for six months",
        discount_percent=discount,
        months=months,
    )


def _offer_events(customer):
    return [event.data["offer_status"] for event in TimelineEvent.objects.filter(kind="offer")][
        ::-1
    ]


# Proposing


def test_an_executive_proposes_a_large_discount_that_waits_for_a_manager(
    client, executive, customer, subscription
):
    client.force_login(executive)

    response = client.post(
        _propose_url(customer),
        {
            "asked": "50% for a year",
            "offered": "30% for six months",
            "discount_percent": 30,
            "months": 6,
        },
    )

    offer = RetentionOffer.objects.get()
    assert response.status_code == 302
    assert response.url == _url(offer)
    assert (offer.status, offer.proposed_by, offer.approved_by) == ("proposed", executive, None)
    assert (offer.discount_percent, offer.months, offer.monthly_price) == (30, 6, 1_000_000)
    assert _offer_events(customer) == ["proposed"]


def test_a_discount_within_the_threshold_is_approved_at_once(executive, customer, subscription):
    offer = _offer(customer, executive, discount=20)

    assert (offer.status, offer.approved_by) == ("approved", executive)


def test_the_threshold_is_a_setting(settings, executive, customer, subscription):
    settings.RETENTION_APPROVAL_THRESHOLD = 10

    offer = _offer(customer, executive, discount=15)

    assert offer.status == "proposed"


def test_it_needs_a_subscription(client, executive, customer):
    client.force_login(executive)

    response = client.post(_propose_url(customer), {"discount_percent": 10, "months": 3})

    assert response.status_code == 400
    assert "Record the customer&#x27;s subscription" in response.text
    assert not RetentionOffer.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("discount_percent", 0), ("discount_percent", 101), ("months", 0), ("months", 37)],
)
def test_it_refuses_impossible_offers(client, executive, customer, subscription, field, value):
    client.force_login(executive)

    response = client.post(
        _propose_url(customer), {"discount_percent": 10, "months": 3, field: value}
    )

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not RetentionOffer.objects.exists()


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_interns_and_viewers_cannot_propose(client, request, persona, customer, subscription):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(_propose_url(customer), {"discount_percent": 10, "months": 3})

    assert response.status_code == 403
    assert not RetentionOffer.objects.exists()


def test_proposing_is_404_for_another_team(client, other_executive, customer, subscription):
    client.force_login(other_executive)

    response = client.post(_propose_url(customer), {"discount_percent": 10, "months": 3})

    assert response.status_code == 404
    assert not RetentionOffer.objects.exists()


def test_proposing_redirects_anonymous_visitors_and_refuses_put(client, executive, customer):
    assert client.get(_propose_url(customer)).url.startswith(reverse("accounts:login"))
    client.force_login(executive)
    assert client.put(_propose_url(customer)).status_code == 405


# Approving


def test_a_manager_approves(client, manager, executive, customer, subscription):
    offer = _offer(customer, executive)
    client.force_login(manager)

    page = client.get(_url(offer))
    response = client.post(_url(offer, "approve"), {"version": 1})

    assert page.context["can_approve"] is True
    assert '<input type="hidden" name="version" value="1"' in page.text
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.status, offer.approved_by) == ("approved", manager)
    assert _offer_events(customer) == ["proposed", "approved"]


def test_a_manager_rejects_with_a_reason(client, manager, executive, customer, subscription):
    offer = _offer(customer, executive)
    client.force_login(manager)

    client.post(_url(offer, "reject"), {"reason": "Too deep for a Growth plan", "version": 1})

    offer.refresh_from_db()
    assert (offer.status, offer.reason) == ("rejected", "Too deep for a Growth plan")
    assert _offer_events(customer) == ["proposed", "rejected"]


@pytest.mark.parametrize("persona", ["executive", "intern", "viewer"])
def test_only_managers_approve(client, request, persona, executive, customer, subscription):
    offer = _offer(customer, executive)
    client.force_login(request.getfixturevalue(persona))

    responses = [client.post(_url(offer, "approve")), client.post(_url(offer, "reject"))]

    assert [response.status_code for response in responses] == [403, 403]
    offer.refresh_from_db()
    assert (offer.status, offer.approved_by) == ("proposed", None)


def test_an_offer_is_approved_once(client, manager, executive, customer, subscription):
    offer = _offer(customer, executive)
    client.force_login(manager)
    client.post(_url(offer, "approve"), {"version": 1})

    response = client.post(_url(offer, "reject"), {"reason": "late", "version": 2}, follow=True)

    assert "This offer was already decided" in response.text
    offer.refresh_from_db()
    assert (offer.status, offer.reason) == ("approved", "")


@pytest.mark.parametrize("version", [None, "", "0", "abc"])
@pytest.mark.parametrize("step", ["approve", "reject"])
def test_a_step_without_a_valid_version_is_400_and_changes_nothing(
    client, manager, executive, customer, subscription, step, version
):
    offer = _offer(customer, executive)
    client.force_login(manager)
    data = {"reason": "Too deep"} if version is None else {"reason": "Too deep", "version": version}

    response = client.post(_url(offer, step), data)

    assert response.status_code == 400
    assert list(response.context["decision_form"].errors) == ["version"]
    assert "This form is out of date or incomplete" in response.text
    offer.refresh_from_db()
    assert (offer.status, offer.version) == ("proposed", 1)
    assert not AuditEntry.objects.exists()


def test_a_step_from_an_older_version_is_409_shows_the_colleagues_step_and_is_audited(
    client, manager, admin_user, executive, customer, subscription
):
    offer = _offer(customer, executive)
    offers.approve_offer(offer=offer, actor=admin_user, expected_version=1)
    client.force_login(manager)

    response = client.post(_url(offer, "reject"), {"reason": "Too deep", "version": 1})

    assert response.status_code == 409
    offer.refresh_from_db()
    assert (offer.status, offer.approved_by, offer.reason, offer.version) == (
        "approved",
        admin_user,
        "",
        2,
    )
    refused = AuditEntry.objects.get(action="refused")
    assert (refused.actor, refused.object_id) == (manager, offer.pk)
    assert refused.changes["status"] == ["approved", "rejected"]
    conflict = response.context["conflict"]
    assert conflict.last_change.actor == admin_user
    assert "Someone else saved this while you were editing" in response.text
    assert '<td class="before">Approved, offered</td><td class="after">Not approved</td>' in (
        response.text
    )
    assert _offer_events(customer) == ["proposed", "approved"]
    # The page is the offer as it is now: its answer form made from the new version.
    assert '<input type="hidden" name="version" value="2"' in response.text


def test_two_managers_deciding_from_the_same_version_one_wins_one_is_refused(
    client, manager, admin_user, executive, customer, subscription
):
    offer = _offer(customer, executive)
    client.force_login(admin_user)
    first = client.post(_url(offer, "approve"), {"version": 1})
    client.force_login(manager)

    second = client.post(_url(offer, "approve"), {"version": 1})

    assert (first.status_code, second.status_code) == (302, 409)
    assert [(entry.action, entry.actor) for entry in AuditEntry.objects.order_by("id")] == [
        ("update", admin_user),
        ("refused", manager),
    ]


def test_offers_are_404_for_another_team(
    client, other_executive, executive, customer, subscription
):
    offer = _offer(customer, executive)
    client.force_login(other_executive)

    assert client.get(_url(offer)).status_code == 404
    assert client.post(_url(offer, "outcome"), {"outcome": "declined"}).status_code == 404


def test_steps_refuse_get_and_anonymous_visitors(
    client, manager, executive, customer, subscription
):
    offer = _offer(customer, executive)

    assert client.post(_url(offer, "approve")).url.startswith(reverse("accounts:login"))
    client.force_login(manager)
    assert client.get(_url(offer, "approve")).status_code == 405
    offer.refresh_from_db()
    assert offer.status == "proposed"


# The customer's answer


@time_machine.travel(datetime.datetime(2026, 11, 30, 10, 0, tzinfo=JAKARTA), tick=False)
def test_an_accepted_offer_applies_the_discount_for_its_months(
    client, executive, customer, subscription
):
    offer = _offer(customer, executive, discount=15, months=3)
    client.force_login(executive)

    response = client.post(
        _url(offer, "outcome"), {"outcome": "accepted", "reason": "Happy", "version": 1}
    )

    assert response.status_code == 302
    offer.refresh_from_db()
    subscription.refresh_from_db()
    assert (offer.status, offer.reason) == ("accepted", "Happy")
    assert offer.discount_until == datetime.date(2027, 2, 28)
    assert offer.previous_discount_percent == 5
    assert subscription.discount_percent == 15
    entry = AuditEntry.objects.get(object_type="customers.subscription")
    assert (entry.actor, entry.source, entry.changes) == (
        executive,
        "retention offer",
        {"discount_percent": ["5", "15"]},
    )
    assert _offer_events(customer) == ["approved", "accepted"]
    page = client.get(customer.get_absolute_url())
    assert "Discount 15% until 28 February 2027" in page.text
    assert "15% → Rp 850.000" in page.text


def test_the_discount_ends_after_its_months(executive, customer, subscription):
    offer = _offer(customer, executive, discount=15, months=3)
    offers.record_outcome(offer=offer, actor=executive, outcome="accepted", reason="")
    offer.refresh_from_db()

    assert offers.end_finished_discounts(offer.discount_until - datetime.timedelta(days=1)) == 0
    assert offers.end_finished_discounts(offer.discount_until) == 1
    assert offers.end_finished_discounts(offer.discount_until) == 0

    subscription.refresh_from_db()
    assert subscription.discount_percent == 5


@pytest.mark.parametrize("outcome", ["declined", "expired"])
def test_a_declined_or_expired_offer_leaves_the_subscription(
    client, executive, customer, subscription, outcome
):
    offer = _offer(customer, executive, discount=15)
    client.force_login(executive)

    client.post(
        _url(offer, "outcome"), {"outcome": outcome, "reason": "Moving to Shopify", "version": 1}
    )

    offer.refresh_from_db()
    subscription.refresh_from_db()
    assert (offer.status, offer.reason) == (outcome, "Moving to Shopify")
    assert subscription.discount_percent == 5


def test_no_answer_before_approval(client, executive, customer, subscription):
    offer = _offer(customer, executive, discount=30)
    client.force_login(executive)

    client.post(_url(offer, "outcome"), {"outcome": "accepted", "version": 1})

    offer.refresh_from_db()
    subscription.refresh_from_db()
    assert offer.status == "proposed"
    assert subscription.discount_percent == 5


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_interns_and_viewers_cannot_record_answers(
    client, request, persona, executive, customer, subscription
):
    offer = _offer(customer, executive, discount=10)
    client.force_login(request.getfixturevalue(persona))

    page = client.get(_url(offer))
    response = client.post(_url(offer, "outcome"), {"outcome": "accepted"})

    assert page.status_code == 200
    assert page.context["can_record"] is False
    assert response.status_code == 403
    offer.refresh_from_db()
    assert offer.status == "approved"


def test_an_unknown_outcome_is_400(client, executive, customer, subscription):
    offer = _offer(customer, executive, discount=10)
    client.force_login(executive)

    response = client.post(_url(offer, "outcome"), {"outcome": "maybe", "version": 1})

    assert response.status_code == 400
    offer.refresh_from_db()
    assert offer.status == "approved"


# The report

REPORT = reverse("engagement:offer-report")


def test_the_report_counts_offers_acceptance_and_revenue_kept(
    client, manager, executive, customer, subscription, team_a, django_assert_max_num_queries
):
    accepted = _offer(customer, executive, discount=10, months=6)
    offers.record_outcome(offer=accepted, actor=executive, outcome="accepted", reason="")
    declined = _offer(customer, executive, discount=10, months=6)
    offers.record_outcome(offer=declined, actor=executive, outcome="declined", reason="")
    expired = _offer(customer, executive, discount=5, months=1)
    offers.record_outcome(offer=expired, actor=executive, outcome="expired", reason="")
    other = make_customer(team=team_a)
    make_subscription(other, monthly_price=333_333)
    third = _offer(other, executive, discount=15, months=3)
    offers.record_outcome(offer=third, actor=executive, outcome="accepted", reason="")
    _offer(customer, executive, discount=40)  # awaiting approval
    client.force_login(manager)

    with django_assert_max_num_queries(8):
        response = client.get(REPORT)

    summary = response.context["summary"]
    assert (summary["total"], summary["proposed"], summary["approved"]) == (5, 1, 0)
    assert (summary["accepted"], summary["declined"], summary["expired"]) == (2, 1, 1)
    assert summary["acceptance_rate"] == 50.0
    # 1.000.000 * 90% * 6 + 333.333 * 85% * 3 = 5.400.000 + 849.999,15
    assert summary["revenue_kept"] == 6_249_999
    assert summary["discount_cost"] == 600_000 + 150_000
    assert '<dd id="revenue-kept">Rp 6.249.999</dd>' in response.text
    assert '<dd id="acceptance-rate">50.0%</dd>' in response.text
    filtered = client.get(REPORT, {"status": "accepted"})
    assert len(filtered.context["page"].object_list) == 2


def test_the_report_shows_only_visible_customers(
    client, other_executive, executive, customer, subscription
):
    _offer(customer, executive)
    client.force_login(other_executive)

    response = client.get(REPORT)

    assert response.context["summary"]["total"] == 0
    assert "Batik Lestari" not in response.text


def test_the_report_redirects_anonymous_visitors_and_refuses_post(client, manager):
    assert client.get(REPORT).url.startswith(reverse("accounts:login"))
    client.force_login(manager)
    assert client.post(REPORT).status_code == 405


def test_the_360_page_lists_offers_within_its_query_budget(
    client, executive, customer, subscription, django_assert_max_num_queries
):
    for _number in range(8):
        _offer(customer, executive)
    client.force_login(executive)

    with django_assert_max_num_queries(17):
        response = client.get(customer.get_absolute_url())

    card = response.text.split('id="retention-offers"')[1].split("</section>")[0]
    assert card.count("30% for 6 months") == 5
    assert _propose_url(customer) in response.text
