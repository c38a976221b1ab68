"""Announcements: a change in a process, a team or the product, told to an audience (everyone,
some roles, some teams), which each reader acknowledges once.

The audience is resolved when it is read, from the people's current role and team: someone who
joins a team sees the announcements made to it, someone who leaves it stops being asked.
"""

import uuid

from django.contrib.auth.models import Group
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import Team, User
from setia.lib.dates import now
from setia.lib.text import LONG_TEXT, at_most


class Kind(models.TextChoices):
    PROCESS = "process", _("Process change")
    TEAM = "team", _("Team change")
    RELEASE = "release", _("Product release")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    ROLES = "roles", _("Some roles")
    TEAMS = "teams", _("Some teams")


def _deeper(reference):
    """`reference` as seen one subquery further in: an id stays an id, an outer reference
    reaches one level further out."""
    if hasattr(reference, "resolve_expression"):
        return OuterRef(reference)
    return reference


class AnnouncementQuerySet(models.QuerySet):
    def published(self):
        """The announcements already published (none is scheduled for later yet)."""
        return self.filter(published_at__lte=now())

    def for_reader(self, user_id, team_id):
        """The announcements whose audience includes the person `user_id` of team `team_id`
        (ids, or outer references from a query over people), by their current groups and team.
        """
        in_role = Announcement.roles.through.objects.filter(
            announcement_id=OuterRef("pk"), group__user=_deeper(user_id)
        )
        in_team = Announcement.teams.through.objects.filter(
            announcement_id=OuterRef("pk"), team_id=_deeper(team_id)
        )
        return self.filter(
            Q(audience=Audience.EVERYONE)
            | Q(Exists(in_role), audience=Audience.ROLES)
            | Q(Exists(in_team), audience=Audience.TEAMS)
        )

    def visible_to(self, user: User):
        """What `user` may open: the announcements made to them; managers and admins (who
        publish them and read their reports) see every one."""
        if user.has_perm("announcements.view_acknowledgement"):
            return self.published()
        return self.published().for_reader(user.pk, user.team_id)

    def read_by(self, user_id):
        """Annotate `acknowledged_at`: when the person `user_id` acknowledged each one, or None."""
        return self.annotate(
            acknowledged_at=models.Subquery(
                Acknowledgement.objects.filter(
                    announcement_id=OuterRef("pk"), user_id=_deeper(user_id)
                ).values("acknowledged_at")[:1]
            )
        )

    def pending_for(self, user_id, team_id):
        """The published announcements the person must still acknowledge (ids or outer
        references, as `for_reader`)."""
        acknowledged = Acknowledgement.objects.filter(
            announcement_id=OuterRef("pk"), user_id=_deeper(user_id)
        )
        return (
            self.published()
            .filter(requires_acknowledgement=True)
            .for_reader(user_id, team_id)
            .exclude(Exists(acknowledged))
        )


class Announcement(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PROCESS)
    title_id = models.CharField(_("title (Indonesian)"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=150)
    body_id = models.TextField(_("text (Indonesian)"), validators=at_most(LONG_TEXT))
    body_en = models.TextField(_("text (English)"), validators=at_most(LONG_TEXT))
    release = models.ForeignKey(
        "engagement.Release",
        verbose_name=_("release"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="announcements",
        help_text=_("The release this announcement is about, as complaints count it."),
    )
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE
    )
    roles = models.ManyToManyField(
        Group, verbose_name=_("roles"), blank=True, related_name="announcements"
    )
    teams = models.ManyToManyField(
        Team, verbose_name=_("teams"), blank=True, related_name="announcements"
    )
    requires_acknowledgement = models.BooleanField(_("requires acknowledgement"), default=True)
    remind_after_days = models.PositiveSmallIntegerField(
        _("remind after (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_(
            "Those who have not acknowledged it by then get an e-mail each day. Empty: no "
            "reminders."
        ),
    )
    published_at = models.DateTimeField(_("published at"), default=now, db_index=True)
    author = models.ForeignKey(
        User,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="announcements_written",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self):
        return self.title_en

    @property
    def title(self) -> str:
        """The title in the active language."""
        return self.title_in(get_language())

    def title_in(self, language: str) -> str:
        """The title in `language` (a language code; Indonesian unless English)."""
        return self.title_en if language == "en" else self.title_id

    @property
    def body(self) -> str:
        """The text in the active language."""
        return self.body_en if get_language() == "en" else self.body_id

    def audience_members(self):
        """The active people this announcement is made to, by their current role and team."""
        people = User.objects.filter(is_active=True)
        if self.audience == Audience.ROLES:
            chosen = User.groups.through.objects.filter(
                user_id=OuterRef("pk"), group__announcements=self
            )
            return people.filter(Exists(chosen))
        if self.audience == Audience.TEAMS:
            return people.filter(
                Exists(
                    self.teams.through.objects.filter(
                        announcement=self, team_id=OuterRef("team_id")
                    )
                )
            )
        return people


class Acknowledgement(models.Model):
    """A person's "I have read this", once per announcement."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="acknowledgements")
    acknowledged_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "user"], name="acknowledgement_once_per_person"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.announcement}"


class Reminder(models.Model):
    """An e-mail reminding a person to read an announcement: at most one a day (the constraint
    is what keeps a job run twice, or two runners, from sending a second)."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="reminders"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "user", "day"], name="reminder_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.announcement} · {self.day}"
