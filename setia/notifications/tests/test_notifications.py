"""The notification centre: `notify`, the unread count on the bell, reading, the pages and
their queries, and who may see what."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from setia.accounts.models import Role
from setia.notifications.actions import mark_all_read, mentioned_users, notify, notify_each
from setia.notifications.models import Kind, Notification
from setia.test import make_user
from setia.work.schedule.actions import ASSIGNED_ONE

HELLO = gettext_noop("%(actor)s assigned you a task: %(title)s")
LIST = reverse("notifications:list")
MENU = reverse("notifications:menu")


def _unread(user) -> int:
    user.refresh_from_db()
    return user.unread_notifications


def test_notify_writes_every_recipient_in_one_insert_and_leaves_the_actor_out(
    django_assert_num_queries, manager, executive, intern
):
    with django_assert_num_queries(2):  # the INSERT and the counts' UPDATE
        told = notify(
            [executive, intern.pk, manager, executive],
            Kind.ASSIGNMENT,
            HELLO,
            params={"actor": manager, "title": "Telepon"},
            link="/work/",
            actor=manager,
        )

    assert told == 2
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
        [executive.pk, intern.pk]
    )
    assert (_unread(executive), _unread(intern), _unread(manager)) == (1, 1, 0)


def test_nobody_to_tell_costs_no_query(django_assert_num_queries, manager):
    with django_assert_num_queries(0):
        assert notify([manager], Kind.MENTION, HELLO, actor=manager) == 0
        assert notify(mentioned_users("no mention here"), Kind.MENTION, HELLO) == 0


def test_an_unknown_kind_is_refused(executive):
    with pytest.raises(ValueError):
        notify([executive], "gossip", HELLO)


def test_each_reader_sees_the_message_in_their_language(executive):
    notify([executive], Kind.ASSIGNMENT, ASSIGNED_ONE, params={"actor": "Maya", "title": "Telepon"})
    notification = Notification.objects.get()
    with translation.override("en"):
        assert notification.text == "Maya assigned you a task: Telepon"
    with translation.override("id"):
        assert notification.text == "Maya memberi Anda tugas: Telepon"


def test_a_message_whose_parameters_are_missing_still_shows(executive):
    notify([executive], Kind.ASSIGNMENT, HELLO, params={"actor": "Maya"})
    with translation.override("en"):
        assert Notification.objects.get().text == "%(actor)s assigned you a task: %(title)s"


def test_per_person_parameters(executive, intern):
    notify_each([(executive, {"count": 2}), (intern, {"count": 5})], Kind.REMINDER, "%(count)s")
    assert dict(Notification.objects.values_list("recipient_id", "params")) == {
        executive.pk: {"count": "2"},
        intern.pk: {"count": "5"},
    }


def test_mentions_name_people_by_their_address_and_never_a_shared_name(team_a):
    budi = make_user(Role.EXECUTIVE, team=team_a, email="budi@example.test")
    make_user(Role.EXECUTIVE, team=team_a, email="sari@one.test")
    make_user(Role.EXECUTIVE, team=team_a, email="sari@two.test")
    make_user(Role.EXECUTIVE, team=team_a, email="gone@example.test", is_active=False)

    found = mentioned_users("Tolong @Budi. cek, cc @sari @gone @nobody, mail budi@example.test")

    assert list(found) == [budi]


def test_the_bell_shows_the_unread_count_without_a_query_of_its_own(client, executive):
    client.force_login(executive)
    before = client.get(reverse("work:my-day")).content.decode()
    assert 'id="bell-count"' not in before
    notify([executive], Kind.ASSIGNMENT, HELLO, params={"actor": "Maya", "title": "Telepon"})

    page = client.get(reverse("work:my-day")).content.decode()

    assert '<span class="bell-count" id="bell-count" aria-hidden="true">1</span>' in page
    assert f'href="{LIST}"' in page and f'hx-get="{MENU}"' in page


def _make(executive, count, **fields):
    for number in range(count):
        params = {"actor": "Maya", "title": f"Tugas {number}"}
        notify([executive], Kind.ASSIGNMENT, HELLO, params=params, link="/work/", **fields)


@pytest.mark.parametrize("count", [1, 60])
def test_the_page_lists_ones_own_paginated_in_fixed_queries(
    client, django_assert_num_queries, executive, intern, count
):
    _make(executive, count)
    _make(intern, 3)
    client.force_login(executive)

    # session, user, the role's permissions (the top bar), the count, the page's rows
    with django_assert_num_queries(5):
        response = client.get(LIST)

    assert response.status_code == 200
    rows = response.context["notifications"]
    assert len(rows) == min(count, 50)
    assert {row.recipient_id for row in rows} == {executive.pk}
    if count > 50:
        assert len(client.get(LIST, {"page": 2}).context["notifications"]) == count - 50


@pytest.mark.parametrize("count", [1, 20])
def test_the_dropdown_shows_the_newest_in_fixed_queries(
    client, django_assert_num_queries, executive, count
):
    _make(executive, count)
    client.force_login(executive)

    with django_assert_num_queries(3):  # session, user, the newest few
        response = client.get(MENU, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert body.count('class="notification is-unread"') == min(count, 8)
    assert f"Tugas {count - 1}" in body


def test_the_dropdown_without_htmx_is_the_page(client, executive):
    client.force_login(executive)
    assert client.get(MENU).url == LIST


def test_opening_one_marks_it_read_and_follows_its_link(client, executive):
    _make(executive, 2)
    first = Notification.objects.order_by("pk").first()
    client.force_login(executive)

    response = client.post(reverse("notifications:read", args=[first.pk]), {"go": "1"})

    assert response.status_code == 302 and response.url == "/work/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert _unread(executive) == 1
    # Again: nothing more is counted.
    client.post(reverse("notifications:read", args=[first.pk]))
    assert _unread(executive) == 1


def test_a_link_off_the_site_is_not_followed(client, executive):
    notify([executive], Kind.ANNOUNCEMENT, HELLO, link="https://evil.example/")
    client.force_login(executive)
    response = client.post(
        reverse("notifications:read", args=[Notification.objects.get().pk]), {"go": "1"}
    )
    assert response.url == LIST


def test_mark_all_read(client, executive, intern):
    _make(executive, 3)
    _make(intern, 1)
    client.force_login(executive)

    response = client.post(reverse("notifications:read-all"))

    assert response.url == LIST
    assert Notification.objects.for_user(executive).unread().count() == 0
    assert (_unread(executive), _unread(intern)) == (0, 1)
    assert mark_all_read(user=executive) == 0


def test_another_persons_notification_is_a_404_and_stays_unread(client, executive, intern):
    _make(intern, 1)
    theirs = Notification.objects.get()
    client.force_login(executive)

    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None and _unread(intern) == 1
    assert "Tugas" not in client.get(LIST).content.decode()


@pytest.mark.parametrize("name", ["list", "menu", "read-all", "preferences"])
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    response = client.get(reverse(f"notifications:{name}"))
    assert response.status_code in (302, 405)


def test_reading_takes_a_post(client, executive):
    _make(executive, 1)
    client.force_login(executive)
    pk = Notification.objects.get().pk
    assert client.get(reverse("notifications:read", args=[pk])).status_code == 405
    assert client.get(reverse("notifications:read-all")).status_code == 405
