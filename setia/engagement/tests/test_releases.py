"""The managed list of releases: who reads and edits it, and what the form refuses."""

import datetime

import pytest
from django.urls import reverse

from setia.engagement.models import Release

LIST = reverse("engagement:release-list")
NEW = reverse("engagement:release-create")


def _edit(release) -> str:
    return reverse("engagement:release-edit", args=[release.code])


def test_a_manager_adds_and_edits_a_release(client, manager):
    client.force_login(manager)

    created = client.post(
        NEW,
        {"name": "  Toko   v2 ", "area": "", "released_on": "10/06/2026", "notes": "Satu halaman"},
    )

    assert created.status_code == 302
    release = Release.objects.get()
    assert (release.name, release.area, release.released_on) == (
        "Toko v2",
        "",
        datetime.date(2026, 6, 10),
    )
    edited = client.post(
        _edit(release), {"name": "Toko v2", "area": "performance", "released_on": "2026-06-12"}
    )
    assert edited.status_code == 302
    release.refresh_from_db()
    assert (release.area, release.released_on) == ("performance", datetime.date(2026, 6, 12))
    listed = client.get(LIST)
    assert "Toko v2" in listed.text and "Speed and performance" in listed.text


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "released_on": "2026-06-10"}, "name"),
        ({"name": "toko V1", "released_on": "2026-06-10"}, "name"),
        ({"name": "Toko v3", "released_on": ""}, "released_on"),
        ({"name": "Toko v3", "released_on": "31/02/2026"}, "released_on"),
        ({"name": "Toko v3", "released_on": "0001-01-01"}, "released_on"),
        ({"name": "Toko v3", "released_on": "9999-12-31"}, "released_on"),
        ({"name": "Toko v3", "released_on": "2026-06-10", "area": "speed"}, "area"),
        ({"name": "x" * 61, "released_on": "2026-06-10"}, "name"),
        ({"name": "Toko\x00v3", "released_on": "2026-06-10"}, "name"),
        ({"name": "Toko v3", "released_on": "2026-06-10", "notes": "x" * 2001}, "notes"),
    ],
)
def test_the_form_refuses_with_a_reason(client, manager, data, field):
    Release.objects.create(name="Toko v1", released_on=datetime.date(2024, 1, 5))
    client.force_login(manager)

    response = client.post(NEW, data)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Release.objects.count() == 1


def test_renaming_a_release_to_its_own_name_in_another_case_is_allowed(client, manager):
    release = Release.objects.create(name="Toko v1", released_on=datetime.date(2024, 1, 5))
    client.force_login(manager)

    response = client.post(_edit(release), {"name": "Toko V1", "released_on": "2024-01-05"})

    assert response.status_code == 302
    release.refresh_from_db()
    assert release.name == "Toko V1"


def test_executives_read_the_list_and_only_managers_edit_it(client, executive, viewer):
    release = Release.objects.create(name="Toko v1", released_on=datetime.date(2024, 1, 5))
    for user in (executive, viewer):
        client.force_login(user)
        listed = client.get(LIST)
        assert listed.status_code == 200 and "Toko v1" in listed.text
        assert NEW not in listed.text
        assert client.get(NEW).status_code == 403
        assert (
            client.post(_edit(release), {"name": "x", "released_on": "2024-01-05"}).status_code
            == 403
        )
    release.refresh_from_db()
    assert release.name == "Toko v1"


def test_an_unknown_release_is_a_404(client, manager):
    client.force_login(manager)

    assert (
        client.get(
            reverse("engagement:release-edit", args=["00000000-0000-0000-0000-000000000000"])
        ).status_code
        == 404
    )
