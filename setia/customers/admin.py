from django.contrib import admin

from setia.customers.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """The managed list of categories. Customers themselves are edited through Setia's pages,
    which record every change in the audit history."""

    list_display = ["name", "name_id", "slug", "position", "is_active"]
    search_fields = ["name", "name_id", "aliases"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
