import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import path, reverse

from setia import urls as project_urls
from setia.core import views


def _boom(request):
    raise RuntimeError("kaboom: secret detail")


# A URLconf for the 500 test: the project's URLs plus one view that fails.
urlpatterns = [path("boom/", _boom), *project_urls.urlpatterns]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


def _assert_friendly(response, status: int) -> None:
    assert response.status_code == status
    assert f'<p class="error-code">{status}</p>' in response.text
    assert "· Setia</title>" in response.text
    assert "Traceback" not in response.text
    assert "kaboom" not in response.text


def test_it_shows_a_friendly_404_to_anonymous_visitors(client):
    response = client.get("/no-such-page/")

    _assert_friendly(response, 404)
    assert [template.name for template in response.templates][:2] == ["404.html", "error.html"]
    assert '<a class="brand" href="/">Setia</a>' in response.text
    assert 'href="/"' in response.text  # a way back


def test_it_shows_a_friendly_404_inside_the_layout_to_users(client, executive):
    client.force_login(executive)

    response = client.get("/no-such-page/")

    _assert_friendly(response, 404)
    assert executive.full_name in response.text
    assert f'href="{reverse("customers:customer-list")}"' in response.text


def test_it_does_not_reveal_another_teams_customer_on_a_404(client, other_executive, customer):
    client.force_login(other_executive)

    response = client.get(customer.get_absolute_url())

    _assert_friendly(response, 404)
    assert customer.name not in response.text


def test_it_shows_a_friendly_403(client, intern):
    client.force_login(intern)

    response = client.get(reverse("customers:customer-create"))

    _assert_friendly(response, 403)
    assert [template.name for template in response.templates][:2] == ["403.html", "error.html"]


@pytest.mark.urls(__name__)
def test_it_shows_a_friendly_500_when_a_view_fails(client, executive, caplog):
    client.force_login(executive)
    client.raise_request_exception = False

    response = client.get("/boom/")

    _assert_friendly(response, 500)
    assert "<title>" in response.text
    # The failure is logged for the operators, not shown.
    assert any("kaboom" in str(record.exc_info[1]) for record in caplog.records if record.exc_info)


def test_it_renders_the_500_page_without_a_request_context():
    # A bare request (no session, no user, no middleware ran) and no database: pytest-django
    # refuses any query in a test without the db fixture, as when the database is what failed.
    request = RequestFactory().get("/")

    response = views.server_error(request)

    assert response.status_code == 500
    text = response.content.decode()
    assert '<p class="error-code">500</p>' in text
    assert "· Setia</title>" in text
    assert 'href="/"' in text
    assert "csrfmiddlewaretoken" not in text


def test_it_renders_the_400_page(rf, db):
    request = rf.get("/")
    request.user = AnonymousUser()

    response = views.bad_request(request)

    assert response.status_code == 400
    assert '<p class="error-code">400</p>' in response.content.decode()
