import pytest
from django.core import mail
from django.urls import reverse

from setia.engagement.models import Message
from setia.engagement.tests.factories import make_template
from setia.history.models import TimelineEvent
from setia.test import make_contact


def _url(customer) -> str:
    return reverse("engagement:email-send", args=[customer.code])


@pytest.fixture
def sari(customer):
    return make_contact(customer, name="Sari Wijaya", email="sari@batik.test")


@pytest.fixture
def renewal(db):
    return make_template(
        name="Perpanjangan",
        channel="email",
        subject="Perpanjangan {customer}",
        body="Halo {contact}, {promo}",
    )


def test_it_queues_the_email_and_a_task_sends_it(
    client, executive, customer, sari, renewal, django_capture_on_commit_callbacks
):
    client.force_login(executive)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(customer),
            {"template": renewal.code, "contact": sari.pk, "promo": "diskon 20% 🎉"},
        )

    assert response.status_code == 302
    assert response.url == customer.get_absolute_url()
    message = Message.objects.get()
    assert (message.subject, message.body) == (
        "Perpanjangan Batik Lestari",
        "Halo Sari Wijaya, diskon 20% 🎉",
    )
    assert (message.status, message.via, message.recipient) == ("sent", "smtp", "sari@batik.test")
    [sent] = mail.outbox
    assert (sent.subject, sent.body, sent.to) == (
        "Perpanjangan Batik Lestari",
        "Halo Sari Wijaya, diskon 20% 🎉",
        ["sari@batik.test"],
    )
    event = TimelineEvent.objects.get()
    assert (event.kind, event.summary, event.data["status"]) == (
        "email",
        "Perpanjangan Batik Lestari",
        "sent",
    )


def test_interns_may_send_one_email(
    client, intern, customer, sari, renewal, django_capture_on_commit_callbacks
):
    client.force_login(intern)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(customer), {"template": renewal.code, "contact": sari.pk, "promo": "x"}
        )

    assert response.status_code == 302
    assert Message.objects.get().sent_by == intern


def test_a_missing_variable_queues_nothing(client, executive, customer, sari, renewal):
    client.force_login(executive)

    response = client.post(_url(customer), {"template": renewal.code, "contact": sari.pk})

    assert response.status_code == 400
    assert "No value for {promo} for this customer." in response.text
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_a_contact_without_email_queues_nothing(client, executive, customer, renewal):
    desk = make_contact(customer, name="Desk", email="")
    client.force_login(executive)

    response = client.post(
        _url(customer), {"template": renewal.code, "contact": desk.pk, "promo": "x"}
    )

    assert response.status_code == 400
    assert "Desk has no email address." in response.text
    assert not Message.objects.exists()


def test_it_needs_an_email_template(client, executive, customer, sari):
    whatsapp = make_template()
    client.force_login(executive)

    missing = client.post(_url(customer), {"contact": sari.pk})
    wrong = client.post(_url(customer), {"contact": sari.pk, "template": whatsapp.code})

    assert (missing.status_code, wrong.status_code) == (400, 400)
    assert not Message.objects.exists()


def test_a_viewer_cannot_send(client, viewer, customer, sari, renewal):
    client.force_login(viewer)

    response = client.post(
        _url(customer), {"template": renewal.code, "contact": sari.pk, "promo": "x"}
    )

    assert response.status_code == 403
    assert not Message.objects.exists()


def test_it_is_404_for_another_teams_executive(client, other_executive, customer, sari, renewal):
    client.force_login(other_executive)

    response = client.post(
        _url(customer), {"template": renewal.code, "contact": sari.pk, "promo": "x"}
    )

    assert response.status_code == 404
    assert not Message.objects.exists()


def test_it_redirects_anonymous_visitors(client, customer, sari, renewal):
    response = client.post(_url(customer), {"template": renewal.code, "contact": sari.pk})

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not Message.objects.exists()


def test_it_refuses_get(client, executive, customer):
    client.force_login(executive)

    assert client.get(_url(customer)).status_code == 405
    assert not Message.objects.exists()


def test_the_preview_offers_to_send_an_email_template(client, executive, customer, sari, renewal):
    client.force_login(executive)

    response = client.get(
        reverse("engagement:message-compose", args=[customer.code]),
        {"template": renewal.code, "contact": sari.pk, "promo": "x"},
    )

    assert f'action="{_url(customer)}"' in response.text
    assert "To sari@batik.test" in response.text
