"""The org chart: who is in which team, who leads it, each person's role and how many customers
they own (two queries, whatever the number of people and customers), and its drawing, an SVG
laid out here: the organisation at the top, a column per team under it (the team, its lead,
then its members), and a last column for the people in no team."""

from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from setia.accounts.models import Role, Team, User
from setia.customers.models import Customer


@dataclass
class Person:
    user: User
    role: str
    owned: int

    @property
    def role_display(self) -> str:
        return str(Role(self.role).label) if self.role else ""


@dataclass
class TeamColumn:
    team: Team | None  # None: the people in no team
    lead: Person | None = None
    members: list[Person] = field(default_factory=list)  # the lead not included

    @property
    def people(self) -> list[Person]:
        return ([self.lead] if self.lead else []) + self.members

    @property
    def owned(self) -> int:
        return sum(person.owned for person in self.people)

    @property
    def name(self) -> str:
        return self.team.name if self.team else _("Not in a team")


def _role_rank():
    """The highest role group of the outer user, as `User.role` reads it (in `Role`'s order)."""
    memberships = User.groups.through.objects.filter(
        user_id=OuterRef("pk"), group__name__in=Role.values
    )
    rank = Case(
        *(When(group__name=role, then=Value(index)) for index, role in enumerate(Role.values)),
        output_field=IntegerField(),
    )
    return Subquery(memberships.annotate(rank=rank).order_by("rank").values("group__name")[:1])


def people():
    """The active people with their team, role (`role_name`) and the number of live customers
    they own (`owned`): one query, a counted subquery per person on the owner index."""
    owned = (
        Customer.objects.alive()
        .filter(owner_id=OuterRef("pk"))
        .order_by()
        .values("owner_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        User.objects.filter(is_active=True)
        .select_related("team")
        .annotate(role_name=_role_rank(), owned=Coalesce(Subquery(owned), 0))
        .order_by("full_name", "pk")
    )


def role_of(user: User) -> str:
    """The role (a `Role` value, or "") of a person read through `people()`."""
    return Role.ADMIN if user.is_superuser else getattr(user, "role_name", None) or ""


def _person(user: User) -> Person:
    return Person(user=user, role=role_of(user), owned=getattr(user, "owned", 0))


def org_chart() -> list[TeamColumn]:
    """Every team (alphabetical) with its lead and members, then the people in no team (when
    there are any): two queries."""
    columns = {team.pk: TeamColumn(team=team) for team in Team.objects.order_by("name", "pk")}
    loose = TeamColumn(team=None)
    everyone = {}
    for user in people():
        person = everyone[user.pk] = _person(user)
        column = columns.get(user.team_id, loose)
        if column.team is not None and column.team.lead_id == user.pk:
            column.lead = person
        else:
            column.members.append(person)
    # A lead kept from before a move (set on the admin site) is shown leading all the same.
    for column in columns.values():
        if column.lead is None and column.team is not None and column.team.lead_id in everyone:
            column.lead = everyone[column.team.lead_id]
    return list(columns.values()) + ([loose] if loose.members else [])


# The drawing's measures, in SVG user units (the SVG scales to the page's width).
BOX_W, BOX_H, GAP, MARGIN = 190, 46, 24, 16
ROOT_Y, TEAM_Y, LEAD_Y = MARGIN, 100, 184
ROW = BOX_H + 14
NAME_CHARS = 24


@dataclass
class Box:
    x: int
    y: int
    lines: list[str]
    kind: str  # root, team, lead, member, vacant
    title: str
    w: int = BOX_W
    h: int = BOX_H


def _short(text: str) -> str:
    return text if len(text) <= NAME_CHARS else text[: NAME_CHARS - 1] + "…"


def _person_lines(person: Person) -> list[str]:
    owned = ngettext("%(count)s customer", "%(count)s customers", person.owned) % {
        "count": person.owned
    }
    detail = f"{person.role_display} · {owned}" if person.role else owned
    return [_short(str(person.user)), detail]


def layout(columns: list[TeamColumn], organisation: str):
    """Boxes and connecting lines of the tree, and the drawing's width and height."""
    width = max(1, len(columns)) * (BOX_W + GAP) - GAP + 2 * MARGIN
    boxes, lines = [], []
    root_x = (width - BOX_W) // 2
    people_count = len({person.user.pk for column in columns for person in column.people})
    root_detail = ngettext("%(count)s person", "%(count)s people", people_count) % {
        "count": people_count
    }
    boxes.append(Box(root_x, ROOT_Y, [_short(organisation), root_detail], "root", organisation))
    bus_y = (ROOT_Y + BOX_H + TEAM_Y) // 2
    if columns:
        lines.append((width // 2, ROOT_Y + BOX_H, width // 2, bus_y))
        first = MARGIN + BOX_W // 2
        last = MARGIN + (len(columns) - 1) * (BOX_W + GAP) + BOX_W // 2
        lines.append((first, bus_y, last, bus_y))
    bottom = ROOT_Y + BOX_H
    for index, column in enumerate(columns):
        x = MARGIN + index * (BOX_W + GAP)
        centre = x + BOX_W // 2
        lines.append((centre, bus_y, centre, TEAM_Y))
        team_detail = ngettext("%(count)s person", "%(count)s people", len(column.people)) % {
            "count": len(column.people)
        }
        owned = ngettext("%(count)s customer", "%(count)s customers", column.owned) % {
            "count": column.owned
        }
        boxes.append(
            Box(x, TEAM_Y, [_short(column.name), f"{team_detail} · {owned}"], "team", column.name)
        )
        lines.append((centre, TEAM_Y + BOX_H, centre, LEAD_Y))
        if column.team is not None:
            if column.lead is not None:
                lead_lines = _person_lines(column.lead)
                title = _("Lead: %(name)s") % {"name": column.lead.user}
                boxes.append(Box(x, LEAD_Y, lead_lines, "lead", title))
            else:
                boxes.append(Box(x, LEAD_Y, [_("No lead")], "vacant", _("No lead")))
            first_member_y = LEAD_Y + BOX_H + 16
        else:
            first_member_y = LEAD_Y
        # Members hang from a line down the column's left edge, an elbow to each.
        spine_x = x + 12
        member_x = x + 24
        last_y = None
        for row, person in enumerate(column.members):
            y = first_member_y + row * ROW
            boxes.append(
                Box(member_x, y, _person_lines(person), "member", str(person.user), w=BOX_W - 24)
            )
            lines.append((spine_x, y + BOX_H // 2, member_x, y + BOX_H // 2))
            last_y = y
        if last_y is not None:
            top = LEAD_Y + BOX_H if column.team is not None else TEAM_Y + BOX_H
            lines.append((spine_x, top, spine_x, last_y + BOX_H // 2))
            bottom = max(bottom, last_y + BOX_H)
        bottom = max(bottom, LEAD_Y + BOX_H)
    return boxes, lines, width, bottom + MARGIN


def render_svg(columns: list[TeamColumn], organisation: str) -> str:
    """The chart as a standalone SVG element (no script, no external reference)."""
    boxes, lines, width, height = layout(columns, organisation)
    context = {
        "boxes": boxes,
        "lines": lines,
        "width": width,
        "height": height,
        "label": _("Org chart of %(name)s") % {"name": organisation},
    }
    return render_to_string("cadence/org/chart.svg", context)
