from django.contrib import admin

from setia.stories.models import Questionnaire, Story


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["customer", "series", "state", "state_changed_at"]
    list_filter = ["state"]
    raw_id_fields = ["customer", "interview_task"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name"]
