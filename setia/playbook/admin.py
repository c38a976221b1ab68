from django.contrib import admin

from setia.playbook.models import Objection, PlaybookEntry


class ObjectionInline(admin.TabularInline):
    model = Objection
    extra = 0


@admin.register(PlaybookEntry)
class PlaybookEntryAdmin(admin.ModelAdmin):
    list_display = ["category", "owner", "next_review_on", "updated_at"]
    list_select_related = ["category", "owner"]
    inlines = [ObjectionInline]
