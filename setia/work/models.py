"""The models of the work app, defined in its packages by domain (`schedule`, `onboarding`,
`automation`) and imported here so that Django registers them. A model takes the label of the
app whose package holds its module, so they are `work.Task`, `work.Stage`... with no
`Meta.app_label`. Import them from their package, not from here."""

from setia.work.automation.models import Playbook, PlaybookRun, PlaybookStep, TriggerRule
from setia.work.onboarding.models import Onboarding, Stage, StageChange, StageTaskTemplate
from setia.work.schedule.models import CalendarFeed, ChecklistItem, Task, _new_feed_key

__all__ = [
    "CalendarFeed",
    "ChecklistItem",
    "Onboarding",
    "Playbook",
    "PlaybookRun",
    "PlaybookStep",
    "Stage",
    "StageChange",
    "StageTaskTemplate",
    "Task",
    "TriggerRule",
    # The first migration names the feed key's default by this path.
    "_new_feed_key",
]
