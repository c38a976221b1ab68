"""What people do with playbook runs."""

from django.db import transaction
from django.utils.translation import gettext as _

from setia.history.actions import record_event
from setia.history.models import EventKind
from setia.lib.dates import now
from setia.lib.names import in_reader_language
from setia.work.automation.models import PlaybookRun
from setia.work.automation.reasons import RUN_COMPLETED
from setia.work.schedule.models import Status


@transaction.atomic
def close_run(*, run: PlaybookRun, actor) -> bool:
    """Close an open run as done (the trigger may start the playbook again later) and put it
    on the customer's timeline by `actor`. Returns False for a run already closed: the claim is
    a conditional UPDATE, so two clicks close it, and count it, once."""
    moment = now()
    claimed = PlaybookRun.objects.filter(pk=run.pk, status=Status.OPEN).update(
        status=Status.DONE, closed_at=moment, updated_at=moment
    )
    if not claimed:
        return False
    run.status, run.closed_at = Status.DONE, moment
    playbook = run.playbook
    record_event(
        run.customer,
        EventKind.TASK,
        actor=actor,
        summary=_("Playbook “%(playbook)s” completed")
        % {"playbook": in_reader_language(playbook.name, playbook.name_id)},
        data={
            "run_action": RUN_COMPLETED,
            "playbook": playbook.name,
            "playbook_name_id": playbook.name_id,
        },
        occurred_at=moment,
        source_object=run,
    )
    return True
