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

from setia.accounts.models import User
from setia.desk.tests.test_reads_never_write import SKIPPED, _links, _shape

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
