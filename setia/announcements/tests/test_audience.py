"""Who an announcement is for: everyone, some roles or some teams, resolved from each person's
current role and team, and the mark that says something waits for them."""

import pytest
from django.contrib.auth.models import Group

from setia.accounts.models import Language, Role, User
from setia.announcements.actions import acknowledge, refresh_pending
from setia.announcements.models import Announcement, Audience
from setia.announcements.tests.factories import publish
from setia.cadence.actions import change_team
from setia.notifications.models import Kind as NotificationKind
from setia.notifications.models import Notification
from setia.test import make_user

pytestmark = pytest.mark.django_db


def _waiting(user) -> bool:
    user.refresh_from_db()
    return user.announcements_pending


def _pending(user) -> list[Announcement]:
    return list(Announcement.objects.pending_for(user.pk, user.team_id))


def test_everyone_means_every_active_person(manager, executive, other_executive, viewer):
    gone = make_user(Role.EXECUTIVE, is_active=False)
    announcement = publish(manager)

    assert set(announcement.audience_members()) == {manager, executive, other_executive, viewer}
    assert all(_waiting(person) for person in (executive, other_executive, viewer, manager))
    assert not _waiting(gone)


def test_roles_mean_the_people_in_those_role_groups(manager, executive, intern, other_executive):
    announcement = publish(
        manager,
        audience=Audience.ROLES,
        roles=Group.objects.filter(name__in=[Role.EXECUTIVE, Role.INTERN]),
    )

    assert set(announcement.audience_members()) == {executive, intern, other_executive}
    assert _pending(intern) == [announcement]
    assert _pending(manager) == []
    assert not _waiting(manager)
    assert _waiting(intern)


def test_teams_follow_the_person_who_changes_team(manager, team_a, team_b, executive):
    mover = make_user(Role.EXECUTIVE, team=team_b)
    announcement = publish(manager, audience=Audience.TEAMS, teams=[team_a])
    assert set(announcement.audience_members()) == {executive}
    assert not _waiting(mover)

    # joining team A: its announcement now waits for them, on their next page
    change_team(user=mover, team=team_a, actor=manager)
    assert set(announcement.audience_members()) == {executive, mover}
    assert _waiting(mover)
    assert _pending(User.objects.get(pk=mover.pk)) == [announcement]

    # leaving it before reading: no longer asked, no longer counted
    change_team(user=mover, team=team_b, actor=manager)
    assert set(announcement.audience_members()) == {executive}
    assert not _waiting(mover)
    assert _pending(User.objects.get(pk=mover.pk)) == []


def test_the_mark_goes_when_the_last_waiting_one_is_acknowledged(manager, executive, team_a):
    first = publish(manager)
    second = publish(manager, audience=Audience.TEAMS, teams=[team_a])
    informative = publish(manager, requires_acknowledgement=False)

    assert _pending(executive) == [second, first]
    acknowledge(announcement=first, user=executive)
    assert _waiting(executive)
    acknowledge(announcement=second, user=executive)
    assert not _waiting(executive)
    assert informative not in _pending(executive)


def test_the_daily_refresh_catches_a_role_changed_in_the_admin(manager, viewer):
    publish(manager, audience=Audience.ROLES, roles=Group.objects.filter(name=Role.EXECUTIVE))
    viewer.groups.set([Group.objects.get(name=Role.EXECUTIVE)])
    assert not _waiting(viewer)

    refresh_pending()
    assert _waiting(viewer)


def test_its_audience_is_notified_in_each_readers_language(manager, executive, intern):
    User.objects.filter(pk=intern.pk).update(language=Language.ENGLISH)
    announcement = publish(
        manager,
        audience=Audience.ROLES,
        roles=Group.objects.filter(name__in=[Role.EXECUTIVE, Role.INTERN, Role.MANAGER]),
    )

    notified = Notification.objects.filter(kind=NotificationKind.ANNOUNCEMENT)
    # everyone in the audience but its author, once, linking to the announcement
    assert sorted(notified.values_list("recipient_id", flat=True)) == sorted(
        [executive.pk, intern.pk]
    )
    titles = {n.recipient_id: n.params["title"] for n in notified}
    assert titles == {executive.pk: "Proses baru", intern.pk: "A new process"}
    assert {n.link for n in notified} == {f"/announcements/{announcement.code}/"}
    intern.refresh_from_db()
    assert intern.unread_notifications == 1
