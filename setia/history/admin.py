from django.contrib import admin

from setia.history.models import AuditEntry, TimelineEvent
from setia.lib.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: history is written by `setia.history.actions` only, and never changed."""

    list_display = ["created_at", "customer", "action", "object_type", "object_repr", "actor"]
    list_filter = ["action", "object_type"]
    search_fields = ["source", "object_repr"]
    list_select_related = ["customer", "actor"]
    raw_id_fields = ["customer", "actor"]
    # The table holds millions of rows: no COUNT(*) of all of them on every page.
    show_full_result_count = False


@admin.register(TimelineEvent)
class TimelineEventAdmin(ReadOnlyAdmin):
    """Read-only, as the audit entries."""

    list_display = ["occurred_at", "customer", "kind", "summary", "actor"]
    list_filter = ["kind"]
    list_select_related = ["customer", "actor"]
    raw_id_fields = ["customer", "actor"]
    show_full_result_count = False
