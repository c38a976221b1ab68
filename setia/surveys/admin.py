from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from setia.surveys.models import Schedule, Survey


class ScheduleInline(admin.TabularInline):
    model = Schedule
    extra = 0
    fields = ["trigger", "days", "segment", "channel", "is_active"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "valid_days", "is_active"]
    inlines = [ScheduleInline]


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ["survey", "trigger", "days", "segment", "channel", "is_active", "state"]
    list_filter = ["trigger", "is_active"]
    list_select_related = ["survey", "segment"]
    fields = ["survey", "trigger", "days", "segment", "channel", "is_active"]

    @admin.display(description=_("state"))
    def state(self, schedule: Schedule) -> str:
        return schedule.stopped_because or str(_("Active") if schedule.is_active else _("Paused"))
