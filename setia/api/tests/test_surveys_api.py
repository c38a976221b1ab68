"""Surveys through the API: their questions, and their answers per survey and per customer,
for whoever reads the surveys report, from the customers they may see (another team's customer
is a 404), in cursor pages with `fields` selection and a fixed number of queries."""

import datetime

import pytest
from django.utils import timezone

from setia.api.models import ApiToken
from setia.api.tests.helpers import token_client
from setia.surveys.tests.factories import csat, make_invitation, make_response, nps
from setia.test import make_contact, make_customer

pytestmark = pytest.mark.django_db

SURVEYS = "/api/v1/surveys/"
MOMENT = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)


def responses_url(survey) -> str:
    return f"{SURVEYS}{survey.pk}/responses/"


def customer_url(customer) -> str:
    return f"/api/v1/customers/{customer.code}/survey-responses/"


def answer(customer, score, *, survey=None, hours=0, comment=""):
    """An answer of a new contact of `customer`, `hours` after MOMENT."""
    sent = MOMENT + datetime.timedelta(hours=hours)
    invitation = make_invitation(make_contact(customer), survey=survey, sent_at=sent)
    return make_response(
        invitation, score, at=sent + datetime.timedelta(minutes=5), comment=comment
    )


def test_the_surveys_and_their_questions(executive):
    client = token_client(executive, ApiToken.Scope.READ)
    rows = client.get(SURVEYS).json()["results"]
    assert [(row["name"], row["kind"]) for row in rows] == [("CSAT", "csat"), ("NPS", "nps")]
    survey = client.get(f"{SURVEYS}{nps().pk}/").json()
    assert survey["question_id"].startswith("Seberapa besar kemungkinan")
    assert survey["is_active"] is True
    assert client.get(SURVEYS, {"fields": "id,name"}).json()["results"][0] == {
        "id": csat().pk,
        "name": "CSAT",
    }
    assert client.get(f"{SURVEYS}nps/").status_code == 404
    assert client.get(f"{SURVEYS}999999/").status_code == 404


def test_who_may_read_surveys_as_on_the_report(customer, intern, viewer, manager, executive):
    for person in (intern, viewer):
        client = token_client(person, ApiToken.Scope.READ)
        assert client.get(SURVEYS).status_code == 403
        assert client.get(responses_url(nps())).status_code == 403
        assert client.get(customer_url(customer)).status_code == 403
    for person in (manager, executive):
        assert token_client(person, ApiToken.Scope.READ).get(SURVEYS).status_code == 200
    # Reading only: no writes are offered.
    client = token_client(manager)
    assert client.post(SURVEYS, {"name": "X"}, format="json").status_code == 405
    assert client.delete(f"{SURVEYS}{nps().pk}/").status_code == 405


def test_a_surveys_answers_come_only_from_the_customers_one_sees(
    customer, executive, other_executive, manager, team_b
):
    ours = answer(customer, 9, comment="Mantap")
    theirs = answer(make_customer(team=team_b, owner=other_executive), 3)
    deleted = make_customer(team=customer.team, owner=executive)
    answer(deleted, 5)
    deleted.deleted_at = timezone.now()
    deleted.save(update_fields=["deleted_at"])
    answer(customer, 4, survey=csat())  # another survey

    rows = token_client(executive).get(responses_url(nps())).json()["results"]
    assert rows == [
        {
            "id": ours.pk,
            "survey": nps().pk,
            "customer": str(customer.code),
            "contact": ours.invitation.contact_id,
            "kind": "nps",
            "score": 9,
            "percent": 90,
            "comment": "Mantap",
            "channel": "email",
            "language": "en",
            "trigger": "manual",
            "sent_at": "2026-11-02T16:00:00+07:00",
            "responded_at": "2026-11-02T16:05:00+07:00",
        }
    ]
    rows = token_client(other_executive).get(responses_url(nps())).json()["results"]
    assert [row["id"] for row in rows] == [theirs.pk]
    rows = token_client(manager).get(responses_url(nps())).json()["results"]
    assert [row["id"] for row in rows] == [theirs.pk, ours.pk]  # newest first
    assert token_client(manager).get(responses_url(csat())).json()["results"][0]["score"] == 4


def test_a_customers_answers_newest_first_by_kind(customer, executive):
    first = answer(customer, 9)
    second = answer(customer, 2, survey=csat(), hours=1)
    third = answer(customer, 7, hours=2)
    client = token_client(executive, ApiToken.Scope.READ)

    rows = client.get(customer_url(customer), {"fields": "id,kind,score"}).json()["results"]
    assert rows == [
        {"id": third.pk, "kind": "nps", "score": 7},
        {"id": second.pk, "kind": "csat", "score": 2},
        {"id": first.pk, "kind": "nps", "score": 9},
    ]
    rows = client.get(customer_url(customer), {"kind": "csat"}).json()["results"]
    assert [row["id"] for row in rows] == [second.pk]
    answer_ = client.get(customer_url(customer), {"kind": "xyz"})
    assert answer_.status_code == 400 and "kind" in answer_.json()


def test_another_teams_customers_answers_are_a_404(customer, other_executive):
    answer(customer, 9)
    assert token_client(other_executive).get(customer_url(customer)).status_code == 404


def test_answers_come_in_cursor_pages(customer, executive):
    made = [answer(customer, score, hours=score) for score in range(5)]
    client = token_client(executive)
    seen: list[int] = []
    url: str | None = f"{responses_url(nps())}?page_size=2"
    while url:
        page = client.get(url).json()
        assert len(page["results"]) <= 2
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == [response.pk for response in reversed(made)]


@pytest.mark.parametrize("answers", [1, 12])
def test_the_answers_queries_do_not_grow_with_rows(
    answers, customer, executive, django_assert_num_queries
):
    for hours in range(answers):
        answer(customer, 8, hours=hours)
    client = token_client(executive)
    client.get(SURVEYS)  # the first use of the token notes it
    url = responses_url(nps())
    # The token with its person, the role's permissions, the survey, the page.
    with django_assert_num_queries(4):
        assert len(client.get(url).json()["results"]) == answers
    # The token with its person, the role's permissions, the customer, the page.
    with django_assert_num_queries(4):
        assert len(client.get(customer_url(customer)).json()["results"]) == answers
    # The token with its person, the role's permissions, the page.
    with django_assert_num_queries(3):
        assert len(client.get(SURVEYS).json()["results"]) == 2
