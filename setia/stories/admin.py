from django.contrib import admin

from setia.lib.admin import ReadOnlyAdmin
from setia.stories.models import Questionnaire, Story


# Read-only: a story belongs to a merchant, and changes only through its pages' actions, which
# put each step on the merchant's timeline.
@admin.register(Story)
class StoryAdmin(ReadOnlyAdmin):
    list_display = ["customer", "series", "state", "state_changed_at"]
    list_filter = ["state"]
    raw_id_fields = ["customer", "interview_task"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name"]
