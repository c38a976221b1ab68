"""Per-user request limits: a 429 with Retry-After on exports, uploads and searches.

The bulk send's previews and confirmations count per user too, and the webhook has its own
limit per address. The bulk confirmation that queues once is tested with the bulk send
(`setia/engagement/tests/test_bulk_send.py`).
"""

import hashlib
import hmac

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from setia.accounts.models import Role
from setia.engagement.models import BulkSend
from setia.engagement.tests.bulk_fixtures import URL, confirm
from setia.imports.models import Import
from setia.test import make_user

CSV_URL = reverse("exports:customers-csv")
XLSX_URL = reverse("exports:customers-xlsx")
LIST_URL = reverse("customers:customer-list")
UPLOAD_URL = reverse("imports:import-upload")


@pytest.fixture
def manager(db):
    """A manager (who may export and import) reading English."""
    return make_user(Role.MANAGER, language="en")


def _upload(client):
    sheet = SimpleUploadedFile("sheet.csv", b"Nama Brand;No HP\nBatik Sekar;0812-3456-7801\n")
    return client.post(UPLOAD_URL, {"file": sheet, "source": "", "default_owner": ""})


LIMITED = {
    "csv export": ("RATE_LIMIT_EXPORT", lambda client: client.get(CSV_URL)),
    "xlsx export": ("RATE_LIMIT_EXPORT", lambda client: client.get(XLSX_URL)),
    "search": ("RATE_LIMIT_SEARCH", lambda client: client.get(LIST_URL, {"q": "batik"})),
    "upload": ("RATE_LIMIT_UPLOAD", _upload),
}


def _assert_limited(response):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many of these requests in a short time." in response.text
    assert f"Try again in {response['Retry-After']} seconds." in response.text


@pytest.mark.parametrize("case", LIMITED, ids=list(LIMITED))
def test_it_refuses_the_request_after_the_limit_with_429_and_retry_after(
    client, manager, settings, case
):
    setting, send = LIMITED[case]
    setattr(settings, setting, "2/m")
    client.force_login(manager)

    served = [send(client).status_code for _ in range(2)]
    refused = send(client)

    assert 429 not in served
    _assert_limited(refused)
    assert refused.templates[0].name == "429.html"


def test_an_upload_over_the_limit_stores_nothing(client, manager, settings):
    settings.RATE_LIMIT_UPLOAD = "1/m"
    client.force_login(manager)

    _upload(client)
    refused = _upload(client)

    assert refused.status_code == 429
    assert Import.objects.count() == 1


def test_csv_and_xlsx_exports_share_one_limit(client, manager, settings):
    settings.RATE_LIMIT_EXPORT = "2/m"
    client.force_login(manager)

    statuses = [client.get(url).status_code for url in (CSV_URL, XLSX_URL, CSV_URL)]

    assert statuses == [200, 200, 429]


def test_each_user_has_their_own_count(client, manager, settings):
    settings.RATE_LIMIT_EXPORT = "1/m"
    other = make_user(Role.MANAGER, language="en")
    client.force_login(manager)
    client.get(CSV_URL)

    client.force_login(other)

    assert client.get(CSV_URL).status_code == 200


def test_only_a_search_counts_on_the_list(client, manager, settings):
    settings.RATE_LIMIT_SEARCH = "1/m"
    client.force_login(manager)

    statuses = [client.get(LIST_URL, params).status_code for params in ({}, {"q": "abc"}, {}, {})]

    assert statuses == [200, 200, 200, 200]
    assert client.get(LIST_URL, {"q": "b"}).status_code == 429


def test_an_htmx_request_gets_a_short_fragment(client, manager, settings):
    settings.RATE_LIMIT_SEARCH = "1/m"
    client.force_login(manager)
    client.get(LIST_URL, {"q": "a"})

    response = client.get(LIST_URL, {"q": "a"}, headers={"HX-Request": "true"})

    _assert_limited(response)
    assert [t.name for t in response.templates] == ["core/_too_many_requests.html"]


def test_the_page_is_in_the_users_language(client, db, settings):
    settings.RATE_LIMIT_EXPORT = "1/m"
    user = make_user(Role.MANAGER)  # Indonesian, the default
    client.force_login(user)
    client.get(CSV_URL)

    response = client.get(CSV_URL)

    assert response.status_code == 429
    assert "Terlalu banyak permintaan" in response.text


def test_an_unreachable_cache_lets_requests_through(client, manager, settings):
    # Redis down: the limit is not checked rather than every limited page failing.
    settings.RATE_LIMIT_EXPORT = "1/m"
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        },
    }
    client.force_login(manager)

    statuses = [client.get(CSV_URL).status_code for _ in range(2)]

    assert statuses == [200, 200]


SECRET = "app-secret-for-tests"


WEBHOOK = reverse("engagement:whatsapp-webhook")


def _signed(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _post(client, body: bytes, signature: str | None):
    headers = {"X-Hub-Signature-256": signature} if signature is not None else {}
    return client.post(WEBHOOK, body, content_type="application/json", headers=headers)


def test_the_webhook_has_its_own_limit_per_address(client, settings):
    settings.WHATSAPP_APP_SECRET = SECRET
    settings.RATE_LIMIT_WEBHOOK = "2/m"
    body = b'{"entry": []}'

    served = [_post(client, body, _signed(body)).status_code for _ in range(2)]
    refused = _post(client, body, _signed(body))
    elsewhere = client.post(
        WEBHOOK,
        body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": _signed(body)},
        REMOTE_ADDR="198.51.100.7",
    )

    assert served == [200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert elsewhere.status_code == 200


def test_previews_and_confirmations_are_limited_per_user(
    client, executive, bandung, newsletter, settings
):
    settings.RATE_LIMIT_BULK_SEND = "2/m"
    client.force_login(executive)
    client.get(URL)  # choosing a template does not count
    client.get(URL, {"city": "Bandung", "template": newsletter.code})
    confirm(client, newsletter)

    refused = confirm(client, newsletter, confirmation="0b9e6a52-6a43-4f7e-8f0d-3c1b2a4d5e6f")

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert BulkSend.objects.count() == 1
    assert client.get(URL).status_code == 200
