from django.contrib import admin

from setia.library.models import Guide, Objection


class ObjectionInline(admin.TabularInline):
    model = Objection
    extra = 0


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ["category", "owner", "next_review_on", "updated_at"]
    list_select_related = ["category", "owner"]
    inlines = [ObjectionInline]
