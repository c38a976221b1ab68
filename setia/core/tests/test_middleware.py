import re

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path, reverse
from django.views.decorators.cache import never_cache

from setia import urls as project_urls
from setia.lib.logs import request_id
from setia.work.schedule import actions as schedule_actions


def _echo_request_id(request):
    # What a log line written inside the view would carry.
    return HttpResponse(f"{request.request_id}|{request_id.get()}")


@never_cache
def _never_cached(request):
    return HttpResponse("fresh")


def _publicly_cached(request):
    response = HttpResponse("cached")
    response["Cache-Control"] = "public, max-age=3600"
    return response


urlpatterns = [
    path("echo-id/", _echo_request_id),
    path("never-cached/", _never_cached),
    path("publicly-cached/", _publicly_cached),
    *project_urls.urlpatterns,
]


def test_it_marks_pages_fragments_exports_and_the_360_page_private_no_store(
    client, executive, customer
):
    client.force_login(executive)
    list_url = reverse("customers:customer-list")

    responses = {
        "list": client.get(list_url),
        "htmx fragment": client.get(list_url, {"q": "xyz"}, headers={"HX-Request": "true"}),
        "360": client.get(customer.get_absolute_url()),
        "csv": client.get(reverse("exports:customers-csv")),
        "xlsx": client.get(reverse("exports:customers-xlsx")),
    }

    assert {name: response.status_code for name, response in responses.items()} == dict.fromkeys(
        responses, 200
    )
    assert {name: response["Cache-Control"] for name, response in responses.items()} == (
        dict.fromkeys(responses, "private, no-store")
    )


def test_it_marks_the_calendar_feed_private_no_store(client, executive):
    feed = schedule_actions.enable_feed(user=executive)

    response = client.get(reverse("work:feed", args=[schedule_actions.feed_token(feed)]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.urls(__name__)
def test_it_keeps_a_stricter_header_and_replaces_a_weaker_one(client, db):
    never_cached = client.get("/never-cached/")
    publicly_cached = client.get("/publicly-cached/")

    assert (
        never_cached["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    )
    assert publicly_cached["Cache-Control"] == "private, no-store"


def test_it_leaves_static_files_to_whitenoise(db, tmp_path):
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")  # as in production
    with override_settings(
        MIDDLEWARE=middleware, WHITENOISE_USE_FINDERS=True, STATIC_ROOT=tmp_path
    ):
        response = Client().get("/static/css/setia.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert response["Cache-Control"] == "max-age=60, public"


@pytest.mark.urls(__name__)
def test_it_gives_each_request_an_id_in_the_header_the_request_and_the_log(client, db):
    first = client.get("/echo-id/")
    second = client.get("/echo-id/")

    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first.text == f"{first['X-Request-ID']}|{first['X-Request-ID']}"
    assert second["X-Request-ID"] != first["X-Request-ID"]
    assert request_id.get() == "-"  # reset after the request


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("0f3c9a7e5b2d4e1f8a6b0c9d7e5f3a1b", True),  # nginx's $request_id
        ("req-2024.05.04_abc", True),
        ("short", False),
        ("x" * 65, False),
        ("abc def ghi jkl", False),
        ("abc\u202edef-ghi", False),
        ("<script>alert(1)</script>", False),
    ],
)
def test_it_keeps_a_sane_incoming_request_id_only(client, db, incoming, kept):
    response = client.get("/echo-id/", headers={"X-Request-ID": incoming})

    assert (response["X-Request-ID"] == incoming) is kept
    assert re.fullmatch(r"[A-Za-z0-9._-]{8,64}", response["X-Request-ID"])
