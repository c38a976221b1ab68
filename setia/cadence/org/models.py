"""The organisation's record: what changed in it (moves between teams, leads, roles), and what
each person can be asked about (their expertise, as they list it).

Who is in which team and who leads it stay on `accounts` (`User.team`, `Team.lead`); the time a
person spent in each team for counting stays in `TeamMembership`. `OrgChange` is the log
people read: who changed what, when, and who did it."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import Role


class OrgChange(models.Model):
    """One change in the organisation, written by `org.actions` only: a person moved from
    `previous_team` to `team`; `team`'s lead went from `previous_person` to `person` (either
    may be empty); a person's role went from `role_before` to `role_after`."""

    class Kind(models.TextChoices):
        MOVED = "moved", _("Moved to another team")
        LEAD = "lead", _("Team lead changed")
        ROLE = "role", _("Role changed")

    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="org_changes",
    )
    previous_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("previous lead"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    previous_team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("previous team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    role_before = models.CharField(_("role before"), max_length=20, blank=True)
    role_after = models.CharField(_("role after"), max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("organisation change")
        verbose_name_plural = _("organisation changes")
        permissions = [("change_role", _("Can change a person's role"))]
        indexes = [
            models.Index(fields=["-at", "-id"], name="org_change_at_idx"),
            models.Index(fields=["person", "-at"], name="org_change_person_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"

    @staticmethod
    def role_label(role: str) -> str:
        return str(Role(role).label) if role in Role.values else ""

    @property
    def role_before_display(self) -> str:
        return self.role_label(self.role_before)

    @property
    def role_after_display(self) -> str:
        return self.role_label(self.role_after)


class Expertise(models.Model):
    """A topic a person can be asked about ("COD", "Shopee integration"), as they list it."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="expertise",
    )
    topic = models.CharField(_("topic"), max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["topic", "id"]
        verbose_name = _("expertise")
        verbose_name_plural = _("expertise")
        constraints = [
            models.UniqueConstraint("person", Lower("topic"), name="expertise_once_per_person"),
        ]

    def __str__(self):
        return self.topic
