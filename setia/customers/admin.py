from django.contrib import admin

from setia.customers.models import Category, Plan


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """The managed list of categories. Customers themselves are edited through Setia's pages,
    which record every change in the audit history."""

    list_display = ["name", "name_id", "slug", "position", "is_active"]
    search_fields = ["name", "name_id", "aliases"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    """The managed list of subscription plans. A plan's code is what subscriptions store: it is
    set once, when the plan is added; a plan no longer sold is made inactive, not deleted."""

    list_display = ["name", "name_id", "code", "position", "is_active"]
    search_fields = ["name", "name_id", "aliases", "code"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"code": ["name"]}

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else self.prepopulated_fields
