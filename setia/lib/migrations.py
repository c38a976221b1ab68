"""Helpers for data migrations that give an app's permissions to the role groups."""

from django.contrib.auth.management import create_permissions


def grant_permissions(apps, app_label: str, grants: dict[str, list[str]]) -> None:
    """Add permissions (`codename`s of `app_label`) to role groups, creating them first.

    Permissions are normally created after every migration has run; a fresh database needs them
    now. `grants` maps a role group name to codenames; the admin group gets every permission of
    the app.
    """
    config = apps.get_app_config(app_label)
    config.models_module = True
    create_permissions(config, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    everything = Permission.objects.filter(content_type__app_label=app_label)
    for group in Group.objects.filter(name="admin"):
        group.permissions.add(*everything)
    for role, codenames in grants.items():
        for group in Group.objects.filter(name=role):
            group.permissions.add(*everything.filter(codename__in=codenames))


def revoke_permissions(apps, app_label: str) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.all():
        group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label))
