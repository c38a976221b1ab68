"""Actions of the team's cadence: set and change targets, move a person between teams (keeping
the stretch each event counts for), and save the day's checkpoint."""

import datetime

from django.db import IntegrityError, transaction

from setia.accounts.models import Team, User
from setia.announcements.actions import refresh_pending
from setia.cadence.models import ALREADY_SET, Checkpoint, Target, TeamMembership
from setia.lib.dates import now, today

# Earlier than any event: the first stretch of a person who had not moved yet.
HISTORY_BEGINS = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class CadenceError(Exception):
    """A step that cannot be taken; `message` is translatable and user-facing."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def set_target(*, actor: User, data: dict) -> Target:
    """Create a target from validated values (`month`, `kpi`, `name`, `team` or `user`,
    `value`, `manual_actual`). A second target for the same KPI, month and holder is refused."""
    target = Target(set_by=actor, **data)
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError as error:
        raise CadenceError(ALREADY_SET) from error
    return target


@transaction.atomic
def update_target(*, target: Target, actor: User, value: int, manual_actual: int | None) -> Target:
    """Change a target's figure (and a hand-entered KPI's actual)."""
    target.value = value
    if target.is_manual:
        target.manual_actual = manual_actual
    target.set_by = actor
    target.save(update_fields=["value", "manual_actual", "set_by", "updated_at"])
    return target


@transaction.atomic
def delete_target(*, target: Target, actor: User) -> None:
    """Remove a target; the events it counted stay on the timelines."""
    target.delete()


@transaction.atomic
def change_team(*, user: User, team: Team | None, actor: User) -> User:
    """Move `user` to `team` from now on: their current stretch ends, a new one begins, so
    what they did before still counts for the team they were in then. A person with no
    stretch yet gets one for their old team until now, from before anything was recorded
    (events imported from before they joined count for that team too)."""
    moment = now()
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.team_id == (team.pk if team else None):
        return user
    stretches = TeamMembership.objects.filter(user=user)
    if not stretches.exists():
        TeamMembership.objects.create(
            user=user, team_id=user.team_id, started_at=HISTORY_BEGINS, ended_at=moment
        )
    else:
        stretches.filter(ended_at__isnull=True).update(ended_at=moment)
    TeamMembership.objects.create(user=user, team=team, started_at=moment)
    user.team = team
    user.save(update_fields=["team", "updated_at"])
    # The new team's announcements wait for them; the old team's no longer do.
    refresh_pending(User.objects.filter(pk=user.pk))
    return user


@transaction.atomic
def save_checkpoint(*, user: User, data: dict) -> Checkpoint:
    """Save `user`'s checkpoint of today (the one of the day, created or changed): planned,
    done, blockers, note. Earlier days cannot be changed."""
    checkpoint, _created = Checkpoint.objects.update_or_create(
        user=user, day=today(), defaults=data
    )
    return checkpoint
