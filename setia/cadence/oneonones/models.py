"""1:1s: a recurring meeting between a lead and a member of their team, each meeting with an
agenda both add to, shared notes (impressions, obstacles, ideas), a private note per writer and
action items that become tasks.

Only the two people see a 1:1: not managers, not admins (no admin page either). What is said
there is theirs; what must reach others becomes a task."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from setia.lib.dates import add_months
from setia.lib.text import MEDIUM_TEXT, at_most


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Every month")


def following(day: datetime.date, cadence: str) -> datetime.date:
    """The meeting after one on `day`, at `cadence`."""
    if cadence == Cadence.WEEKLY:
        return day + datetime.timedelta(days=7)
    if cadence == Cadence.BIWEEKLY:
        return day + datetime.timedelta(days=14)
    return add_months(day, 1)


class OneOnOneQuerySet(models.QuerySet):
    def involving(self, user):
        """The 1:1s `user` is one of the two people of."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(lead=user) | Q(member=user))


class OneOnOne(models.Model):
    """A series of 1:1s between a lead and a member, at a cadence, with the next date."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead"),
        on_delete=models.PROTECT,
        related_name="one_on_ones_led",
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="one_on_ones",
    )
    cadence = models.CharField(
        _("cadence"), max_length=10, choices=Cadence.choices, default=Cadence.WEEKLY
    )
    next_date = models.DateField(_("next meeting"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OneOnOneQuerySet.as_manager()

    class Meta:
        ordering = ["next_date", "id"]
        verbose_name = _("1:1")
        verbose_name_plural = _("1:1s")
        constraints = [
            models.UniqueConstraint(fields=["lead", "member"], name="one_on_one_once"),
            models.CheckConstraint(
                condition=~Q(lead=models.F("member")), name="one_on_one_two_people"
            ),
        ]
        indexes = [models.Index(fields=["member", "next_date"], name="one_on_one_member_idx")]

    def __str__(self):
        return f"{self.lead} · {self.member}"

    def get_absolute_url(self):
        return reverse("cadence:one-on-one", args=[self.code])

    def other(self, user):
        """The other person of the 1:1, for `user`."""
        return self.member if user.pk == self.lead_id else self.lead


class Meeting(models.Model):
    """One 1:1 of a series, on a day: its shared notes (impressions, obstacles, ideas)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    series = models.ForeignKey(
        OneOnOne, on_delete=models.CASCADE, related_name="meetings", db_index=False
    )
    date = models.DateField(_("date"))
    impressions = models.TextField(_("impressions"), blank=True, validators=at_most(MEDIUM_TEXT))
    obstacles = models.TextField(_("obstacles"), blank=True, validators=at_most(MEDIUM_TEXT))
    ideas = models.TextField(_("ideas"), blank=True, validators=at_most(MEDIUM_TEXT))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("1:1 meeting")
        verbose_name_plural = _("1:1 meetings")
        constraints = [
            models.UniqueConstraint(fields=["series", "date"], name="one_on_one_meeting_once")
        ]

    def __str__(self):
        return f"{self.series} {self.date}"

    def get_absolute_url(self):
        return reverse("cadence:one-on-one-meeting", args=[self.code])


class AgendaItem(models.Model):
    """A point either of the two put on a meeting's agenda."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("agenda item"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text


class PrivateNote(models.Model):
    """A note on a meeting only its writer reads (one per writer and meeting)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("private note"), blank=True, validators=at_most(MEDIUM_TEXT))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "author"], name="one_on_one_note_once")
        ]

    def __str__(self):
        return f"{self.meeting} · {self.author}"


class ActionItem(models.Model):
    """Something agreed in a meeting: it became the task `task` (owner, due date), which
    links back to the meeting in its notes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(_("action item"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due"))
    task = models.OneToOneField(
        "work.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="one_on_one"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text
