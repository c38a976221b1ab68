"""The data migrations' permission helper leaves the app registry it is given as it was."""

from django.apps import apps
from django.contrib.auth.models import Group

from setia.lib.migrations import grant_permissions


def test_granting_with_the_projects_registry_keeps_the_apps_models(db):
    config = apps.get_app_config("customers")
    models_module = config.models_module

    grant_permissions(apps, "customers", {"viewer": ["view_plan"]})

    # dumpdata, the admin and create_permissions skip an app whose models module is gone
    assert config.models_module is models_module is not None
    assert Group.objects.get(name="viewer").permissions.filter(codename="view_plan").exists()
