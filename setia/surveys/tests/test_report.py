"""The surveys report: NPS and CSAT against a brute-force count, who may see it, its query
count, and the exports."""

import csv
import datetime
import io
import random

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from setia.surveys import reports
from setia.surveys.tests.factories import csat, make_invitation, make_response, nps
from setia.test import make_contact, make_customer

pytestmark = pytest.mark.django_db

URL = reverse("surveys:report")
MARCH = datetime.datetime(2026, 3, 10, 5, 0, tzinfo=datetime.UTC)
APRIL = datetime.datetime(2026, 4, 10, 5, 0, tzinfo=datetime.UTC)


def _answers(team, owner, count=40, seed=7):
    """Random invitations over two months, a random half answered; returns them."""
    rng = random.Random(seed)
    made = []
    for n in range(count):
        customer = make_customer(team=team, owner=owner, name=f"Toko {n}")
        contact = make_contact(customer)
        sent = rng.choice([MARCH, APRIL])
        survey = rng.choice([nps(), csat()])
        invitation = make_invitation(contact, survey=survey, sent_at=sent)
        score = rng.choice(list(survey.scale)) if rng.random() < 0.5 else None
        if score is not None:
            make_response(invitation, score, comment=f"komentar {n}")
        made.append((invitation, sent, survey.kind, score))
    return made


def test_nps_csat_and_rates_equal_a_brute_force_count(team_a, executive):
    made = _answers(team_a, executive)
    rows = reports.monthly(reports.invitations_for(executive, {}), "owner")
    for month in (MARCH, APRIL):
        mine = [m for m in made if m[1] == month]
        answered = [m for m in mine if m[3] is not None]
        nps_scores = [m[3] for m in answered if m[2] == "nps"]
        csat_scores = [m[3] for m in answered if m[2] == "csat"]
        expected_nps = (
            round(
                (sum(s >= 9 for s in nps_scores) - sum(s <= 6 for s in nps_scores))
                * 100
                / len(nps_scores)
            )
            if nps_scores
            else None
        )
        (row,) = [r for r in rows if r["month"].month == month.month]
        assert row["sent"] == len(mine)
        assert row["answered"] == len(answered)
        assert row["rate"] == round(len(answered) * 100 / len(mine))
        assert row["nps"] == expected_nps
        assert row["csat"] == pytest.approx(sum(csat_scores) / len(csat_scores))


def test_nps_formula():
    assert reports.nps(promoters=5, detractors=2, answers=10) == 30
    assert reports.nps(promoters=0, detractors=4, answers=4) == -100
    assert reports.nps(promoters=0, detractors=0, answers=0) is None


def test_the_report_shows_only_visible_customers_with_a_fixed_number_of_queries(
    client, team_a, team_b, executive, django_assert_num_queries
):
    _answers(team_a, executive, count=12)
    other = make_customer(team=team_b, name="Toko Tetangga")
    make_response(make_invitation(make_contact(other), sent_at=MARCH), 0, comment="rahasia")
    client.force_login(executive)
    client.get(URL)  # warm the session and the permission cache
    # session, user, permissions, the form's tiers, categories and owners, monthly, the
    # tiers' names, the page's answers and its count
    with django_assert_num_queries(10):
        page = client.get(URL)
    assert page.status_code == 200
    assert "komentar" in page.text
    assert "rahasia" not in page.text and "Toko Tetangga" not in page.text
    _answers(team_a, executive, count=30, seed=8)  # more rows: the same queries
    with django_assert_num_queries(9):  # no tiers' names
        client.get(URL + "?page=1&group=owner")


def test_who_may_see_the_report(client, executive, intern, viewer, manager):
    assert client.get(URL).status_code == 302  # anonymous: to the login page
    client.force_login(intern)
    assert client.get(URL).status_code == 403
    assert client.get(reverse("surveys:answers-csv")).status_code == 403
    client.force_login(viewer)
    assert client.get(URL).status_code == 403
    client.force_login(executive)
    assert client.get(URL).status_code == 200
    assert client.post(URL).status_code == 405
    client.force_login(manager)
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize(
    "query",
    ["since=2026-05-01&until=2026-04-01", "since=nope", "tier=999999", "group=x", "owner=%00"],
)
def test_bad_filters_are_explained(client, executive, query):
    client.force_login(executive)
    assert client.get(f"{URL}?{query}").status_code == 400


def test_the_answers_export_as_csv_and_xlsx(client, team_a, executive):
    _answers(team_a, executive, count=10)
    client.force_login(executive)
    answered = sum(1 for row in reports.answers(reports.invitations_for(executive, {})))
    response = client.get(reverse("surveys:answers-csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][0] == "Answered" and len(lines) == answered + 1
    assert all(line[8].startswith("komentar") for line in lines[1:])
    response = client.get(reverse("surveys:answers-xlsx") + "?since=2026-04-01")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    april = reports.answers(
        reports.invitations_for(executive, {"since": APRIL.date().replace(day=1)})
    )
    assert sheet.max_row == april.count() + 1


def test_a_team_b_executive_sees_none_of_team_a(client, team_a, executive, other_executive):
    _answers(team_a, executive, count=5)
    client.force_login(other_executive)
    page = client.get(URL)
    assert page.status_code == 200
    assert "komentar" not in page.text
