from django.contrib import admin

from setia.work.automation.models import Playbook, PlaybookStep, TriggerRule
from setia.work.onboarding.models import Onboarding, Stage, StageTaskTemplate
from setia.work.schedule.models import ChecklistItem, Task


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


class StageTaskTemplateInline(admin.TabularInline):
    model = StageTaskTemplate
    extra = 1


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_id", "position", "stalled_after_days", "is_final"]
    list_editable = ["position", "stalled_after_days"]
    inlines = [StageTaskTemplateInline]


@admin.register(Onboarding)
class OnboardingAdmin(admin.ModelAdmin):
    list_display = ["customer", "stage", "entered_stage_at", "source"]
    list_filter = ["stage", "source"]
    raw_id_fields = ["customer"]
    list_select_related = ["customer", "stage"]


class PlaybookStepInline(admin.TabularInline):
    model = PlaybookStep
    extra = 1


@admin.register(Playbook)
class PlaybookAdmin(admin.ModelAdmin):
    list_display = ["name"]
    inlines = [PlaybookStepInline]


@admin.register(TriggerRule)
class TriggerRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "tier", "playbook", "threshold", "window_days", "is_active"]
    list_filter = ["kind", "is_active"]
