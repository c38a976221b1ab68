from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from setia.accounts import actions
from setia.accounts.models import Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["email", "full_name", "team", "language", "is_active"]
    list_filter = ["is_active", "team", "groups"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["full_name", "language", "team"]}),
        (
            _("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
    ]
    actions = ["deactivate_selected"]

    def has_delete_permission(self, request, obj=None):
        # A person who worked on customers is named in their history, which cannot be
        # rewritten (the database refuses it): people leave by being disabled.
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Disabling goes through the action, which also ends the user's sessions.
        if change and "is_active" in form.changed_data and not obj.is_active:
            actions.deactivate_user(user=obj, actor=request.user)

    @admin.action(description=_("Disable the selected users and end their sessions"))
    def deactivate_selected(self, request, queryset):
        for user in queryset.filter(is_active=True):
            actions.deactivate_user(user=user, actor=request.user)

    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "team", "password1", "password2"],
            },
        )
    ]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "lead"]
    search_fields = ["name"]
