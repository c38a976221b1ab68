import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from setia.jobs.models import Job
from setia.lib.storage import private_storage


class ImportSource(models.Model):
    """A place files come from ("onboarding sheet", "HubSpot"): its column mapping is remembered."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    mapping = models.JSONField(_("column mapping"), default=dict)  # {header: field key or ""}
    # What its files' values outside a managed list became: {header: {value: target or ""}}.
    value_map = models.JSONField(_("values chosen"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("import source")
        verbose_name_plural = _("import sources")

    def __str__(self):
        return self.name


class ImportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Imports a user may see: every one for holders of `view_all_customers`, else their own."""
        if not user.is_authenticated or not user.has_perm("imports.add_import"):
            return self.none()
        if user.has_perm("customers.view_all_customers"):
            return self
        return self.filter(actor=user)

    def with_expired_files(self, *, now):
        """Imports uploaded more than IMPORT_FILE_RETENTION_DAYS before `now` that still have a
        file or an error file. A queued or running import keeps its file until it ends."""
        cutoff = now - timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
        return (
            self.filter(created_at__lt=cutoff)
            .exclude(status__in=[Import.Status.QUEUED, Import.Status.RUNNING])
            .exclude(file="", error_file="", dry_run_error_file="")
        )


class Import(models.Model):
    """One uploaded file and what importing it did.

    The row counts always add up: rows = created + updated + unchanged + duplicates + rejected.
    `source_label` ("import:<code>") is the source written on every audit entry of the import.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        UNDOING = "undoing", _("Being undone")
        UNDONE = "undone", _("Undone")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.ForeignKey(
        ImportSource,
        verbose_name=_("source"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports",
    )
    default_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("default account owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    # Customer data: in the private storage, never under MEDIA_ROOT; only views that check the
    # import's access rules serve them. Both are deleted (and cleared here) after
    # IMPORT_FILE_RETENTION_DAYS, which `files_removed_at` records.
    file = models.FileField(upload_to="imports/files/", storage=private_storage, blank=True)
    error_file = models.FileField(upload_to="imports/errors/", storage=private_storage, blank=True)
    files_removed_at = models.DateTimeField(_("files deleted"), null=True, blank=True)
    # The dry run, a background job: what importing the file with `dry_run["mapping"]` would do
    # ({"mapping", "counts", "rejected": first rows with their errors}) and its error file.
    dry_run = models.JSONField(default=dict, blank=True)
    dry_run_error_file = models.FileField(
        upload_to="imports/errors/", storage=private_storage, blank=True
    )
    dry_run_job = models.ForeignKey(
        Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    job = models.ForeignKey(
        Job,
        verbose_name=_("job"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    mapping = models.JSONField(_("column mapping"), default=dict)
    # What values outside a managed list become: {header: {value: target or ""}}.
    value_map = models.JSONField(_("values chosen"), default=dict, blank=True)
    # The header and first rows, read once at upload for the mapping and preview steps.
    header = models.JSONField(default=list)
    sample = models.JSONField(default=list)  # [[row number, [cells]], ...]
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED
    )
    is_strict = models.BooleanField(_("strict"), default=False)
    message = models.TextField(_("message"), blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The undo, a background job (tens of thousands of customers take longer than a request
    # may), and what it did: records removed (a customer with its records counts once) and
    # records whose values were put back.
    undo_job = models.ForeignKey(
        Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undo_deleted = models.PositiveIntegerField(_("records removed by the undo"), default=0)
    undo_reverted = models.PositiveIntegerField(_("records put back by the undo"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        permissions = [("undo_import", _("Can undo an import"))]
        indexes = [models.Index(fields=["actor", "-created_at"], name="import_actor_idx")]

    def __str__(self):
        return self.file_name

    @property
    def source_label(self) -> str:
        return f"import:{self.code}"

    COUNTS = ("rows", "created", "updated", "unchanged", "duplicates", "rejected")

    def counts(self) -> dict[str, int]:
        """The result's counts, the parameters of the import's timeline event."""
        return {name: getattr(self, name) for name in self.COUNTS}

    def summary(self) -> str:
        """The counts as the command line prints them (and the timeline's stored fallback)."""
        return (
            f"rows={self.rows} created={self.created} updated={self.updated} "
            f"unchanged={self.unchanged} duplicates={self.duplicates} rejected={self.rejected}"
        )

    def dry_run_is_current(self) -> bool:
        """Whether the stored dry run was made with the import's present mapping and values."""
        return (
            bool(self.dry_run)
            and self.dry_run.get("mapping") == self.mapping
            and self.dry_run.get("value_map", {}) == self.value_map
        )

    @property
    def can_be_undone(self) -> bool:
        """Done, with something to undo, and no undo queued or running (a retried one)."""
        return (
            self.status == self.Status.DONE
            and bool(self.created or self.updated)
            and not (self.undo_job is not None and self.undo_job.is_active)
        )

    @property
    def is_being_undone(self) -> bool:
        return self.status == self.Status.UNDOING or (
            self.undo_job is not None and self.undo_job.is_active
        )


class ImportChange(models.Model):
    """One record an import created on or changed in an existing customer, with the raw values
    it replaced, for undo. (A customer the import created is found by its creation entry in
    the import's history.)"""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")

    batch = models.ForeignKey(
        Import,
        on_delete=models.CASCADE,
        related_name="changes",
        # import_change_batch_idx leads with it: a second index would only slow the writes.
        db_index=False,
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=40)  # "customers.contact"
    object_id = models.BigIntegerField()
    customer_id = models.BigIntegerField()
    # For updates: {attname: [value before, value written]} as JSON values (dates ISO).
    fields = models.JSONField(default=dict)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["batch", "object_type"], name="import_change_batch_idx")]

    def __str__(self):
        return f"{self.action} {self.object_type} {self.object_id}"
