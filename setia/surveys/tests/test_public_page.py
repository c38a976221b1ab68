"""The public survey page: a link answers once, before it expires, for its own invitation."""

import datetime

import pytest
import time_machine
from django.core import signing
from django.test import Client, override_settings
from django.urls import reverse

from setia.history.models import TimelineEvent
from setia.surveys import links
from setia.surveys.models import SurveyInvitation, SurveyResponse
from setia.surveys.tests.factories import make_invitation
from setia.test import make_contact, make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(customer):
    return make_invitation(make_contact(customer, name="Budi Santoso"))


def _url(invitation) -> str:
    return reverse("survey-public:answer", args=[links.token_for(invitation)])


def _nothing_written():
    assert SurveyResponse.objects.count() == 0
    assert not TimelineEvent.objects.filter(kind="survey").exists()


def test_an_answer_is_saved_once_and_goes_on_the_timeline(client, invitation):
    page = client.get(_url(invitation))
    assert page.status_code == 200
    assert "How likely are you to recommend us" in page.text
    assert 'href="http' not in page.text and "src=" not in page.text  # nothing from elsewhere

    done = client.post(_url(invitation), {"score": "9", "comment": "Cepat dan ramah"})

    assert done.status_code == 200
    assert "Thank you" in done.text
    response = SurveyResponse.objects.get()
    assert (response.kind, response.score, response.percent) == ("nps", 9, 90)
    assert response.comment == "Cepat dan ramah"
    invitation.refresh_from_db()
    assert invitation.answered_at == response.responded_at
    event = TimelineEvent.objects.get(kind="survey")
    assert event.customer_id == invitation.customer_id
    assert event.data["score"] == 9

    # used twice: refused, the first answer kept
    again = client.post(_url(invitation), {"score": "0", "comment": "again"})
    assert again.status_code == 410
    assert "already been answered" in again.text
    assert client.get(_url(invitation)).status_code == 410
    assert SurveyResponse.objects.get().score == 9
    assert TimelineEvent.objects.filter(kind="survey").count() == 1


def test_an_expired_link_is_refused_and_writes_nothing(client, invitation):
    with time_machine.travel(invitation.expires_at + datetime.timedelta(seconds=1)):
        page = client.get(_url(invitation))
        posted = client.post(_url(invitation), {"score": "9"})
    assert (page.status_code, posted.status_code) == (410, 410)
    assert "expired" in posted.text
    _nothing_written()
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_a_tampered_link_is_refused(client, invitation):
    token = links.token_for(invitation)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "x", token + "x", "a" * 300):
        response = client.post(reverse("survey-public:answer", args=[bad]), {"score": "9"})
        assert response.status_code == 404
        assert "Tautan survei ini tidak sah" in response.text  # no invitation: Indonesian
    _nothing_written()


def test_a_link_naming_another_customer_or_contact_is_refused(client, invitation, team_b):
    other = make_customer(team=team_b)
    other_contact = make_contact(other)
    own_contact_elsewhere = make_contact(invitation.customer)
    forged = [
        {"i": invitation.pk, "c": other.pk, "k": invitation.contact_id, "n": invitation.code},
        {
            "i": invitation.pk,
            "c": invitation.customer_id,
            "k": other_contact.pk,
            "n": invitation.code,
        },
        {
            "i": invitation.pk,
            "c": invitation.customer_id,
            "k": own_contact_elsewhere.pk,
            "n": invitation.code,
        },
        {
            "i": invitation.pk,
            "c": invitation.customer_id,
            "k": invitation.contact_id,
            "n": "0" * 32,
        },
    ]
    for value in forged:
        token = signing.dumps(value, salt="setia.surveys.link", compress=True)
        response = client.post(reverse("survey-public:answer", args=[token]), {"score": "3"})
        assert response.status_code == 404
    # and the invitation moved to another customer's contact no longer opens with its link
    url = _url(invitation)
    SurveyInvitation.objects.filter(pk=invitation.pk).update(customer=other, contact=other_contact)
    assert client.post(url, {"score": "3"}).status_code == 404
    _nothing_written()


def test_the_page_is_in_the_invitation_language_with_a_switch(client, customer):
    invitation = make_invitation(make_contact(customer), language="id")
    page = client.get(_url(invitation))
    assert "Seberapa besar kemungkinan Anda merekomendasikan" in page.text
    assert 'lang="id"' in page.text
    english = client.get(_url(invitation) + "?lang=en")
    assert "How likely are you to recommend us" in english.text
    assert client.get(_url(invitation) + "?lang=xx").status_code == 200


@pytest.mark.parametrize(
    "data",
    [{}, {"score": "11"}, {"score": "-1"}, {"score": "abc"}, {"score": "5", "comment": "a\x00b"}],
)
def test_a_bad_answer_is_a_form_error_and_writes_nothing(client, invitation, data):
    response = client.post(_url(invitation), data)
    assert response.status_code == 400
    _nothing_written()
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_the_page_needs_a_csrf_token_and_takes_only_get_and_post(client, invitation):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(_url(invitation), {"score": "9"}).status_code == 403
    assert client.put(_url(invitation)).status_code == 405
    assert client.delete(_url(invitation)).status_code == 405
    _nothing_written()


@override_settings(RATE_LIMIT_SURVEY="3/m")
def test_the_page_is_rate_limited_per_address(client, invitation):
    codes = [client.get(_url(invitation)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
