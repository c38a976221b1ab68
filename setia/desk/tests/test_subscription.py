import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from setia.customers.models import Customer, Subscription
from setia.history.models import AuditEntry
from setia.test import make_subscription


def _url(customer) -> str:
    return reverse("customers:subscription-edit", args=[customer.code])


def _data(**overrides) -> dict:
    data = {
        "version": 1,
        "plan": "business",
        "started_on": "2026-01-15",
        "renews_on": "15/01/2027",
        "monthly_price": "1.500.000",
        "discount_percent": "10",
    }
    data.update(overrides)
    return data


@pytest.fixture
def subscription(customer):
    return make_subscription(
        customer,
        plan="growth",
        started_on=datetime.date(2026, 1, 15),
        renews_on=datetime.date(2027, 1, 15),
        monthly_price=349_000,
        discount_percent=0,
    )


def _subscription_unchanged(subscription) -> None:
    fresh = Subscription.objects.get(pk=subscription.pk)
    assert (fresh.plan_id, fresh.monthly_price, fresh.renews_on) == (
        "growth",
        349_000,
        datetime.date(2027, 1, 15),
    )
    assert AuditEntry.objects.count() == 0


def test_it_shows_an_empty_form_when_there_is_no_subscription(client, executive, customer):
    client.force_login(executive)

    response = client.get(_url(customer))

    assert response.status_code == 200
    assert response.context["form"].instance.pk is None


def test_it_shows_the_current_subscription(client, executive, customer, subscription):
    client.force_login(executive)

    response = client.get(_url(customer))

    assert response.status_code == 200
    assert response.context["form"].instance == subscription
    assert response.context["form"]["monthly_price"].value() == 349_000


def test_it_creates_a_subscription_from_rupiah_as_people_write_it(client, executive, customer):
    client.force_login(executive)

    response = client.post(_url(customer), _data())

    assert response.status_code == 302
    assert response.url == customer.get_absolute_url()
    subscription = Subscription.objects.get()
    assert subscription.customer == customer
    assert subscription.plan_id == "business"
    assert subscription.started_on == datetime.date(2026, 1, 15)
    assert subscription.renews_on == datetime.date(2027, 1, 15)
    assert subscription.monthly_price == 1_500_000
    assert subscription.discount_percent == 10
    assert subscription.net_monthly_price == 1_350_000
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.customer, entry.object_type, entry.object_id) == (
        AuditEntry.Action.CREATE,
        executive,
        customer,
        "customers.subscription",
        subscription.pk,
    )
    assert entry.changes == {
        "discount_percent": [None, "10"],
        "monthly_price": [None, "1500000"],
        "plan": [None, "business"],
        "renews_on": [None, "2027-01-15"],
        "started_on": [None, "2026-01-15"],
    }


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1.500.000", 1_500_000),
        ("Rp 1.500.000", 1_500_000),
        ("Rp1.500.000,00", 1_500_000),
        ("1500000", 1_500_000),
        ("1,500,000", 1_500_000),
        ("35.663", 35_663),
        ("0", 0),
    ],
)
def test_it_reads_rupiah_in_every_usual_format(client, executive, customer, typed, amount):
    client.force_login(executive)

    response = client.post(_url(customer), _data(monthly_price=typed))

    assert response.status_code == 302
    assert Subscription.objects.get().monthly_price == amount


def test_it_changes_the_subscription_and_records_the_change(
    client, executive, customer, subscription
):
    client.force_login(executive)

    response = client.post(
        _url(customer),
        _data(plan="growth", started_on="15 Januari 2026", monthly_price="Rp 399.000"),
    )

    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.monthly_price, subscription.discount_percent) == (399_000, 10)
    assert Subscription.objects.count() == 1
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id) == (AuditEntry.Action.UPDATE, subscription.pk)
    assert entry.changes == {
        "discount_percent": ["0", "10"],
        "monthly_price": ["349000", "399000"],
    }


def test_it_records_nothing_when_nothing_changed(client, executive, customer, subscription):
    client.force_login(executive)

    response = client.post(
        _url(customer), _data(plan="growth", monthly_price="349.000", discount_percent="0")
    )

    assert response.status_code == 302
    assert AuditEntry.objects.count() == 0


def test_it_refuses_a_renewal_before_the_start(client, executive, customer, subscription):
    client.force_login(executive)

    response = client.post(_url(customer), _data(started_on="2026-03-01", renews_on="28/02/2026"))

    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["renews_on"]
    assert form.has_error("renews_on")
    assert '<p class="error" id="id_renews_on_error">' in response.text
    _subscription_unchanged(subscription)


def test_it_accepts_a_renewal_on_the_start_day(client, executive, customer):
    client.force_login(executive)

    response = client.post(_url(customer), _data(started_on="2026-03-01", renews_on="01/03/2026"))

    assert response.status_code == 302
    assert Subscription.objects.get().renews_on == datetime.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"monthly_price": "satu juta"}, "monthly_price"),
        ({"monthly_price": "1.50.000"}, "monthly_price"),
        ({"monthly_price": "-1.500.000"}, "monthly_price"),
        ({"monthly_price": ""}, "monthly_price"),
        ({"discount_percent": "101"}, "discount_percent"),
        ({"discount_percent": "-5"}, "discount_percent"),
        ({"plan": "platinum"}, "plan"),
        ({"started_on": "13/13/2026"}, "started_on"),
        ({"renews_on": ""}, "renews_on"),
    ],
)
def test_it_refuses_invalid_data(client, executive, customer, subscription, overrides, field):
    client.force_login(executive)

    response = client.post(_url(customer), _data(**overrides))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    _subscription_unchanged(subscription)


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_it_forbids_interns_and_viewers(client, request, persona, customer, subscription):
    client.force_login(request.getfixturevalue(persona))

    form = client.get(_url(customer))
    post = client.post(_url(customer), _data())

    assert form.status_code == 403
    assert post.status_code == 403
    _subscription_unchanged(subscription)


def test_it_is_404_for_another_teams_executive(client, other_executive, customer, subscription):
    client.force_login(other_executive)

    form = client.get(_url(customer))
    post = client.post(_url(customer), _data())

    assert form.status_code == 404
    assert post.status_code == 404
    _subscription_unchanged(subscription)


def test_it_is_404_for_a_soft_deleted_customer(client, executive, customer, subscription):
    Customer.objects.filter(pk=customer.pk).update(deleted_at=timezone.now())
    client.force_login(executive)

    response = client.post(_url(customer), _data())

    assert response.status_code == 404
    _subscription_unchanged(subscription)


def test_it_redirects_anonymous_visitors_to_log_in(client, customer, subscription):
    response = client.post(_url(customer), _data())

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={_url(customer)}"
    _subscription_unchanged(subscription)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_it_refuses_other_methods(client, executive, customer, subscription, method):
    client.force_login(executive)

    response = getattr(client, method)(_url(customer))

    assert response.status_code == 405
    _subscription_unchanged(subscription)
