import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Parameters of the customers list that are not part of a saved filter: the page, and the
# segment itself (a segment built on a segment would make the filter recursive).
NOT_SAVED = ("page", "segment")


def clean_query(query: str) -> str:
    """The customers-list query string without its page and segment, with empty values dropped."""
    data = QueryDict(query, mutable=True)
    for name in NOT_SAVED:
        data.pop(name, None)
    kept = QueryDict(mutable=True)
    for name in sorted(data):
        values = [value for value in data.getlist(name) if value.strip()]
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


class SegmentQuerySet(models.QuerySet):
    def usable_by(self, user):
        """The segments `user` may filter with: their own and the shared ones."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(owner=user) | Q(is_shared=True))

    def saved_query(self, code) -> str | None:
        """The saved query string of the segment `code` among these; None when there is no
        such segment (an unknown or malformed code), which the customers list reads as
        "matches no one"."""
        try:
            code = uuid.UUID(str(code))
        except ValueError:
            return None
        return self.filter(code=code).values_list("query", flat=True).first()


class Segment(models.Model):
    """A named customers-list filter (the list's query string), private to its owner or shared.

    Members are computed live by applying the filter within what the viewer may see: a shared
    segment never shows a colleague more customers than their own list would.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="segments",
    )
    is_shared = models.BooleanField(
        _("shared with everyone"),
        default=False,
        help_text=_("Colleagues can use a shared segment; only you and managers can change it."),
    )
    query = models.CharField(_("filter"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SegmentQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        permissions = [
            ("share_segment", _("Can share segments with everyone")),
            ("manage_all_segments", _("Can change and delete anyone's segments")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="segment_unique_name_per_owner")
        ]
        indexes = [models.Index(fields=["is_shared", "name"], name="segment_shared_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("customers:customer-list") + f"?segment={self.code}"

    def can_change(self, user) -> bool:
        """Only the owner or a manager (`manage_all_segments`) edits or deletes a segment."""
        return self.owner_id == user.pk or user.has_perm("segments.manage_all_segments")
