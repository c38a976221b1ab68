"""The generic error pages quote the request's id, the same one as in the X-Request-ID header and
on the request's log lines; those lines mask phones, e-mails and tokens."""

import re

import pytest
from django.urls import path, reverse

from setia import urls as project_urls


def _boom(request):
    raise RuntimeError("kaboom: secret detail")


# A URLconf for the 500 test: the project's URLs plus one view that fails.
urlpatterns = [path("boom/", _boom), *project_urls.urlpatterns]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


def _quoted_reference(response) -> str:
    # The paragraph is in the user's language; the id ends it.
    match = re.search(r'<p class="help request-id">[^<]* ([A-Za-z0-9._-]+)\.</p>', response.text)
    assert match is not None
    return match.group(1)


@pytest.mark.urls(__name__)
def test_it_shows_the_request_id_of_the_header_and_the_log_on_the_500_page(
    client, executive, caplog
):
    client.force_login(executive)
    client.raise_request_exception = False

    response = client.get("/boom/")

    assert response.status_code == 500
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert _quoted_reference(response) == response["X-Request-ID"]
    logged = [record for record in caplog.records if record.name == "django.request"]
    assert [record.request_id for record in logged] == [response["X-Request-ID"]]


def test_it_shows_the_request_id_of_the_header_on_the_404_page(client):
    response = client.get("/no-such-page/", headers={"X-Request-ID": "proxy-id-12345"})

    assert response["X-Request-ID"] == "proxy-id-12345"
    assert _quoted_reference(response) == "proxy-id-12345"
    assert "If you report this, quote the reference proxy-id-12345." in response.text


def test_it_shows_the_request_id_of_the_header_on_the_403_page(client, intern):
    client.force_login(intern)

    response = client.get(reverse("customers:customer-create"))

    assert response.status_code == 403
    assert _quoted_reference(response) == response["X-Request-ID"]
