from django.contrib import admin

from setia.surveys.models import Schedule, Survey


class ScheduleInline(admin.TabularInline):
    model = Schedule
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "valid_days", "is_active"]
    inlines = [ScheduleInline]
