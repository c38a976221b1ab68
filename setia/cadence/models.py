"""The team's cadence: monthly targets per team or person, the team history that says whose
team an event counts for, and each person's daily checkpoint."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from setia.cadence.kpis import BY_CODE, KPIS, MANUAL

# 1:1s, reassignments and the org chart live in their own packages; imported here so that Django registers
# them.
from setia.cadence.oneonones.models import (  # noqa: F401
    ActionItem,
    AgendaItem,
    Meeting,
    OneOnOne,
    PrivateNote,
)
from setia.cadence.org.models import Expertise, OrgChange  # noqa: F401
from setia.cadence.reassign.models import (  # noqa: F401
    ReassignedCustomer,
    ReassignedTask,
    Reassignment,
)


class TeamMembership(models.Model):
    """A stretch of time a person was in a team: `started_at` up to `ended_at` (open while they
    still are). The stretches of one person do not overlap (`actions.change_team` closes one
    before opening the next), so an event is counted for at most one team.

    A person with no stretch at all (never moved since the history began) counts for their
    current team."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="team_memberships",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "started_at"]
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        indexes = [
            models.Index(fields=["user", "started_at"], name="membership_user_idx"),
        ]

    def __str__(self):
        return f"{self.user} · {self.team or '—'}"


class TargetQuerySet(models.QuerySet):
    def of_month(self, month):
        """Targets of the month starting on `month` (a first-of-month date)."""
        return self.filter(month=month)

    def for_person(self, user):
        """Targets `user` works towards: their own and their current team's."""
        scope = Q(user=user)
        if user.team_id:
            scope |= Q(team_id=user.team_id)
        return self.filter(scope)


ALREADY_SET = _("This team or person already has a target for that KPI this month.")


class Target(models.Model):
    """A KPI's target for one month, set by a manager for a team or for one person (exactly
    one of the two). A hand-entered KPI (`kpi == "manual"`) carries its own name and the actual
    the manager types in; the others' actuals are counted from the timeline (`kpis.actuals`)."""

    month = models.DateField(_("month"))  # the first day of the month
    kpi = models.CharField(_("KPI"), max_length=30, choices=[(kpi.code, kpi.label) for kpi in KPIS])
    name = models.CharField(_("name"), max_length=100, blank=True)
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
    )
    value = models.PositiveBigIntegerField(_("target"))
    manual_actual = models.PositiveBigIntegerField(_("actual"), null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        # Teams' targets first, then people's.
        ordering = [
            "month",
            models.F("team__name").asc(nulls_last=True),
            "user__full_name",
            "kpi",
            "id",
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(team__isnull=True, user__isnull=False)
                | Q(team__isnull=False, user__isnull=True),
                name="target_team_or_person",
            ),
            # One target per KPI, month and team or person; hand-entered KPIs differ by name.
            models.UniqueConstraint(
                fields=["month", "kpi", "name", "team"],
                condition=Q(team__isnull=False),
                name="target_unique_team",
                violation_error_message=ALREADY_SET,
            ),
            models.UniqueConstraint(
                fields=["month", "kpi", "name", "user"],
                condition=Q(user__isnull=False),
                name="target_unique_person",
                violation_error_message=ALREADY_SET,
            ),
        ]
        indexes = [models.Index(fields=["month", "user"], name="target_month_user_idx")]

    def __str__(self):
        return f"{self.display_name} {self.month:%Y-%m}: {self.value}"

    @property
    def is_manual(self) -> bool:
        return self.kpi == MANUAL

    @property
    def is_rupiah(self) -> bool:
        """Whether the target and its actual are rupiah (GMV, revenue kept), not a count."""
        return BY_CODE[self.kpi].rupiah

    @property
    def display_name(self) -> str:
        return self.name if self.is_manual else str(self.get_kpi_display())

    @property
    def holder(self):
        return self.team if self.team_id else self.user


class Checkpoint(models.Model):
    """A person's note of the day: what was planned, what got done, what blocks them and a
    short note. One per person per day; it can be edited during that day only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="checkpoints",
    )
    day = models.DateField(_("day"))
    planned = models.TextField(_("planned"), blank=True, max_length=2000)
    done = models.TextField(_("done"), blank=True, max_length=2000)
    blockers = models.TextField(_("blockers"), blank=True, max_length=2000)
    note = models.CharField(_("note"), blank=True, max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day", "user"]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="checkpoint_once_a_day"),
        ]
        indexes = [models.Index(fields=["day", "user"], name="checkpoint_day_idx")]

    def __str__(self):
        return f"{self.user} {self.day}"


class WeeklyRecipient(models.Model):
    """An address the weekly update is e-mailed to every Monday besides the team leads and
    managers: one team's update, or every team's when `team` is empty. Admins keep the list."""

    email = models.EmailField(_("e-mail address"))
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="weekly_recipients",
        help_text=_("Empty: every team's update."),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["email", "id"]
        verbose_name = _("weekly update recipient")
        verbose_name_plural = _("weekly update recipients")
        constraints = [
            models.UniqueConstraint(
                fields=["email", "team"],
                condition=Q(team__isnull=False),
                name="weekly_recipient_team_once",
                violation_error_message=_("This address already receives that update."),
            ),
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(team__isnull=True),
                name="weekly_recipient_all_once",
                violation_error_message=_("This address already receives that update."),
            ),
        ]

    def __str__(self):
        return self.email


class WeeklySend(models.Model):
    """The Monday e-mail of one team's weekly update, sent: at most one per week and team (a
    unique constraint, claimed before sending), so a job that runs twice sends once."""

    monday = models.DateField(_("week"))
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="+"
    )
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-monday", "team"]
        verbose_name = _("weekly update sent")
        verbose_name_plural = _("weekly updates sent")
        constraints = [
            models.UniqueConstraint(fields=["monday", "team"], name="weekly_send_once"),
        ]

    def __str__(self):
        return f"{self.team} {self.monday}"


class KpiDay(models.Model):
    """One figure of one person's day (in the team's time zone), at the team they were in: the
    rollup a month's actuals read instead of every event of the month (see `kpis`). `team` is
    empty for a person in no team that day, and for the owned GMV, whose team is the owner's at
    the reported period's end and is found when it is read. Written only by
    `kpis.build_rollup`, which replaces whole months."""

    day = models.DateField()
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A KPI's code, or one of the NPS's three counts.
    figure = models.CharField(max_length=30)
    value = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "figure"], name="kpi_day_idx")]

    def __str__(self):
        return f"{self.day} {self.person_id} {self.figure}={self.value}"


class KpiRollup(models.Model):
    """One build of the rollup: the days from `since` on (until the next build's `since`) hold
    the events up to `events_upto` and the onboarding stage changes up to `changes_upto`; later
    ones are counted live (`kpis.actuals`), so a figure never waits for the next build."""

    since = models.DateField(unique=True)  # the first day of a month
    events_upto = models.BigIntegerField()
    changes_upto = models.BigIntegerField()
    built_at = models.DateTimeField()

    class Meta:
        ordering = ["since"]

    def __str__(self):
        return f"{self.since} ≤ {self.events_upto}"
