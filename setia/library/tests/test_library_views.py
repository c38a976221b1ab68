from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from setia.library import actions
from setia.library.models import ExampleStore, Guide, GuideVersion, Objection
from setia.library.tests.factories import make_guide
from setia.test import make_store

LIST = reverse("library:guide-list")


def _url(name, slug="fashion", *args):
    return reverse(f"library:{name}", args=[slug, *args])


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


EDIT_DATA = {
    "summary": "Toko fashion butuh katalog rapi.",
    "talking_points": "Gratis ongkir\n\nTema siap pakai\n",
    "template_names": "Butik\nLookbook",
    "next_review_on": "",
    "objections_text": "Biayanya mahal\nBandingkan dengan komisi marketplace.\n\nRibet\nKami bantu setup.",
}


# Reading


@pytest.mark.parametrize("persona", ["manager", "executive", "intern", "viewer"])
def test_it_lists_and_shows_the_library_to_everyone(client, db, request, persona):
    make_guide(next_review_on=timezone.localdate() - timedelta(days=1))
    client.force_login(request.getfixturevalue(persona))

    listing = client.get(LIST)
    detail = client.get(_url("guide-detail"))
    present = client.get(_url("guide-present"))

    assert (listing.status_code, detail.status_code, present.status_code) == (200, 200, 200)
    assert "Review due" in listing.text or "Perlu ditinjau" in listing.text
    assert "Gratis ongkir" in present.text


def test_it_answers_404_for_an_unknown_category_or_missing_page(client, executive):
    client.force_login(executive)

    assert client.get(_url("guide-detail", "no-such")).status_code == 404
    assert client.get(_url("guide-present", "beauty")).status_code == 404  # no page yet
    assert client.post(_url("guide-publish", "beauty")).status_code == 404


def test_it_shows_a_category_without_a_page(client, executive):
    client.force_login(executive)

    response = client.get(_url("guide-detail", "beauty"))

    assert response.status_code == 200
    assert response.context["guide"] is None


def test_it_redirects_anonymous_visitors(client, db):
    make_guide()
    for url in (LIST, _url("guide-detail"), _url("guide-present"), _url("guide-edit")):
        assert client.get(url).status_code == 302
    assert client.post(_url("guide-publish")).status_code == 302
    assert not GuideVersion.objects.exists()


def test_it_refuses_wrong_methods(client, executive):
    make_guide()
    client.force_login(executive)

    assert client.post(LIST).status_code == 405
    assert client.post(_url("guide-present")).status_code == 405
    assert client.get(_url("guide-publish")).status_code == 405


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/playbook/", "/library/"),
        ("/playbook/fashion/", "/library/fashion/"),
        ("/playbook/fashion/present/?page=2", "/library/fashion/present/?page=2"),
    ],
)
def test_it_sends_bookmarks_of_the_old_address_on_for_good(client, db, old, new):
    response = client.get(old)

    assert (response.status_code, response["Location"]) == (301, new)


# Editing


def test_it_starts_a_page_with_objections_and_a_review_date(client, executive):
    client.force_login(executive)

    response = client.post(_url("guide-edit", "beauty"), {**EDIT_DATA, "owner": executive.pk})

    assert response.status_code == 302
    guide = Guide.objects.get(category__slug="beauty")
    assert guide.talking_point_list == ["Gratis ongkir", "Tema siap pakai"]
    assert list(guide.objections.values_list("objection", "answer")) == [
        ("Biayanya mahal", "Bandingkan dengan komisi marketplace."),
        ("Ribet", "Kami bantu setup."),
    ]
    assert guide.next_review_on == timezone.localdate() + timedelta(days=30)
    assert guide.owner == executive


def test_it_refuses_an_objection_without_an_answer(client, executive):
    client.force_login(executive)

    response = client.post(_url("guide-edit"), {**EDIT_DATA, "objections_text": "Mahal"})

    assert response.status_code == 400
    assert not Guide.objects.exists()


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_it_forbids_interns_and_viewers_to_change_the_library(
    client, db, request, persona, customer
):
    guide = make_guide()
    store = make_store(customer)
    example = ExampleStore.objects.create(guide=guide, store=store)
    client.force_login(request.getfixturevalue(persona))

    responses = [
        client.post(_url("guide-edit"), EDIT_DATA),
        client.post(_url("example-add"), {"domain": store.domain}),
        client.post(_url("example-delete", "fashion", example.pk)),
        client.post(_url("guide-publish")),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403, 403]
    guide.refresh_from_db()
    assert guide.talking_points == "Gratis ongkir\nTema siap pakai"
    assert ExampleStore.objects.count() == 1
    assert not GuideVersion.objects.exists()


def test_it_removes_an_example(client, executive, customer):
    guide = make_guide()
    example = ExampleStore.objects.create(guide=guide, store=make_store(customer))
    client.force_login(executive)

    response = client.post(_url("example-delete", "fashion", example.pk))

    assert response.status_code == 302
    assert not ExampleStore.objects.exists()


# Versions and "what changed since last month"


def test_it_publishes_numbered_snapshots(client, executive, customer):
    guide = make_guide()
    ExampleStore.objects.create(guide=guide, store=make_store(customer, domain="kain.id"))
    Objection.objects.create(guide=guide, objection="Mahal", answer="Tidak.")
    client.force_login(executive)

    first = client.post(_url("guide-publish"), {"note": "Awal"})
    second = client.post(_url("guide-publish"))

    assert (first.status_code, second.status_code) == (302, 302)
    versions = list(GuideVersion.objects.order_by("number"))
    assert [version.number for version in versions] == [1, 2]
    assert versions[0].snapshot == {
        "summary": "",
        "talking_points": ["Gratis ongkir", "Tema siap pakai"],
        "template_names": [],
        "examples": [
            {"domain": "kain.id", "customer": "Batik Lestari", "note": "", "screenshot": ""}
        ],
        "objections": [{"objection": "Mahal", "answer": "Tidak."}],
    }
    assert (versions[0].note, versions[0].published_by) == ("Awal", executive)


def test_it_shows_what_changed_since_last_month(client, executive, customer):
    guide = make_guide()
    with time_machine.travel("2026-10-01 09:00 +0700"):
        actions.publish_guide(guide=guide, actor=executive)
    with time_machine.travel("2026-10-20 09:00 +0700"):
        guide.talking_points = "Gratis ongkir\nBayar di tempat"
        guide.save()
        actions.publish_guide(guide=guide, actor=executive)
    with time_machine.travel("2026-11-05 09:00 +0700"):
        guide.talking_points = "Gratis ongkir\nBayar di tempat\nLive chat"
        guide.save()
        ExampleStore.objects.create(guide=guide, store=make_store(customer, domain="kain.id"))
        actions.publish_guide(guide=guide, actor=executive)
        Objection.objects.create(guide=guide, objection="Mahal", answer="Tidak.")
        client.force_login(executive)

        response = client.get(_url("guide-detail"))

    # v3 (5 Nov) against v1 (1 Oct), the newest version at least a month older.
    assert response.context["baseline"].number == 1
    changes = {(c["kind"], c["text"]) for c in response.context["monthly_changes"]}
    assert changes == {
        ("added", "Bayar di tempat"),
        ("added", "Live chat"),
        ("removed", "Tema siap pakai"),
        ("added", "kain.id (Batik Lestari)"),
    }
    assert [(c["kind"], c["text"]) for c in response.context["unpublished"]] == [("added", "Mahal")]


def test_it_moves_the_review_date_when_publishing(client, executive):
    guide = make_guide(next_review_on=timezone.localdate() - timedelta(days=3))
    client.force_login(executive)

    client.post(_url("guide-publish"))

    guide.refresh_from_db()
    assert guide.next_review_on == timezone.localdate() + timedelta(days=30)


def test_it_lists_categories_in_one_query_for_the_rows(
    client, executive, django_assert_max_num_queries
):
    make_guide()
    make_guide(slug="beauty")
    client.force_login(executive)

    with django_assert_max_num_queries(5):
        response = client.get(LIST)

    assert response.status_code == 200
