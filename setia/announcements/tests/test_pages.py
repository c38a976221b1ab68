"""The banner on every page until acknowledged, the list, one announcement, publishing, the
read report and who may do what."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from setia.accounts.models import Role
from setia.announcements.actions import acknowledge
from setia.announcements.models import Acknowledgement, Announcement, Audience, Kind
from setia.announcements.tests.factories import publish
from setia.engagement.models import Release
from setia.test import make_user

pytestmark = pytest.mark.django_db

BANNER = "data-announcement-banner"


def test_the_banner_shows_on_every_page_until_acknowledged(client, manager, executive):
    announcement = publish(manager, title_id="Checkout v2 mulai Senin")
    client.force_login(executive)
    for url in (reverse("work:my-day"), reverse("customers:customer-list")):
        page = client.get(url).content.decode()
        assert BANNER in page
        assert "Checkout v2 mulai Senin" in page
        assert reverse("announcements:detail", args=[announcement.code]) in page

    acknowledge = reverse("announcements:acknowledge", args=[announcement.code])
    response = client.post(acknowledge, {"next": reverse("customers:customer-list")})
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:customer-list")

    for url in (reverse("work:my-day"), reverse("customers:customer-list")):
        assert BANNER not in client.get(url).content.decode()


def test_acknowledging_twice_keeps_the_first_moment(client, manager, executive):
    announcement = publish(manager)
    client.force_login(executive)
    url = reverse("announcements:acknowledge", args=[announcement.code])
    client.post(url)
    first = Acknowledgement.objects.get().acknowledged_at
    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("announcements:detail", args=[announcement.code])
    assert Acknowledgement.objects.get().acknowledged_at == first


def test_acknowledging_refuses_get_and_goes_back_only_to_this_site(client, manager, executive):
    announcement = publish(manager)
    client.force_login(executive)
    url = reverse("announcements:acknowledge", args=[announcement.code])
    assert client.get(url).status_code == 405
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("announcements:detail", args=[announcement.code])


def test_the_banner_needs_the_csrf_token(manager, executive):
    from django.test import Client

    announcement = publish(manager)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(executive)
    url = reverse("announcements:acknowledge", args=[announcement.code])
    assert browser.post(url).status_code == 403
    assert not Acknowledgement.objects.exists()


def test_the_banner_costs_no_query_to_those_with_nothing_to_read(
    client, manager, executive, team_b
):
    publish(manager, audience=Audience.TEAMS, teams=[team_b])
    client.force_login(executive)
    client.get(reverse("work:my-day"))  # the session and caches warmed
    with CaptureQueriesContext(connection) as nothing:
        page = client.get(reverse("work:my-day")).content.decode()
    assert BANNER not in page
    assert not any("announcements_announcement" in q["sql"] for q in nothing.captured_queries)

    publish(manager)
    with CaptureQueriesContext(connection) as waiting:
        page = client.get(reverse("work:my-day")).content.decode()
    # the waiting announcement: one query to show it
    assert BANNER in page
    assert len(waiting.captured_queries) == len(nothing.captured_queries) + 1


def test_the_list_puts_my_unread_first_and_hides_others_teams(
    client, manager, executive, team_a, team_b
):
    read = publish(manager, title_id="Old and read")
    unread = publish(manager, title_id="Still to read", audience=Audience.TEAMS, teams=[team_a])
    publish(manager, title_id="For team B", audience=Audience.TEAMS, teams=[team_b])
    Announcement.objects.filter(pk=unread.pk).update(
        published_at=read.published_at.replace(year=2020)
    )
    Acknowledgement.objects.create(announcement=read, user=executive)
    client.force_login(executive)

    response = client.get(reverse("announcements:list"))
    titles = [announcement.title for announcement in response.context["page"].object_list]
    assert titles == ["Still to read", "Old and read"]
    assert "For team B" not in response.content.decode()


def test_the_list_is_paginated(client, manager, executive, settings):
    settings.PAGE_SIZE = 5
    for number in range(7):
        publish(manager, title_id=f"Pengumuman {number}")
    client.force_login(executive)
    first = client.get(reverse("announcements:list"))
    second = client.get(reverse("announcements:list"), {"page": 2})
    assert len(first.context["page"].object_list) == 5
    assert len(second.context["page"].object_list) == 2


def test_an_announcement_of_another_team_is_a_404(client, manager, other_executive, team_a):
    announcement = publish(manager, audience=Audience.TEAMS, teams=[team_a])
    client.force_login(other_executive)
    for name in ("announcements:detail", "announcements:report"):
        assert client.get(reverse(name, args=[announcement.code])).status_code in (403, 404)
    assert client.get(reverse("announcements:detail", args=[announcement.code])).status_code == 404
    response = client.post(reverse("announcements:acknowledge", args=[announcement.code]))
    assert response.status_code == 404
    assert not Acknowledgement.objects.exists()


def test_only_managers_and_admins_publish_and_read_reports(
    client, manager, admin_user, executive, intern
):
    announcement = publish(manager)
    for person in (executive, intern):
        client.force_login(person)
        assert client.get(reverse("announcements:create")).status_code == 403
        assert client.post(reverse("announcements:create"), {}).status_code == 403
        report = reverse("announcements:report", args=[announcement.code])
        assert client.get(report).status_code == 403
        csv_url = reverse("announcements:report-csv", args=[announcement.code])
        assert client.get(csv_url).status_code == 403
    for person in (manager, admin_user):
        client.force_login(person)
        assert client.get(reverse("announcements:create")).status_code == 200
        report = reverse("announcements:report", args=[announcement.code])
        assert client.get(report).status_code == 200


def test_a_manager_publishes_a_release_announcement_for_two_roles(client, manager, executive):
    release = Release.objects.create(name="Toko v2", released_on="2026-08-01")
    client.force_login(manager)
    from django.contrib.auth.models import Group

    roles = Group.objects.filter(name__in=[Role.EXECUTIVE, Role.INTERN]).order_by("pk")
    response = client.post(
        reverse("announcements:create"),
        {
            "kind": Kind.RELEASE,
            "title_id": "Toko v2 rilis",
            "title_en": "Toko v2 is out",
            "body_id": "Tampilan baru.",
            "body_en": "A new look.",
            "release": release.pk,
            "audience": Audience.ROLES,
            "roles": [group.pk for group in roles],
            "requires_acknowledgement": "on",
            "remind_after_days": "3",
        },
    )
    announcement = Announcement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("announcements:detail", args=[announcement.code])
    assert announcement.release == release
    assert announcement.author == manager
    assert set(announcement.roles.values_list("name", flat=True)) == {"executive", "intern"}
    assert list(announcement.audience_members()) == [executive]
    executive.refresh_from_db()
    assert executive.announcements_pending
    assert release.announcements.get() == announcement


def test_bad_input_is_refused_in_the_readers_language_and_saves_nothing(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("announcements:create"),
        {
            "kind": Kind.RELEASE,
            "title_id": "Tanpa rilis",
            "title_en": "No release",
            "body_id": "x",
            "body_en": "x",
            "audience": Audience.TEAMS,
            "remind_after_days": "500",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Pilih minimal satu tim." in page
    assert "Pilih rilis yang dibahas pengumuman ini." in page
    assert not Announcement.objects.exists()


def test_the_read_report_counts_who_has_read_and_who_has_not(client, manager, team_a, team_b):
    readers = [make_user(Role.EXECUTIVE, team=team_a, full_name=f"Pembaca {n}") for n in range(3)]
    for number in range(2):
        make_user(Role.INTERN, team=team_a, full_name=f"Belum {number}")
    make_user(Role.EXECUTIVE, team=team_b, full_name="Tim Lain")
    announcement = publish(manager, audience=Audience.TEAMS, teams=[team_a])
    for person in readers:
        Acknowledgement.objects.create(announcement=announcement, user=person)
    client.force_login(manager)

    response = client.get(reverse("announcements:report", args=[announcement.code]))
    figures = response.context["figures"]
    assert figures == {"audience": 5, "acknowledged": 3, "pending": 2, "percent": 60}
    names = [person.full_name for person in response.context["page"].object_list]
    assert names[:2] == ["Belum 0", "Belum 1"]  # not yet first
    assert sorted(names[2:]) == ["Pembaca 0", "Pembaca 1", "Pembaca 2"]
    assert "Tim Lain" not in response.content.decode()

    pending = client.get(
        reverse("announcements:report", args=[announcement.code]), {"status": "pending"}
    )
    assert [p.full_name for p in pending.context["page"].object_list] == ["Belum 0", "Belum 1"]
    odd = client.get(reverse("announcements:report", args=[announcement.code]), {"status": "x"})
    assert odd.status_code == 400

    download = client.get(reverse("announcements:report-csv", args=[announcement.code]))
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Nama", "Email", "Tim", "Dibaca pada"]
    assert len(rows) == 6
    assert [row[0] for row in rows[1:3]] == ["Belum 0", "Belum 1"]
    assert all(row[3] == "" for row in rows[1:3]) and all(row[3] for row in rows[3:])


def test_the_pages_are_a_fixed_number_of_queries(
    client, manager, executive, team_a, django_assert_num_queries
):
    for _number in range(3):
        announcement = publish(manager, audience=Audience.TEAMS, teams=[team_a])
        acknowledge(announcement=announcement, user=executive)
    for _number in range(3):
        make_user(Role.INTERN, team=team_a)
    client.force_login(executive)
    with django_assert_num_queries(LIST_QUERIES):
        client.get(reverse("announcements:list"))
    with django_assert_num_queries(DETAIL_QUERIES):
        client.get(reverse("announcements:detail", args=[announcement.code]))
    client.force_login(manager)
    with django_assert_num_queries(REPORT_QUERIES):
        client.get(reverse("announcements:report", args=[announcement.code]))


# session, user, permissions, the count, the page
LIST_QUERIES = 5
# session, user, permissions, the announcement, whether the reader is in its audience
DETAIL_QUERIES = 5
# session, user, permissions, the announcement, the figures, the page
REPORT_QUERIES = 6
