from django.contrib import admin

from setia.segments.models import Segment


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "is_shared", "query", "updated_at"]
    list_filter = ["is_shared"]
    list_select_related = ["owner"]
