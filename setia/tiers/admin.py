from django.contrib import admin

from setia.lib.admin import ReadOnlyAdmin
from setia.tiers.actions import refresh_sort_keys
from setia.tiers.models import Tier, TierChange, TierRule


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ["position", "name", "name_id", "slug", "colour"]
    ordering = ["position"]

    def save_model(self, request, obj, form, change):
        """Save, then give the tier's customers its new rank (the customers list sorts and
        filters by the rank kept on their rows)."""
        super().save_model(request, obj, form, change)
        if change and "position" in form.changed_data:
            refresh_sort_keys()


@admin.register(TierRule)
class TierRuleAdmin(admin.ModelAdmin):
    list_display = ["tier", "category", "min_gmv_90d"]
    list_filter = ["tier", "category"]


@admin.register(TierChange)
class TierChangeAdmin(ReadOnlyAdmin):
    """Read-only: the history is written by assign_tiers only."""

    list_display = ["changed_on", "customer", "old_tier", "new_tier", "reason", "gmv_90d"]
    list_filter = ["direction", "reason", "new_tier"]
    list_select_related = ["customer", "old_tier", "new_tier"]
    raw_id_fields = ["customer"]
