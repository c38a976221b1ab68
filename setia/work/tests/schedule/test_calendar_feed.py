import icalendar
from django.urls import reverse

from setia.work.schedule import actions
from setia.work.schedule.models import CalendarFeed
from setia.work.tests.factories import at, make_task


def _feed_path(client, user) -> str:
    client.force_login(user)
    client.post(reverse("work:feed-enable"))
    url = client.get(reverse("work:my-day")).context["feed_url"]
    client.logout()
    return url.removeprefix("http://testserver")


def test_the_feed_parses_back_with_the_users_open_tasks(client, executive, customer, intern):
    task = make_task(owner=executive, title="Kickoff", customer=customer, due_at=at(12, 10))
    make_task(owner=executive, title="Finished", status="done")
    make_task(owner=intern, title="Not mine")
    path = _feed_path(client, executive)

    response = client.get(path)  # no session: calendar apps cannot log in

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["uid"]) == f"{task.code}@setia"
    assert str(event["summary"]) == "Kickoff · Batik Lestari"
    assert event.decoded("dtstart") == at(12, 10)
    assert str(event["url"]).endswith(f"/work/tasks/{task.code}/")


def test_a_revoked_feed_is_dead(client, executive):
    make_task(owner=executive)
    path = _feed_path(client, executive)
    assert client.get(path).status_code == 200

    client.force_login(executive)
    assert client.post(reverse("work:feed-revoke")).status_code == 302
    client.logout()

    assert client.get(path).status_code == 404
    # turning it on again makes a new address; the old one stays dead
    new_path = _feed_path(client, executive)
    assert new_path != path
    assert client.get(path).status_code == 404
    assert client.get(new_path).status_code == 200


def test_a_forged_or_altered_token_is_a_404(client, executive, intern):
    path = _feed_path(client, executive)
    feed = CalendarFeed.objects.get(user=executive)
    forged = reverse("work:feed", args=["x" + actions.feed_token(feed)[1:]])
    assert client.get(forged).status_code == 404
    assert client.get(reverse("work:feed", args=["garbage"])).status_code == 404
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 405


def test_feed_switches_follow_the_matrix(client, viewer, executive):
    for name in ("work:feed-enable", "work:feed-revoke"):
        assert client.post(reverse(name)).status_code == 302  # anonymous: to login
    client.force_login(viewer)
    assert client.post(reverse("work:feed-enable")).status_code == 403
    assert CalendarFeed.objects.count() == 0
    client.force_login(executive)
    assert client.get(reverse("work:feed-enable")).status_code == 405
    assert CalendarFeed.objects.count() == 0
