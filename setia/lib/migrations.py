"""Helpers for data migrations that give an app's permissions to the role groups."""

from django.contrib.auth.management import create_permissions


def grant_permissions(
    apps, app_label: str, grants: dict[str, list[str]], *, admin_gets_everything: bool = True
) -> None:
    """Add permissions (`codename`s of `app_label`) to role groups, creating them first.

    Permissions are normally created after every migration has run; a fresh database needs them
    now. `grants` maps a role group name to codenames; unless `admin_gets_everything` is False
    (then the admin group gets what `grants` lists), the admin group gets every permission of
    the app. A group that does not exist is skipped.
    """
    config = apps.get_app_config(app_label)
    # `create_permissions` skips an app without a models module, as a migration's app state
    # has; what it had is put back, so a call with the project's registry leaves it whole.
    had = getattr(config, "models_module", None)
    config.models_module = had or True
    create_permissions(config, verbosity=0)
    config.models_module = had
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    everything = Permission.objects.filter(content_type__app_label=app_label)
    if admin_gets_everything:
        for group in Group.objects.filter(name="admin"):
            group.permissions.add(*everything)
    for role, codenames in grants.items():
        for group in Group.objects.filter(name=role):
            group.permissions.add(*everything.filter(codename__in=codenames))


def revoke_permissions(apps, app_label: str, grants: dict[str, list[str]] | None = None) -> None:
    """Undo `grant_permissions`: remove every permission of `app_label` from every group, or,
    given `grants`, only the codenames it lists from the groups it names."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label=app_label)
    if grants is None:
        for group in Group.objects.all():
            group.permissions.remove(*permissions)
        return
    codenames = {codename for listed in grants.values() for codename in listed}
    for group in Group.objects.filter(name__in=grants):
        group.permissions.remove(*permissions.filter(codename__in=codenames))
