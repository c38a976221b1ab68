from django.contrib import admin

from setia.lib.admin import ReadOnlyAdmin, ReadOnlyTabularInline
from setia.work.automation.models import Playbook, PlaybookStep, TriggerRule
from setia.work.onboarding.models import Onboarding, Stage, StageChange, StageTaskTemplate
from setia.work.schedule.models import ChecklistItem, Task


class ChecklistInline(ReadOnlyTabularInline):
    model = ChecklistItem


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    """Read-only: tasks are created, reassigned and completed on Setia's pages, whose actions
    put those steps on the customer's timeline; an admin edit would skip it."""

    list_display = ["title", "owner", "customer", "due_at", "priority", "status"]
    list_filter = ["status", "priority"]
    search_fields = ["title"]
    raw_id_fields = ["owner", "customer", "repeats", "escalated_to", "completed_by", "created_by"]
    inlines = [ChecklistInline]


class StageTaskTemplateInline(admin.TabularInline):
    model = StageTaskTemplate
    fields = ["position", "title", "title_id", "due_in_days"]
    extra = 1


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    """The pipeline's configuration, edited only here: the admin's own log keeps who changed
    what. A stage a customer was ever in cannot be deleted (the stage history points at it)."""

    list_display = ["name_en", "name_id", "position", "stalled_after_days", "is_final"]
    list_editable = ["position", "stalled_after_days"]
    inlines = [StageTaskTemplateInline]


class StageChangeInline(ReadOnlyTabularInline):
    model = StageChange
    fields = ["changed_at", "from_stage", "to_stage", "changed_by", "days_in_previous"]


@admin.register(Onboarding)
class OnboardingAdmin(ReadOnlyAdmin):
    """Read-only, with its stage history: customers move on the pipeline board, which records
    the move and starts the stage's checklist tasks; an admin edit would do neither."""

    list_display = ["customer", "stage", "entered_stage_at", "source"]
    list_filter = ["stage", "source"]
    raw_id_fields = ["customer"]
    list_select_related = ["customer", "stage"]
    inlines = [StageChangeInline]


class PlaybookStepInline(admin.TabularInline):
    model = PlaybookStep
    fields = ["position", "title", "title_id", "due_in_days", "assign_to"]
    extra = 1


@admin.register(Playbook)
class PlaybookAdmin(admin.ModelAdmin):
    list_display = ["name", "name_id"]
    search_fields = ["name", "name_id"]
    inlines = [PlaybookStepInline]


@admin.register(TriggerRule)
class TriggerRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "tier", "playbook", "threshold", "window_days", "is_active"]
    list_filter = ["kind", "is_active"]
