from django.contrib import admin

from setia.lib.admin import ReadOnlyAdmin
from setia.quality.models import DuplicateCandidate


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(ReadOnlyAdmin):
    """Read-only: candidates are merged or dismissed on Setia's pages, which record the change."""

    list_display = ["customer_a", "customer_b", "reason", "score", "status", "source", "created_at"]
    list_filter = ["status", "reason", "source"]
