from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from setia.playbook import actions
from setia.playbook.models import ExampleStore, Objection, PlaybookEntry, PlaybookVersion
from setia.playbook.tests.factories import make_entry
from setia.test import make_store

LIST = reverse("playbook:entry-list")


def _url(name, slug="fashion", *args):
    return reverse(f"playbook:{name}", args=[slug, *args])


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
def test_it_lists_and_shows_the_playbook_to_everyone(client, db, request, persona):
    make_entry(next_review_on=timezone.localdate() - timedelta(days=1))
    client.force_login(request.getfixturevalue(persona))

    listing = client.get(LIST)
    detail = client.get(_url("entry-detail"))
    present = client.get(_url("entry-present"))

    assert (listing.status_code, detail.status_code, present.status_code) == (200, 200, 200)
    assert "Review due" in listing.text or "Perlu ditinjau" in listing.text
    assert "Gratis ongkir" in present.text


def test_it_answers_404_for_an_unknown_category_or_missing_page(client, executive):
    client.force_login(executive)

    assert client.get(_url("entry-detail", "no-such")).status_code == 404
    assert client.get(_url("entry-present", "beauty")).status_code == 404  # no page yet
    assert client.post(_url("entry-publish", "beauty")).status_code == 404


def test_it_shows_a_category_without_a_page(client, executive):
    client.force_login(executive)

    response = client.get(_url("entry-detail", "beauty"))

    assert response.status_code == 200
    assert response.context["entry"] is None


def test_it_redirects_anonymous_visitors(client, db):
    make_entry()
    for url in (LIST, _url("entry-detail"), _url("entry-present"), _url("entry-edit")):
        assert client.get(url).status_code == 302
    assert client.post(_url("entry-publish")).status_code == 302
    assert not PlaybookVersion.objects.exists()


def test_it_refuses_wrong_methods(client, executive):
    make_entry()
    client.force_login(executive)

    assert client.post(LIST).status_code == 405
    assert client.post(_url("entry-present")).status_code == 405
    assert client.get(_url("entry-publish")).status_code == 405


# Editing


def test_it_starts_a_page_with_objections_and_a_review_date(client, executive):
    client.force_login(executive)

    response = client.post(_url("entry-edit", "beauty"), {**EDIT_DATA, "owner": executive.pk})

    assert response.status_code == 302
    entry = PlaybookEntry.objects.get(category__slug="beauty")
    assert entry.talking_point_list == ["Gratis ongkir", "Tema siap pakai"]
    assert list(entry.objections.values_list("objection", "answer")) == [
        ("Biayanya mahal", "Bandingkan dengan komisi marketplace."),
        ("Ribet", "Kami bantu setup."),
    ]
    assert entry.next_review_on == timezone.localdate() + timedelta(days=30)
    assert entry.owner == executive


def test_it_refuses_an_objection_without_an_answer(client, executive):
    client.force_login(executive)

    response = client.post(_url("entry-edit"), {**EDIT_DATA, "objections_text": "Mahal"})

    assert response.status_code == 400
    assert not PlaybookEntry.objects.exists()


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_it_forbids_interns_and_viewers_to_change_the_playbook(
    client, db, request, persona, customer
):
    entry = make_entry()
    store = make_store(customer)
    example = ExampleStore.objects.create(entry=entry, store=store)
    client.force_login(request.getfixturevalue(persona))

    responses = [
        client.post(_url("entry-edit"), EDIT_DATA),
        client.post(_url("example-add"), {"domain": store.domain}),
        client.post(_url("example-delete", "fashion", example.pk)),
        client.post(_url("entry-publish")),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403, 403]
    entry.refresh_from_db()
    assert entry.talking_points == "Gratis ongkir\nTema siap pakai"
    assert ExampleStore.objects.count() == 1
    assert not PlaybookVersion.objects.exists()


def test_it_removes_an_example(client, executive, customer):
    entry = make_entry()
    example = ExampleStore.objects.create(entry=entry, store=make_store(customer))
    client.force_login(executive)

    response = client.post(_url("example-delete", "fashion", example.pk))

    assert response.status_code == 302
    assert not ExampleStore.objects.exists()


# Versions and "what changed since last month"


def test_it_publishes_numbered_snapshots(client, executive, customer):
    entry = make_entry()
    ExampleStore.objects.create(entry=entry, store=make_store(customer, domain="kain.id"))
    Objection.objects.create(entry=entry, objection="Mahal", answer="Tidak.")
    client.force_login(executive)

    first = client.post(_url("entry-publish"), {"note": "Awal"})
    second = client.post(_url("entry-publish"))

    assert (first.status_code, second.status_code) == (302, 302)
    versions = list(PlaybookVersion.objects.order_by("number"))
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
    entry = make_entry()
    with time_machine.travel("2026-10-01 09:00 +0700"):
        actions.publish_entry(entry=entry, actor=executive)
    with time_machine.travel("2026-10-20 09:00 +0700"):
        entry.talking_points = "Gratis ongkir\nBayar di tempat"
        entry.save()
        actions.publish_entry(entry=entry, actor=executive)
    with time_machine.travel("2026-11-05 09:00 +0700"):
        entry.talking_points = "Gratis ongkir\nBayar di tempat\nLive chat"
        entry.save()
        ExampleStore.objects.create(entry=entry, store=make_store(customer, domain="kain.id"))
        actions.publish_entry(entry=entry, actor=executive)
        Objection.objects.create(entry=entry, objection="Mahal", answer="Tidak.")
        client.force_login(executive)

        response = client.get(_url("entry-detail"))

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
    entry = make_entry(next_review_on=timezone.localdate() - timedelta(days=3))
    client.force_login(executive)

    client.post(_url("entry-publish"))

    entry.refresh_from_db()
    assert entry.next_review_on == timezone.localdate() + timedelta(days=30)


def test_it_lists_categories_in_one_query_for_the_rows(
    client, executive, django_assert_max_num_queries
):
    make_entry()
    make_entry(slug="beauty")
    client.force_login(executive)

    with django_assert_max_num_queries(5):
        response = client.get(LIST)

    assert response.status_code == 200
