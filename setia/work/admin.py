from django.contrib import admin

from setia.work.models import ChecklistItem, Task


class ChecklistInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "customer", "due_at", "priority", "status"]
    list_filter = ["status", "priority"]
    search_fields = ["title"]
    raw_id_fields = ["owner", "customer", "repeats", "escalated_to", "completed_by", "created_by"]
    inlines = [ChecklistInline]
