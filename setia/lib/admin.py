"""Admin pages that show rows without letting anyone change them.

For the rows that are a customer's history, or that Setia's own pages change through their
actions (which record the change): an edit in the admin would skip that record.
"""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """A model admin with no add, change or delete: a list and a read-only detail page."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyTabularInline(admin.TabularInline):
    """An inline whose rows are shown, never added, changed or deleted."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
