"""No form field makes a page fail: a crawl of the pages a manager reaches over the demo data
collects every form the pages post (their action, real codes and ids included, and each
field's value as the page fills it), then posts each form again and again with one field at a
time set to an odd value. A malformed value is a 400 with a message (or saved where any text
is fine), never a 500. Every URL of the project the crawl does not reach is listed, so a page
added later is covered as soon as something links to it or a form posts to it."""

import re
from collections import Counter, deque
from html import unescape
from io import StringIO
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from setia.accounts.models import User
from setia.desk.tests.test_reads_never_write import SKIPPED, _links, _shape


def _path_shape(url: str) -> str:
    return _shape(urlsplit(url).path).split("?")[0]


def _route(url: str) -> str | None:
    """The URL pattern (`customers/<uuid:code>/`) `url` resolves to."""
    try:
        return resolve(urlsplit(url).path).route
    except Resolver404:
        return None


ODD_VALUES = [
    "²",  # a digit to str.isdigit, not to int()
    "-1",
    "9999-12",
    "\x00",
    "x" * 10_240,
    "🙂",
    "\u202eمرحبا",  # a right-to-left override and Arabic
]
PAGES_AT_MOST = 400
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
INPUT = re.compile(r"<input\b([^>]*)>", re.I)
TEXTAREA = re.compile(r"<textarea\b([^>]*)>(.*?)</textarea>", re.S | re.I)
SELECT = re.compile(r"<select\b([^>]*)>(.*?)</select>", re.S | re.I)
OPTION = re.compile(r"<option\b([^>]*)>", re.I)
NOT_FIELDS = {"csrfmiddlewaretoken"}
# Posting to these ends the session under test, which the crawl needs.
NOT_POSTED = ("/accounts/logout/",)
# The URL patterns the crawl over the demo data does not reach, each with why; their fields are
# posted to by the tests beside their views.
_IMPORT = "the demo data has no import; setia/imports/tests/test_wizard.py posts to each step"
UNREACHED = {
    "^playbook/(?P<rest>.*)$": "old addresses, redirected to the library",
    "accounts/login/": "the crawl is signed in; the login form has its own tests",
    "accounts/password/reset/": "for the signed out; test_password_reset.py",
    "accounts/password/reset/<uidb64>/<token>/": "for the signed out, by an e-mailed link; "
    "test_password_reset.py",
    "accounts/password/reset/sent/": "for the signed out, a page without a form",
    "customers/<uuid:code>/restore/": "only on a deleted customer; the demo has none",
    "cadence/reassign/<uuid:code>/": "the demo data has no reassignment; "
    "setia/cadence/tests/test_reassign.py",
    "cadence/reassign/<uuid:code>/undo/": "the demo data has no reassignment; a form without "
    "fields, setia/cadence/tests/test_reassign.py",
    "cadence/one-on-ones/<uuid:code>/": "the demo data has no 1:1, and a 1:1 is its two "
    "people's alone; setia/cadence/tests/test_oneonones.py",
    "cadence/one-on-ones/meetings/<uuid:code>/": "the demo data has no 1:1; its forms' odd "
    "values: setia/cadence/tests/test_oneonones.py",
    "engagement/bulk/<uuid:bulk_code>/": "the demo data has no bulk send",
    "answers/<uuid:code>/approve/": "only on a draft answer; the demo's are approved; "
    "setia/knowledge/tests/test_views.py",
    "answers/<uuid:code>/send-back/": "only on a draft answer; the demo's are approved; "
    "setia/notifications/tests/test_sources.py",
    "answers/<uuid:code>/used/": "posted by the page's script on a copy or an insert; "
    "setia/knowledge/tests",
    "campaigns/participants/<int:pk>/join/": "only for a participant not joined yet; of the "
    "few fashion merchants among 12, the demo may have joined every one; setia/campaigns/tests",
    "campaigns/milestones/<int:pk>/mark/": "only on a campaign with milestones, and the crawl "
    "reads one campaign page (the demo's milestones are the initiative's); a form with one "
    "hidden field, setia/campaigns/tests/test_initiatives.py",
    **dict.fromkeys(
        [
            "stories/<uuid:code>/consent/",
            "stories/<uuid:code>/schedule/",
            "stories/<uuid:code>/answers/",
            "stories/<uuid:code>/article/",
            "stories/<uuid:code>/publish/",
            "stories/<uuid:code>/coverage/",
        ],
        "each only at one state of a story, and the crawl reads one story page; odd values in "
        "every field: setia/stories/tests/test_odd_fields.py",
    ),
    "engagement/customers/<uuid:code>/email/": "posted by the composer's preview (htmx); "
    "test_send_email.py",
    "engagement/customers/<uuid:code>/whatsapp/send/": "posted by the composer's preview "
    "(htmx); test_whatsapp_cloud_api.py",
    "engagement/offers/<uuid:offer_code>/outcome/": "only on an approved offer; the crawl "
    "reads one offer; test_retention_offers.py",
    "engagement/whatsapp/webhook/": "posted by Meta, signed; test_inbound_whatsapp_once.py",
    "announcements/<uuid:code>/acknowledge/": "the demo manager has read the demo's "
    "announcements made to them; its one field: setia/announcements/tests/test_pages.py",
    "api/schema/": "read by the API reference's script, not linked; setia/api/tests/test_schema.py",
    "api/redoc/": "the second API reader, not linked; setia/api/tests/test_schema.py",
    "api/tokens/<int:token_id>/revoke/": "only with a token, and the demo has none; "
    "setia/api/tests/test_tokens_page.py",
    "cadence/weekly/recipients/": "admins only (the crawl is a manager's); its odd values: "
    "setia/cadence/tests/test_weekly_exports.py",
    "cadence/weekly/recipients/<int:recipient_id>/delete/": "admins only; "
    "setia/cadence/tests/test_weekly_exports.py",
    "imports/<uuid:code>/": _IMPORT,
    "imports/<uuid:code>/dry-run/": _IMPORT,
    "imports/<uuid:code>/dry-run/errors.csv": _IMPORT,
    "imports/<uuid:code>/errors.csv": _IMPORT,
    "imports/<uuid:code>/file": _IMPORT,
    "imports/<uuid:code>/mapping/": _IMPORT,
    "imports/<uuid:code>/preview/": _IMPORT,
    "imports/<uuid:code>/progress/": _IMPORT,
    "imports/<uuid:code>/run/": _IMPORT,
    "imports/<uuid:code>/undo/": _IMPORT,
    "imports/<uuid:code>/values/": "the demo data has no import; "
    "setia/imports/tests/test_wizard_values.py posts to it",
    "jobs/<int:job_id>/cancel/": "the demo data has no queued job; a form without fields, "
    "setia/jobs/tests",
    "jobs/<int:job_id>/retry/": "the demo data has no failed job; a form without fields, "
    "setia/jobs/tests",
    "quality/merges/<uuid:code>/": "the demo data has no merge",
    "notifications/<int:notification_id>/read/": "the demo's notifications are the executives' "
    "and interns', and the crawl is a manager's; setia/notifications/tests posts to it",
    **dict.fromkeys(
        [
            "webhooks/",
            "webhooks/<int:webhook_id>/",
            "webhooks/<int:webhook_id>/delete/",
            "webhooks/<int:webhook_id>/log/",
            "webhooks/<int:webhook_id>/secret/",
            "webhooks/<int:webhook_id>/test/",
        ],
        "administrators only, and the crawl is a manager's; odd values and NUL in every field "
        "of the form: setia/webhooks/tests/test_pages.py",
    ),
    "quality/merges/<uuid:code>/undo/": "the demo data has no merge",
    "tiers/rules/<int:rule_id>/delete/": "the demo's tiers have no category rule",
    "s/<str:token>/": "the public survey page, by a signed link no page shows; "
    "setia/surveys/tests/test_public_page.py posts odd answers",
    "work/feed/<str:token>.ics": "a token address for calendar apps, read only",
    "work/feed/revoke/": "shown once a feed is enabled; its form has no field",
    "work/tasks/<uuid:code>/checklist/<int:item_id>/": "only on a task with a checklist; its "
    "form has no field",
    "work/team/assign-fairly/": "only when tasks wait unassigned; its one field: "
    "test_odd_parameters.py",
}
HX_GET = re.compile(r'hx-get="([^"#]+)"')


def _attributes(text: str) -> dict[str, str]:
    return {name.lower(): unescape(value) for name, value in ATTRIBUTE.findall(text)}


def _post_forms(page: str, url: str) -> list[tuple[str, dict[str, str]]]:
    """(action URL, {field: the value the page gives it}) of the page's POST forms."""
    forms = []
    for attributes, body in FORM.findall(page):
        attrs = _attributes(attributes)
        if attrs.get("method", "get").lower() != "post":
            continue
        action = urljoin(url, attrs.get("action", "") or url)
        if urlsplit(action).path.startswith(SKIPPED):
            continue
        fields: dict[str, str] = {}
        for tag in INPUT.findall(body):
            field = _attributes(tag)
            kind = field.get("type", "text").lower()
            if "name" not in field or kind in ("submit", "button", "file"):
                continue
            if kind in ("checkbox", "radio") and "checked" not in tag:
                fields.setdefault(field["name"], "")
                continue
            fields[field["name"]] = field.get("value", "on" if kind == "checkbox" else "")
        for tag, text in TEXTAREA.findall(body):
            if "name" in (field := _attributes(tag)):
                fields[field["name"]] = unescape(text)
        for tag, options in SELECT.findall(body):
            if "name" not in (field := _attributes(tag)):
                continue
            values = [_attributes(option) for option in OPTION.findall(options)]
            chosen = [o for o in values if "selected" in o] or values[:1]
            fields[field["name"]] = chosen[0].get("value", "") if chosen else ""
        names = set(fields) - NOT_FIELDS
        forms.append((action, {name: fields[name] for name in names}))
    return forms


def _crawl(client) -> tuple[set[str | None], dict[tuple[str, frozenset], tuple[str, dict]]]:
    """The URL patterns reached (pages read, forms found), and the forms to post:
    {(action shape, field names): (action, fields)}, one per shape and set of fields."""
    reached: set[str | None] = set()
    shapes: Counter[str] = Counter()
    seen: set[str] = set()
    forms: dict[tuple[str, frozenset], tuple[str, dict]] = {}
    queue = deque(["/", "/customers/?q=toko&status=active&sort=name"])
    while queue and len(seen) < PAGES_AT_MOST:
        url = queue.popleft()
        shape = _shape(url)
        if url in seen or shapes[shape] >= 1:
            continue
        seen.add(url)
        shapes[shape] += 1
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(urljoin(url, response["Location"]))
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        queue.extend(_links(page, url))
        # Fragments a page loads by itself (htmx): the timeline, the completeness figure.
        queue.extend(urljoin(url, unescape(link)) for link in HX_GET.findall(page))
        for action, fields in _post_forms(page, url):
            reached.add(_route(action))
            if fields and not urlsplit(action).path.startswith(NOT_POSTED):
                forms.setdefault((_path_shape(action), frozenset(fields)), (action, fields))
    return reached | {_route(url) for url in seen}, forms


def _routes(resolver=None, prefix: str = "") -> set[str]:
    """Every URL pattern of the project, as `resolve()` names it, but the admin's and the
    static files'."""
    routes = set()
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            routes |= _routes(entry, route)
        elif isinstance(entry, URLPattern):
            routes.add(route)
    # The REST API takes JSON, not forms: schemathesis sends odd values to every operation
    # (setia/api/tests/test_schema.py).
    skipped = ("admin/", "static/", "media/", "api/v1/")
    return {route for route in routes if not route.startswith(skipped)}


@pytest.mark.django_db
def test_it_never_fails_on_an_odd_form_field(client, settings):
    for name in dir(settings):
        if name.startswith("RATE_LIMIT_"):
            setattr(settings, name, "100000/m")  # the limits are tested on their own
    call_command("load_demo", customers=12, seed=5, verbosity=0, stdout=StringIO())
    manager = User.objects.get(email="manager@setia.test")
    client.force_login(manager)
    client.raise_request_exception = False
    reached, forms = _crawl(client)

    failures = []
    tried = 0
    for (shape, _names), (action, fields) in sorted(forms.items(), key=lambda item: item[0][0]):
        for name in sorted(fields):
            for value in ODD_VALUES:
                response = client.post(action, {**fields, name: value})
                tried += 1
                if response.status_code >= 500:
                    failures.append((shape, name, value[:12], response.status_code))
                if response.wsgi_request.user != manager:
                    client.force_login(manager)

    unreached = sorted(_routes() - reached - set(UNREACHED))
    assert len(forms) > 40, f"only {len(forms)} forms found"
    assert tried > 1000
    assert failures == []
    assert unreached == [], "\n".join(unreached)
