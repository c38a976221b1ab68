"""A task's steps on a customer's timeline, in the reader's language (see
`setia.history.messages`): the event keeps the step (`task_action`) and the title."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from setia.history import messages

# Timeline text per task step.
SUMMARIES = {
    "created": gettext_noop("Task created: %(title)s"),
    "reassigned": gettext_noop("Task reassigned: %(title)s"),
    "completed": gettext_noop("Task done: %(title)s"),
    "assigned": gettext_noop("Task assigned: %(title)s"),
    "escalated": gettext_noop("Task escalated: %(title)s"),
}


@messages.register("work.task")
def render_task(data: dict, summary: str) -> str | None:
    """“Task done: <title>” for the step the event records."""
    return _(SUMMARIES[data["task_action"]]) % {"title": data["title"]}
