"""Reassignments: customers moved in bulk from one owner or team to another, or everything of
a person who leaves handed over, with what each row held before, so that an undo puts back
exactly what moved and nothing somebody changed since."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from setia.lib.merging import MergePolicy


class Reassignment(models.Model):
    """One reassignment: who asked, what was chosen (the customers list's query string, or the
    person leaving), where it went, and how it ended. Its rows (`ReassignedCustomer`,
    `ReassignedTask`) hold each moved row's owner and team before and after."""

    class Kind(models.TextChoices):
        BULK = "bulk", _("Customers reassigned")
        HANDOVER = "handover", _("Hand-over of a person leaving")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DONE = "done", _("Done")
        UNDOING = "undoing", _("Being undone")
        UNDONE = "undone", _("Undone")
        FAILED = "failed", _("Failed")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The customers list's query string the customers were chosen by (a bulk reassignment).
    query = models.TextField(blank=True)
    # The person leaving (a hand-over), and whether the hand-over disables their account.
    leaver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person leaving"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    deactivate = models.BooleanField(_("disable the account"), default=False)
    to_team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("new team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who receives the customers, in their round-robin order; empty: the owners stay.
    receivers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("new owners"), blank=True, related_name="+"
    )
    customers_moved = models.PositiveIntegerField(_("customers moved"), default=0)
    tasks_moved = models.PositiveIntegerField(_("tasks moved"), default=0)
    runs_moved = models.PositiveIntegerField(_("playbook runs moved"), default=0)
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    customers_restored = models.PositiveIntegerField(default=0)
    customers_kept = models.PositiveIntegerField(default=0)
    tasks_restored = models.PositiveIntegerField(default=0)
    tasks_kept = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reassignment")
        verbose_name_plural = _("reassignments")
        indexes = [models.Index(fields=["-created_at", "-id"], name="reassignment_created_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"

    @property
    def source(self) -> str:
        """The `source` of the history entries it writes."""
        return f"reassign:{self.code}"

    @property
    def undo_source(self) -> str:
        return f"reassign-undo:{self.code}"

    @property
    def can_be_undone(self) -> bool:
        return self.status == self.Status.DONE


class ReassignedCustomer(models.Model):
    """A customer a reassignment moved: its owner and team before and after. `restored` says
    whether the undo put them back (false when somebody moved the customer again since)."""

    # About the row as it was: it stays with the customer it names, and an undo after a merge
    # puts back the merged-away customer's owner, which nobody sees.
    merge_policy = MergePolicy.STAY

    reassignment = models.ForeignKey(
        Reassignment, on_delete=models.CASCADE, related_name="customers", db_index=False
    )
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    previous_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    previous_team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    new_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    new_team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    restored = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reassignment", "customer"], name="reassigned_customer_once"
            )
        ]

    def __str__(self):
        return f"{self.reassignment_id} · customer {self.customer_id}"


class ReassignedTask(models.Model):
    """An open task a reassignment gave to someone else: its owner and team before and after,
    and the customer row it moved with (none for a person's own tasks, handed over)."""

    reassignment = models.ForeignKey(
        Reassignment, on_delete=models.CASCADE, related_name="tasks", db_index=False
    )
    task = models.ForeignKey("work.Task", on_delete=models.CASCADE, related_name="+")
    moved_with = models.ForeignKey(
        ReassignedCustomer, on_delete=models.CASCADE, null=True, related_name="+"
    )
    previous_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    previous_team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    new_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    new_team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    restored = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["reassignment", "task"], name="reassigned_task_once")
        ]

    def __str__(self):
        return f"{self.reassignment_id} · task {self.task_id}"
