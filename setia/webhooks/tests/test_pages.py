"""The webhooks pages: administrators only, the secret shown once, odd input refused with the
form's message, the log paginated, a fixed number of queries, both languages."""

import pytest
from django.utils import timezone

from setia.accounts.models import Role
from setia.jobs.actions import run_pending
from setia.test import make_user
from setia.webhooks import actions
from setia.webhooks.models import Attempt, Delivery, Webhook

LIST = "/webhooks/"


@pytest.fixture
def admin(db):
    """An administrator by role (not a superuser): the role's permissions open the pages."""
    return make_user(Role.ADMIN, language="en")


@pytest.fixture
def webhook(admin):
    return actions.create_webhook(
        actor=admin, name="BI", url="http://127.0.0.1:9/hook", events=["customer.created"]
    )


def _urls(webhook):
    base = f"{LIST}{webhook.pk}/"
    return {
        "list": (LIST, "GET"),
        "edit": (base, "GET"),
        "log": (f"{base}log/", "GET"),
        "secret": (f"{base}secret/", "POST"),
        "test": (f"{base}test/", "POST"),
        "delete": (f"{base}delete/", "POST"),
    }


def test_anonymous_visitors_are_sent_to_sign_in(client, webhook):
    for url, method in _urls(webhook).values():
        answer = client.get(url) if method == "GET" else client.post(url)
        assert answer.status_code == 302 and "/login" in answer["Location"], url


@pytest.mark.parametrize("role", [Role.MANAGER, Role.EXECUTIVE, Role.INTERN, Role.VIEWER])
def test_other_roles_are_refused(client, webhook, role):
    client.force_login(make_user(role))
    for url, method in _urls(webhook).values():
        answer = client.get(url) if method == "GET" else client.post(url)
        assert answer.status_code == 403, url
    assert Webhook.objects.get().secret == webhook.secret


def test_wrong_methods(client, admin, webhook):
    client.force_login(admin)
    for url, method in _urls(webhook).values():
        wrong = client.get(url) if method == "POST" else client.put(url)
        assert wrong.status_code == 405, url
    assert client.post(_urls(webhook)["log"][0]).status_code == 405
    assert client.get(f"{LIST}999999/").status_code == 404


def test_a_new_webhook_shows_its_secret_once(client, admin, settings):
    settings.JOBS_EAGER = False
    client.force_login(admin)
    answer = client.post(
        LIST,
        {
            "name": "Help desk",
            "url": "http://127.0.0.1:8080/setia",
            "events": ["task.created", "health.changed"],
        },
    )
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    webhook = Webhook.objects.get()
    assert webhook.secret.encode() in answer.content
    assert (webhook.events, webhook.is_active) == (["task.created", "health.changed"], True)
    again = client.get(LIST)
    assert b"Help desk" in again.content and webhook.secret.encode() not in again.content
    edit = client.get(f"{LIST}{webhook.pk}/")
    assert webhook.secret.encode() not in edit.content
    assert webhook.secret_hint.encode() in edit.content
    renewed = client.post(f"{LIST}{webhook.pk}/secret/")
    webhook.refresh_from_db()
    assert renewed["Cache-Control"] == "no-store"
    assert webhook.secret.encode() in renewed.content


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"url": "ftp://files.example.test/x"}, "url"),
        ({"url": "not an address"}, "url"),
        ({"url": "https://user:pw@example.test/"}, "url"),
        ({"url": "https://exa\x00mple.test/"}, "url"),
        ({"name": "B\x00I"}, "name"),
        ({"name": "   "}, "name"),
        ({"events": ["customer.exploded"]}, "events"),
        ({"events": []}, "events"),
        ({"url": "https://example.test/" + "x" * 600}, "url"),
    ],
)
def test_odd_input_is_a_form_error(client, admin, fields, field):
    client.force_login(admin)
    data = {"name": "BI", "url": "https://bi.example.test/", "events": ["customer.created"]}
    answer = client.post(LIST, data | fields)
    assert answer.status_code == 400
    assert answer.context["form"].errors[field]
    assert not Webhook.objects.exists()


def test_private_addresses_refused_when_the_setting_says_so(client, admin, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    client.force_login(admin)
    for url in ("http://127.0.0.1:8000/", "http://10.1.2.3/", "http://[::1]/", "http://localhost/"):
        data = {"name": "BI", "url": url, "events": ["customer.created"]}
        answer = client.post(LIST, data)
        assert answer.status_code == 400, url
        assert "private network" in str(answer.context["form"].errors["url"])


def test_edit_switches_off_and_on(client, admin, webhook):
    client.force_login(admin)
    url = f"{LIST}{webhook.pk}/"
    data = {"name": "BI 2", "url": webhook.url, "events": ["tier.changed"]}
    assert client.post(url, data).status_code == 302
    webhook.refresh_from_db()
    assert (webhook.name, webhook.events, webhook.is_active) == ("BI 2", ["tier.changed"], False)
    Webhook.objects.filter(pk=webhook.pk).update(disabled_at=timezone.now(), failures=10)
    page = client.get(LIST)
    assert b"switched off after failing" in page.content
    assert client.post(url, data | {"is_active": "on"}).status_code == 302
    webhook.refresh_from_db()
    assert webhook.is_active and webhook.failures == 0 and webhook.disabled_at is None
    assert b"switched off after failing" not in client.get(LIST).content
    assert client.post(url, data | {"url": "gopher://x"}).status_code == 400


def test_the_test_button_and_the_log(client, admin, webhook, settings):
    settings.JOBS_EAGER = False
    client.force_login(admin)
    answer = client.post(f"{LIST}{webhook.pk}/test/")
    assert answer.status_code == 302 and answer["Location"] == f"{LIST}{webhook.pk}/log/"
    assert Delivery.objects.get().event == "webhook.test"
    assert run_pending() == 1  # nobody listens on port 9: an error, logged
    log = client.get(f"{LIST}{webhook.pk}/log/")
    assert log.status_code == 200
    assert b"webhook.test" in log.content and b"Connection refused" in log.content


def test_remove(client, admin, webhook):
    client.force_login(admin)
    assert client.post(f"{LIST}{webhook.pk}/delete/").status_code == 302
    assert not Webhook.objects.exists()


def _attempts(webhook, count):
    moment = timezone.now()
    first = Delivery.objects.count()
    for number in range(first, first + count):
        delivery = Delivery.objects.create(
            webhook=webhook,
            event="customer.created",
            key=f"k{number}",
            occurred_at=moment,
            created_at=moment,
        )
        Attempt.objects.create(
            delivery=delivery, webhook=webhook, number=1, status_code=200, at=moment
        )


def test_queries_do_not_grow_with_the_rows(client, admin, webhook, django_assert_num_queries):
    client.force_login(admin)
    _attempts(webhook, 2)
    client.get(LIST)
    with django_assert_num_queries(5) as few:
        assert client.get(LIST).status_code == 200
    with django_assert_num_queries(6):
        assert client.get(f"{LIST}{webhook.pk}/log/").status_code == 200
    for number in range(30):
        actions.create_webhook(actor=admin, name=f"W{number}", url=webhook.url, events=["x.y"])
    _attempts(webhook, 80)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(LIST).status_code == 200
    with django_assert_num_queries(6):
        page = client.get(f"{LIST}{webhook.pk}/log/")
    assert page.context["page"].paginator.num_pages == 2


@pytest.mark.parametrize(
    ("language", "title", "label"),
    [("id", "Webhook", "Pelanggan dibuat"), ("en", "Webhooks", "Customer created")],
)
def test_the_page_in_both_languages(client, admin, language, title, label):
    admin.language = language
    admin.save()
    client.force_login(admin)
    content = client.get(LIST).content.decode()
    assert f"<h1>{title}</h1>" in content and label in content
