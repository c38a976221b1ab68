from django.contrib import admin

from setia.quality.models import DuplicateCandidate


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(admin.ModelAdmin):
    """Read-only: candidates are merged or dismissed on Setia's pages, which record the change."""

    list_display = ["customer_a", "customer_b", "reason", "score", "status", "source", "created_at"]
    list_filter = ["status", "reason", "source"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
