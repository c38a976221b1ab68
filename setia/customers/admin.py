from django.contrib import admin

from setia.customers.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """The managed list of categories. Customers themselves are edited through Setia's pages,
    which record every change in the audit history."""

    list_display = ["name", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
