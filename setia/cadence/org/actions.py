"""Changes to the organisation, each recorded as an `OrgChange`: move a person to another team
(through `cadence.actions.change_team`, which keeps the stretches targets count by), set a
team's lead, change a person's role, and keep the list of topics a person can be asked about."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import Role, Team, User
from setia.cadence.actions import CadenceError, change_team
from setia.cadence.org.models import Expertise, OrgChange
from setia.lib.dates import now

NOT_A_MEMBER = _("Only a member of the team can lead it: move them into the team first.")
SUPERUSER_ROLE = _("A superuser is an admin whatever their role; change that on the admin site.")
OWN_ROLE = _("You cannot change your own role.")
TOO_MANY_TOPICS = _("At most %(count)s topics.")
MAX_TOPICS = 20


@transaction.atomic
def move_person(*, person: User, team: Team | None, actor: User) -> OrgChange | None:
    """Move `person` to `team` (None: out of every team) from now on and record it; None when
    they are there already. A lead who leaves the team they lead stops leading it (recorded as
    the team's lead change)."""
    previous = Team.objects.filter(pk=person.team_id).first() if person.team_id else None
    if previous == team:
        return None
    change_team(user=person, team=team, actor=actor)
    person.team = team
    if previous is not None and previous.lead_id == person.pk:
        set_lead(team=previous, lead=None, actor=actor)
    return OrgChange.objects.create(
        kind=OrgChange.Kind.MOVED,
        person=person,
        team=team,
        previous_team=previous,
        actor=actor,
        at=now(),
    )


@transaction.atomic
def set_lead(*, team: Team, lead: User | None, actor: User) -> OrgChange | None:
    """Make `lead` (a member of `team`) its lead, or leave it without one (None), and record
    it; None when nothing changes."""
    team = Team.objects.select_for_update().get(pk=team.pk)
    if team.lead_id == (lead.pk if lead else None):
        return None
    if lead is not None and lead.team_id != team.pk:
        raise CadenceError(NOT_A_MEMBER)
    previous = team.lead
    team.lead = lead
    team.save(update_fields=["lead", "updated_at"])
    return OrgChange.objects.create(
        kind=OrgChange.Kind.LEAD,
        person=lead,
        previous_person=previous,
        team=team,
        actor=actor,
        at=now(),
    )


@transaction.atomic
def set_role(*, person: User, role: str, actor: User) -> OrgChange | None:
    """Give `person` the role `role` (a `Role` value; its group replaces their other role
    groups) and record it; None when it is theirs already. A superuser's role and one's own
    are refused."""
    before = person.role or ""
    if before == role:
        return None
    if person.is_superuser:
        raise CadenceError(SUPERUSER_ROLE)
    if person.pk == actor.pk:
        raise CadenceError(OWN_ROLE)
    person.groups.remove(*Group.objects.filter(name__in=Role.values))
    person.groups.add(Group.objects.get(name=role))
    # The role is cached with the permissions: read afresh on the next request.
    for cached in ("_role_names", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        person.__dict__.pop(cached, None)
    return OrgChange.objects.create(
        kind=OrgChange.Kind.ROLE,
        person=person,
        role_before=before,
        role_after=role,
        actor=actor,
        at=now(),
    )


@transaction.atomic
def reorganise(
    *, person: User, team: Team | None, role: str | None, actor: User
) -> list[OrgChange]:
    """The change form's step: move `person` to `team` and, when `role` is given, change their
    role, in one transaction; return what was recorded (empty when nothing changed)."""
    changes = [move_person(person=person, team=team, actor=actor)]
    if role:
        changes.append(set_role(person=person, role=role, actor=actor))
    return [change for change in changes if change is not None]


def parse_topics(text: str) -> list[str]:
    """The topics typed in one box, one per line or comma-separated: trimmed, inner spaces
    collapsed, the first spelling of a topic kept when it repeats in another case."""
    topics: dict[str, str] = {}
    for part in text.replace("\n", ",").split(","):
        topic = " ".join(part.split())
        if topic:
            topics.setdefault(topic.casefold(), topic)
    return list(topics.values())


@transaction.atomic
def set_expertise(*, person: User, topics: list[str], actor: User) -> list[Expertise]:
    """Make `topics` the list of what `person` can be asked about: new ones added, missing ones
    removed, the others kept (with when they were first listed)."""
    if len(topics) > MAX_TOPICS:
        raise CadenceError(TOO_MANY_TOPICS % {"count": MAX_TOPICS})
    wanted = {topic.casefold(): topic for topic in topics}
    current = {item.topic.casefold(): item for item in person.expertise.all()}
    gone = [item.pk for key, item in current.items() if key not in wanted]
    Expertise.objects.filter(pk__in=gone).delete()
    Expertise.objects.bulk_create(
        [
            Expertise(person=person, topic=topic)
            for key, topic in wanted.items()
            if key not in current
        ]
    )
    return list(person.expertise.all())
