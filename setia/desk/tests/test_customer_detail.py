import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from setia.customers import actions
from setia.customers.models import Customer
from setia.engagement.timeline import PAGE_SIZE
from setia.health.models import CustomerHealth, HealthSnapshot
from setia.test import make_contact, make_customer, make_customers, make_store, make_subscription
from setia.work.tests.factories import make_task


def _url(customer) -> str:
    return reverse("customers:customer-detail", args=[customer.code])


def _edit_url(customer) -> str:
    return reverse("customers:customer-edit", args=[customer.code])


def test_it_shows_the_profile(client, executive, customer):
    Customer.objects.filter(pk=customer.pk).update(
        city="Yogyakarta", province="DI Yogyakarta", notes="Prefers WhatsApp in the afternoon."
    )
    client.force_login(executive)

    response = client.get(_url(customer))

    assert response.status_code == 200
    assert response.context["customer"] == customer
    assert "<h1>Batik Lestari " in response.text
    assert "Yogyakarta, DI Yogyakarta" in response.text
    assert executive.full_name in response.text
    assert "Team A" in response.text
    assert "Prefers WhatsApp in the afternoon." in response.text


def test_it_shows_contacts_with_readable_phones_and_whatsapp_links(client, executive, customer):
    make_contact(
        customer,
        name="Sari Wijaya",
        phone="+6281234567890",
        whatsapp="+6285712345678",
        email="sari@batik.test",
        is_primary=True,
    )
    make_contact(customer, name="Landline Desk", phone="+62215551234", whatsapp="")
    client.force_login(executive)

    response = client.get(_url(customer))

    assert [contact.name for contact in response.context["contacts"]] == [
        "Sari Wijaya",
        "Landline Desk",
    ]
    assert '<a href="tel:+6281234567890">0812-3456-7890</a>' in response.text
    assert 'href="https://wa.me/6285712345678"' in response.text
    assert "WhatsApp 0857-1234-5678" in response.text
    assert 'href="mailto:sari@batik.test"' in response.text
    assert "(021) 5551234" in response.text


def test_it_shows_stores(client, executive, customer):
    make_store(customer, domain="batiklestari.co.id", url="https://batiklestari.co.id")
    make_store(customer, domain="shopee.co.id/batiklestari", kind="marketplace")
    client.force_login(executive)

    response = client.get(_url(customer))

    assert [store.domain for store in response.context["stores"]] == [
        "batiklestari.co.id",
        "shopee.co.id/batiklestari",
    ]
    assert '<a href="https://batiklestari.co.id" target="_blank" rel="noopener">' in response.text


def test_it_shows_the_subscription_in_rupiah(client, executive, customer):
    make_subscription(
        customer,
        plan="business",
        monthly_price=1_234_567,
        discount_percent=10,
        started_on=datetime.date(2026, 1, 15),
        renews_on=datetime.date(2027, 1, 15),
    )
    client.force_login(executive)

    response = client.get(_url(customer))

    assert response.context["subscription"].plan_id == "business"
    assert "<dd>Rp 1.234.567</dd>" in response.text
    assert "10% → Rp 1.111.110" in response.text  # net price, rounded half up


def test_it_shows_no_subscription_when_there_is_none(client, executive, customer):
    client.force_login(executive)

    response = client.get(_url(customer))

    assert response.context["subscription"] is None
    assert "Rp " not in response.text


def test_it_shows_the_change_history_before_and_after(client, executive, manager, customer):
    actions.update_customer(
        customer=customer,
        actor=manager,
        data={"name": "Batik Lestari Jaya", "city": "Solo"},
        expected_version=1,
    )
    client.force_login(executive)

    response = client.get(_url(customer))

    # One history: the change is on the timeline, shown once.
    events = response.context["timeline"].events
    assert [(event.kind, event.data["action"]) for event in events] == [("change", "update")]
    assert (
        response.text.count(
            '<td class="before">Batik Lestari</td><td aria-hidden="true">→</td>'
            '<td class="after">Batik Lestari Jaya</td>'
        )
        == 1
    )
    assert (
        response.text.count(
            '<td class="before">Bandung</td><td aria-hidden="true">→</td><td class="after">Solo</td>'
        )
        == 1
    )
    assert 'id="history"' not in response.text
    assert manager.full_name in response.text


def test_it_shows_money_and_phones_readably_in_the_history(client, executive, customer):
    subscription = make_subscription(customer, monthly_price=349_000)
    actions.save_subscription(
        customer=customer,
        actor=executive,
        data={"monthly_price": 1_500_000, "plan": subscription.plan},
    )
    contact = make_contact(customer, phone="+6281234567890")
    actions.update_contact(contact=contact, actor=executive, data={"phone": "+6285712345678"})
    client.force_login(executive)

    response = client.get(_url(customer))

    assert (
        '<td class="before">Rp 349.000</td><td aria-hidden="true">→</td>'
        '<td class="after">Rp 1.500.000</td>'
    ) in response.text
    assert (
        '<td class="before">0812-3456-7890</td><td aria-hidden="true">→</td>'
        '<td class="after">0857-1234-5678</td>'
    ) in response.text


def test_it_shows_the_latest_changes_first_a_page_at_a_time(client, executive, customer):
    for number in range(55):
        actions.update_customer(
            customer=customer,
            actor=executive,
            data={"notes": f"note {number}"},
            expected_version=number + 1,
        )
    client.force_login(executive)

    response = client.get(_url(customer))

    timeline = response.context["timeline"]
    assert len(timeline.events) == PAGE_SIZE
    assert timeline.has_next
    assert timeline.events[0].data["changes"] == {"notes": ["note 53", "note 54"]}


@pytest.mark.parametrize("persona", ["manager", "executive", "admin_user"])
def test_it_offers_edit_links_to_those_who_may_change(client, request, persona, customer):
    make_contact(customer)
    client.force_login(request.getfixturevalue(persona))

    response = client.get(_url(customer))

    assert response.status_code == 200
    assert response.context["can_change"] is True
    assert f'href="{_edit_url(customer)}"' in response.text
    assert reverse("customers:contact-add", args=[customer.code]) in response.text
    assert reverse("customers:store-add", args=[customer.code]) in response.text
    assert reverse("customers:customer-delete", args=[customer.code]) in response.text


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_it_lets_interns_and_viewers_read_without_edit_links(client, request, persona, customer):
    contact = make_contact(customer)
    store = make_store(customer)
    make_subscription(customer)
    client.force_login(request.getfixturevalue(persona))

    response = client.get(_url(customer))

    assert response.status_code == 200
    assert response.context["can_change"] is False
    assert contact.name in response.text
    assert store.domain in response.text
    for name, args in [
        ("customer-edit", [customer.code]),
        ("customer-delete", [customer.code]),
        ("contact-add", [customer.code]),
        ("contact-edit", [customer.code, contact.pk]),
        ("contact-delete", [customer.code, contact.pk]),
        ("store-add", [customer.code]),
        ("store-edit", [customer.code, store.code]),
        ("subscription-edit", [customer.code]),
    ]:
        assert reverse(f"customers:{name}", args=args) not in response.text, name


def test_it_is_404_for_another_teams_executive(client, other_executive, customer):
    client.force_login(other_executive)

    response = client.get(_url(customer))

    assert response.status_code == 404
    assert customer.name not in response.text


def test_it_lets_an_executive_read_a_customer_they_own_in_another_team(
    client, other_executive, team_a
):
    owned = make_customer(team=team_a, owner=other_executive)
    client.force_login(other_executive)

    response = client.get(_url(owned))

    assert response.status_code == 200


def test_it_is_404_for_a_soft_deleted_customer(client, manager, customer):
    Customer.objects.filter(pk=customer.pk).update(deleted_at=timezone.now())
    client.force_login(manager)

    response = client.get(_url(customer))

    assert response.status_code == 404


def test_it_is_404_for_an_unknown_code(client, manager):
    client.force_login(manager)

    response = client.get(
        reverse("customers:customer-detail", args=["00000000-0000-0000-0000-000000000000"])
    )

    assert response.status_code == 404


def test_it_redirects_anonymous_visitors_to_log_in(client, customer):
    response = client.get(_url(customer))

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={_url(customer)}"


def test_it_refuses_post(client, executive, customer):
    client.force_login(executive)

    response = client.post(_url(customer), {"name": "Changed"})

    assert response.status_code == 405
    customer.refresh_from_db()
    assert customer.name == "Batik Lestari"


def _fill(customer, executive, size):
    for _number in range(size):
        make_contact(customer)
        make_store(customer)
        actions.update_customer(
            customer=customer,
            actor=executive,
            data={"notes": f"note {customer.version}"},
            expected_version=customer.version,
        )


def test_it_renders_in_a_constant_number_of_queries(
    client, executive, customer, django_assert_max_num_queries
):
    make_subscription(customer)
    client.force_login(executive)
    _fill(customer, executive, 1)

    with django_assert_max_num_queries(DETAIL_QUERIES), CaptureQueriesContext(connection) as few:
        small = client.get(_url(customer))
    _fill(customer, executive, 30)
    with django_assert_max_num_queries(DETAIL_QUERIES), CaptureQueriesContext(connection) as many:
        large = client.get(_url(customer))

    assert len(small.context["contacts"]) == 1
    assert len(large.context["contacts"]) == 31
    assert len(large.context["stores"]) == 31
    assert len(large.context["timeline"].events) == PAGE_SIZE
    assert len(many.captured_queries) == len(few.captured_queries)


# Session, user, permissions, the customer (with its subscription, tier, rollup, health and
# churn risk), contacts, stores, the cards' queries: the account brief's five (the health
# settings and the open tasks among them, read once for the page: the health card and the
# tasks card show them too), the health card's trend when scored.
DETAIL_QUERIES = 16
SCORED_DETAIL_QUERIES = 17


def test_it_reads_the_same_queries_at_ten_and_at_a_thousand_customers(
    client, executive, team_a, django_assert_num_queries
):
    customers = make_customers(10, team=team_a, owner=executive)
    client.force_login(executive)
    client.get(_url(customers[0]))  # the first request of a session reads what later ones reuse

    with django_assert_num_queries(DETAIL_QUERIES):
        small = client.get(_url(customers[0]))
    make_customers(990, team=team_a, owner=executive)
    with django_assert_num_queries(DETAIL_QUERIES):
        large = client.get(_url(customers[0]))

    assert small.status_code == large.status_code == 200
    assert len(large.context["contacts"]) == 2


def test_a_scored_customer_with_open_tasks_reads_the_settings_and_tasks_once(
    client, executive, customer, django_assert_num_queries
):
    today = timezone.localdate()
    CustomerHealth.objects.create(
        customer=customer,
        score=40,
        grade="p",
        grades="pg",
        gmv_trend=-40,
        uptime=99.9,
        computed_on=today,
    )
    for days in (2, 1):
        HealthSnapshot.objects.create(
            customer=customer, day=today - datetime.timedelta(days=days), score=50, grade="a"
        )
    soon = timezone.now() + datetime.timedelta(days=1)
    for number in range(6):
        make_task(
            owner=executive,
            customer=customer,
            title=f"Task {number}",
            due_at=soon + datetime.timedelta(hours=number),
        )
    client.force_login(executive)
    client.get(_url(customer))  # the first request of a session reads what later ones reuse

    with django_assert_num_queries(SCORED_DETAIL_QUERIES):
        response = client.get(_url(customer))

    cards = {
        card.template: card.context for slot in response.context["cards"].values() for card in slot
    }
    assert [task.title for task in cards["work/_customer_tasks.html"]["tasks"]] == [
        "Task 0",
        "Task 1",
        "Task 2",
        "Task 3",
        "Task 4",
    ]
    brief = cards["customers/_brief.html"]["brief"]
    task_sentences = [s for s in brief.sentences if "/tasks/" in s.url]
    assert len(task_sentences) == 3
    assert task_sentences[-1].text.endswith("Tugas terbuka lainnya ada di kartu Tugas terbuka.")
    assert [grade for grade, _text in cards["health/_card.html"]["health_reasons"]] == ["p", "g"]
    assert len(cards["health/_card.html"]["health_points"]) == 2


def test_it_shows_no_unfinished_placeholder_cards(client, executive, customer):
    executive.language = "en"
    executive.save(update_fields=["language"])
    client.force_login(executive)

    response = client.get(_url(customer))

    assert 'class="card placeholder"' not in response.text
    assert "will appear here" not in response.text
    assert "appear here once they are computed" not in response.text
    # One "Open tasks" card: the real one, with its link to add a task.
    assert response.text.count('id="tasks"') == 1
    assert response.text.count("<h2>Open tasks</h2>") == 1
    assert "New task" in response.text
