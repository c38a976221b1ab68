"""No query parameter makes a page fail: a crawl of the pages a manager reaches over the demo
data collects, per page, the parameter names its links and GET forms use, and requests each one
with odd values. A malformed value is a 400 with a message (or ignored where any value is
fine), never a 500. A page or parameter added later is covered as soon as something links to it
or a form offers it."""

import re
from collections import defaultdict, deque
from io import StringIO
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.urls import reverse

from setia.accounts.models import User
from setia.desk.tests.test_reads_never_write import SKIPPED, _links, _shape
from setia.test import make_customer
from setia.work.onboarding.actions import enroll_new_customers
from setia.work.onboarding.models import Onboarding, StageChange
from setia.work.tests.factories import make_task

ODD_VALUES = [
    "²",  # a digit to str.isdigit, not to int()
    "-1",
    "9" * 30,  # past any database integer
    "9999-12",
    "0001-01",
    "\x00",
    "x" * 10_240,
    "🙂",
    "\u202eabc",  # right-to-left override
]
PAGES_AT_MOST = 300
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
ATTRIBUTE = re.compile(r'(\w[\w-]*)="([^"]*)"')
FIELD = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", re.I)
NOT_PARAMETERS = {"csrfmiddlewaretoken"}


def _get_forms(page: str, url: str) -> list[tuple[str, set[str]]]:
    """The (action URL, field names) of the page's GET forms."""
    forms = []
    for attributes, body in FORM.findall(page):
        attrs = dict(ATTRIBUTE.findall(attributes))
        if attrs.get("method", "get").lower() != "get":
            continue
        action = attrs.get("action", "").replace("&amp;", "&")
        if action.startswith(SKIPPED):
            continue
        forms.append((urljoin(url, action), set(FIELD.findall(body)) - NOT_PARAMETERS))
    return forms


def _crawl(client) -> dict[str, tuple[str, set[str]]]:
    """{page shape: (a URL of that shape, the parameter names used with its path)}."""
    seen: set[str] = set()
    shapes: dict[str, str] = {}
    names: dict[str, set[str]] = defaultdict(set)
    # The list with a search and filters, so that its export and bulk-send links carry them.
    queue = deque(["/", "/customers/?q=toko&status=active&sort=name"])
    while queue and len(seen) < PAGES_AT_MOST:
        url = queue.popleft()
        shape = _shape(url)
        if url in seen or shape in shapes:
            continue
        seen.add(url)
        shapes[shape] = url
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(urljoin(url, response["Location"]))
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        for link in _links(page, url):
            parts = urlsplit(link)
            names[_shape(parts.path)].update(key for key, _value in parse_qsl(parts.query))
            queue.append(link)
        for action, fields in _get_forms(page, url):
            names[_shape(urlsplit(action).path)].update(fields)
            queue.append(action)
    return {
        shape: (url, names[_shape(urlsplit(url).path)])
        for shape, url in shapes.items()
        if names[_shape(urlsplit(url).path)]
    }


@pytest.mark.django_db
def test_it_never_fails_on_an_odd_query_parameter(client):
    call_command("load_demo", customers=12, seed=5, verbosity=0, stdout=StringIO())
    client.force_login(User.objects.get(email="manager@setia.test"))
    client.raise_request_exception = False
    pages = _crawl(client)
    # Each path once, whatever its query: the parameters are tried one at a time on it.
    by_path = {urlsplit(url).path: (url, names) for url, names in pages.values()}

    failures = []
    tried = 0
    for path, (url, names) in sorted(by_path.items()):
        for name in sorted(names):
            for value in ODD_VALUES:
                query = QueryDict(urlsplit(url).query, mutable=True)
                query[name] = value
                response = client.get(path, query)
                tried += 1
                if response.status_code >= 500:
                    failures.append((path, name, value[:20], response.status_code))

    assert len(by_path) > 15, f"only {len(by_path)} pages take parameters"
    assert tried > 300
    assert failures == []


# The known cases, each with its message (in the personas' language, Indonesian)


@pytest.mark.parametrize(
    ("search", "message"),
    [
        ("b" * 101, "Pencarian paling banyak 100 karakter; yang ini 101."),
        ("batik\x00", "Pencarian tidak boleh berisi karakter kontrol."),
        ("batik\x1b", "Pencarian tidak boleh berisi karakter kontrol."),
    ],
)
def test_it_refuses_an_invalid_search_on_the_list_and_its_exports(
    client, manager, team_a, search, message
):
    make_customer(team=team_a, name="Batik Lestari")
    make_customer(team=team_a, name="Kopi Senja")
    client.force_login(manager)

    listed = client.get(reverse("customers:customer-list"), {"q": search})
    exports = [
        client.get(reverse(name), {"q": search})
        for name in ("exports:customers-csv", "exports:customers-xlsx")
    ]

    assert listed.status_code == 400
    assert list(listed.context["page"].object_list) == []
    assert message in listed.text
    assert [response.status_code for response in exports] == [400, 400]
    assert all(message in response.text for response in exports)


def test_it_searches_with_a_search_of_the_longest_length(client, manager, team_a):
    batik = make_customer(team=team_a, name="Batik " + "x" * 94)
    make_customer(team=team_a, name="Kopi Senja")
    client.force_login(manager)

    response = client.get(reverse("exports:customers-csv"), {"q": batik.name})

    assert response.status_code == 200
    assert str(batik.code) in b"".join(response.streaming_content).decode()


def test_it_says_why_in_the_users_language(client, manager):
    manager.language = "en"
    manager.save(update_fields=["language"])
    client.force_login(manager)

    response = client.get(reverse("exports:customers-csv"), {"q": "\x00"})

    assert response.status_code == 400
    assert "A search cannot contain control characters." in response.text


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1999-12", "2026-13", "²", "2026-1"])
def test_it_refuses_a_calendar_month_it_cannot_show(client, executive, month):
    client.force_login(executive)

    response = client.get(reverse("work:calendar"), {"month": month})

    assert response.status_code == 400
    assert "Tulis bulan sebagai TTTT-BB, antara 2000 dan 2100." in response.text


def test_it_shows_the_calendar_months_at_both_ends(client, executive):
    client.force_login(executive)

    responses = [client.get(reverse("work:calendar"), {"month": m}) for m in ("2000-01", "2100-12")]

    assert [response.status_code for response in responses] == [200, 200]


@pytest.mark.parametrize("stage", ["²", "-1", "9" * 30, "x"])
def test_it_refuses_a_malformed_onboarding_stage(client, executive, stage):
    client.force_login(executive)

    response = client.get(reverse("work:onboarding-list"), {"stage": stage})

    assert response.status_code == 400
    assert "Tahap:" in response.text


@pytest.mark.parametrize("stage", ["²", "-1", "9" * 30, ""])
def test_it_refuses_a_move_to_a_malformed_stage_and_moves_nothing(
    client, executive, customer, stage
):
    enroll_new_customers()
    before = Onboarding.objects.get().stage_id
    client.force_login(executive)

    response = client.post(reverse("work:onboarding-move", args=[customer.code]), {"stage": stage})

    assert response.status_code == 400
    assert "Tahap: Pilih tahap." in response.text
    assert Onboarding.objects.get().stage_id == before
    assert StageChange.objects.count() == 0


@pytest.mark.parametrize("team", ["²", "-1", "9" * 30, "x"])
def test_it_refuses_a_malformed_team_on_the_board_and_assigns_nothing(
    client, manager, executive, team, team_a
):
    task = make_task(owner=None, team=team_a, title="Unassigned")
    client.force_login(manager)

    board = client.get(reverse("work:team-board"), {"team": team})
    assigned = client.post(reverse("work:assign-fairly"), {"team": team})

    assert (board.status_code, assigned.status_code) == (400, 400)
    assert "Tim:" in assigned.text
    task.refresh_from_db()
    assert task.owner is None
