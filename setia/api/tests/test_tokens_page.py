"""The API tokens page: a token is shown once and stored hashed, revoked from the page, and
one's own only; in both languages."""

import pytest
from django.utils import timezone

from setia.api.models import ApiToken, token_digest

URL = "/api/tokens/"


def test_a_new_token_is_shown_once_and_stored_hashed(client, executive):
    client.force_login(executive)
    answer = client.post(URL, {"name": "Dasbor BI", "scope": "read", "expires_in": "30"})
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "no-store"
    secret = answer.context["secret"]
    assert secret.startswith("setia_") and secret.encode() in answer.content
    token = ApiToken.objects.get(user=executive)
    assert token.digest == token_digest(secret) and secret not in token.digest
    assert (token.name, token.scope, token.kind) == ("Dasbor BI", "read", "personal")
    days = (token.expires_at - timezone.now()).days
    assert days in (29, 30)
    again = client.get(URL)
    assert secret.encode() not in again.content and b"Dasbor BI" in again.content


def test_a_token_needs_a_name_and_a_known_scope(client, executive):
    client.force_login(executive)
    assert client.post(URL, {"name": "  ", "scope": "read"}).status_code == 400
    assert client.post(URL, {"name": "X", "scope": "metrics"}).status_code == 400
    assert not ApiToken.objects.exists()


def test_an_admin_creates_a_service_token_shown_once(client, admin_user):
    client.force_login(admin_user)
    answer = client.post(URL, {"name": "Platform", "scope": "metrics", "expires_in": ""})
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    secret = answer.context["secret"]
    token = ApiToken.objects.get(user=admin_user)
    assert (token.kind, token.scope, token.digest) == ("service", "metrics", token_digest(secret))
    again = client.get(URL)
    assert secret.encode() not in again.content and b"Platform" in again.content


def test_revoke_ones_own_token_only(client, executive, other_executive):
    client.force_login(executive)
    client.post(URL, {"name": "Mine", "scope": "write", "expires_in": ""})
    token = ApiToken.objects.get()
    assert token.expires_at is None
    client.force_login(other_executive)
    assert client.post(f"{URL}{token.pk}/revoke/").status_code == 404
    client.force_login(executive)
    assert client.post(f"{URL}{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize(("language", "title"), [("id", "Token API"), ("en", "API tokens")])
def test_the_page_in_both_languages(client, executive, language, title):
    executive.language = language
    executive.save(update_fields=["language"])
    client.force_login(executive)
    answer = client.get(URL)
    assert answer.status_code == 200
    assert f"<h1>{title}</h1>".encode() in answer.content
