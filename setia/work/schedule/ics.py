"""The ICS (iCalendar, RFC 5545) rendering of a user's open tasks."""

import datetime

import icalendar
from django.conf import settings
from django.urls import reverse

from setia.work.schedule.models import Task

# A task is shown as a short event at its due time.
EVENT_LENGTH = datetime.timedelta(minutes=30)


def render_feed(user, tasks: list[Task], *, stamp: datetime.datetime) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Setia//Tasks//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Setia · {user}")
    for task in tasks:
        event = icalendar.Event()
        event.add("uid", f"{task.code}@setia")
        event.add("dtstamp", stamp)
        event.add("dtstart", task.due_at)
        event.add("dtend", task.due_at + EVENT_LENGTH)
        summary = f"{task.title} · {task.customer.name}" if task.customer else task.title
        event.add("summary", summary)
        if task.notes:
            event.add("description", task.notes)
        event.add(
            "url", settings.SITE_URL.rstrip("/") + reverse("work:task-detail", args=[task.code])
        )
        calendar.add_component(event)
    return calendar.to_ical()
