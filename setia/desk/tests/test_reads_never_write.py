"""No page read writes anything: a crawl of every page a manager can reach by following links,
over the demo data, with each GET's queries captured. A page added later is covered as soon
as something links to it."""

import re
from collections import Counter, deque
from io import StringIO
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from setia.accounts.models import User

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
# The one write a read may make: the session records the user's activity (for the idle
# timeout), at most once a minute.
SESSION_WRITE = re.compile(r'^\s*UPDATE "django_session"', re.IGNORECASE)
LINK = re.compile(r'href="([^"#]+)"')
# Files to download and the feed the calendar subscribes to are GETs too, and are crawled; only
# links that leave the site or serve static files are not.
SKIPPED = ("/static/", "/media/", "/admin/", "mailto:", "tel:", "https://", "http://")
PAGES_AT_MOST = 400


def _shape(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}|\d+", "<id>", parts.path)
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return path + "?" + "&".join(keys)


def _links(page: str, url: str) -> list[str]:
    links = []
    for href in LINK.findall(page):
        href = href.replace("&amp;", "&")
        if href.startswith(SKIPPED):
            continue
        target = urljoin(url, href)
        if urlsplit(target).path.startswith("/"):
            links.append(target)
    return links


@pytest.mark.django_db
def test_no_page_a_manager_reaches_writes_to_the_database(client):
    call_command("load_demo", customers=12, seed=5, verbosity=0, stdout=StringIO())
    client.force_login(User.objects.get(email="manager@setia.test"))

    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    queue, writes = deque(["/"]), {}
    while queue and len(seen) < PAGES_AT_MOST:
        url = queue.popleft()
        # Two pages of each shape (the same view with other codes, ids or query values) are
        # enough, so that the crawl reaches every kind of page rather than every customer.
        shape = _shape(url)
        if url in seen or shapes[shape] >= 2:
            continue
        seen.add(url)
        shapes[shape] += 1
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        written = [
            q["sql"][:120]
            for q in queries.captured_queries
            if WRITES.match(q["sql"]) and not SESSION_WRITE.match(q["sql"])
        ]
        if written:
            writes[url] = written
        if response.status_code in (301, 302):
            queue.append(urljoin(url, response["Location"]))
        elif response.status_code == 200 and "html" in response.get("Content-Type", ""):
            queue.extend(_links(response.content.decode(), url))

    assert len(shapes) > 60, f"the crawl reached only {len(shapes)} kinds of page"
    assert writes == {}
