"""The migration that moves an installation's sales library out of the old `playbook` app.

The old app is gone, so its tables are built here from stand-in models of the same columns,
inside the test's transaction (both databases roll DDL back).
"""

import importlib
from datetime import UTC, date, datetime

import pytest
from django.apps import apps
from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.migrations.recorder import MigrationRecorder

from setia.customers.models import Category
from setia.library.models import ExampleStore, Guide, GuideVersion, Objection
from setia.test import make_store

move = importlib.import_module("setia.library.migrations.0002_move_from_playbook")
grants = importlib.import_module("setia.library.migrations.0003_role_permissions")

OLD_MODELS = ["playbookentry", "examplestore", "objection", "playbookversion"]
MOMENT = datetime(2026, 11, 2, 3, 4, tzinfo=UTC)


def _old_model(registry: Apps, name: str, **fields) -> type[models.Model]:
    meta = type("Meta", (), {"app_label": "playbook", "apps": registry})
    return type(name, (models.Model,), {"__module__": __name__, "Meta": meta, **fields})


def _old_models() -> list[type[models.Model]]:
    """Stand-ins with the columns of the old app's four tables (foreign keys as plain ids)."""
    registry = Apps()
    stamps = {"created_at": models.DateTimeField(), "updated_at": models.DateTimeField()}
    return [
        _old_model(
            registry,
            "PlaybookEntry",
            summary=models.TextField(),
            talking_points=models.TextField(),
            template_names=models.TextField(),
            next_review_on=models.DateField(null=True),
            category_id=models.BigIntegerField(),
            owner_id=models.BigIntegerField(null=True),
            **stamps,
        ),
        _old_model(
            registry,
            "ExampleStore",
            note=models.CharField(max_length=300),
            screenshot=models.CharField(max_length=100),
            screenshot_width=models.PositiveIntegerField(null=True),
            screenshot_height=models.PositiveIntegerField(null=True),
            position=models.PositiveSmallIntegerField(),
            store_id=models.BigIntegerField(),
            entry_id=models.BigIntegerField(),
            **stamps,
        ),
        _old_model(
            registry,
            "Objection",
            objection=models.CharField(max_length=300),
            answer=models.TextField(),
            position=models.PositiveSmallIntegerField(),
            entry_id=models.BigIntegerField(),
            **stamps,
        ),
        _old_model(
            registry,
            "PlaybookVersion",
            number=models.PositiveIntegerField(),
            snapshot=models.JSONField(),
            note=models.CharField(max_length=300),
            published_at=models.DateTimeField(),
            created_at=models.DateTimeField(),
            entry_id=models.BigIntegerField(),
            published_by_id=models.BigIntegerField(null=True),
        ),
    ]


@pytest.fixture(autouse=True)
def _content_type_cache():
    """The rename changes content types the cache may hold; the rollback changes them back."""
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def editor(db):
    # Used without entering it: entering checks that SQLite's foreign key checks are off, which
    # they cannot be inside the test's transaction; its statements run all the same (the old
    # tables have no index or constraint for the deferred statements it would run on exit).
    editor = connection.schema_editor()
    editor.deferred_sql = []
    return editor


def _old_permissions(*, keep_library: bool) -> dict[str, Permission]:
    """The old app's content types and default permissions, as post_migrate made them."""
    if not keep_library:
        ContentType.objects.filter(app_label="library").delete()
    permissions = {}
    for model in OLD_MODELS:
        content_type = ContentType.objects.create(app_label="playbook", model=model)
        for action in ("add", "change", "delete", "view"):
            permissions[f"{action}_{model}"] = Permission.objects.create(
                content_type=content_type, codename=f"{action}_{model}", name=f"Can {action} x"
            )
    return permissions


def _build_old_app(editor, *, manager, customer) -> dict:
    entry_model, example_model, objection_model, version_model = _old_models()
    for model in _old_models():
        editor.create_model(model)
    fashion = Category.objects.get(slug="fashion")
    store = make_store(customer, domain="kain.id")
    stamps = {"created_at": MOMENT, "updated_at": MOMENT}
    entry_model._default_manager.create(
        id=7,
        category_id=fashion.pk,
        owner_id=manager.pk,
        summary="Ringkas",
        talking_points="Gratis ongkir",
        template_names="Butik",
        next_review_on=date(2026, 12, 1),
        **stamps,
    )
    example_model._default_manager.create(
        id=4,
        entry_id=7,
        store_id=store.pk,
        note="Lihat katalog",
        screenshot="playbook/abc.png",
        screenshot_width=640,
        screenshot_height=400,
        position=1,
        **stamps,
    )
    for pk in (3, 9):
        objection_model._default_manager.create(
            id=pk, entry_id=7, objection=f"Mahal {pk}", answer="Tidak.", position=pk, **stamps
        )
    version_model._default_manager.create(
        id=5,
        entry_id=7,
        number=1,
        snapshot={"summary": "Ringkas", "objections": []},
        note="Versi awal",
        published_at=MOMENT,
        published_by_id=manager.pk,
        created_at=MOMENT,
    )
    MigrationRecorder(connection).record_applied("playbook", "0001_initial")
    return {"store": store, "category": fashion}


def _library_permissions_of(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return set(
        group.permissions.filter(content_type__app_label="library").values_list(
            "codename", flat=True
        )
    )


def test_it_moves_the_rows_with_their_ids_and_drops_the_old_tables(editor, manager, customer):
    old = _build_old_app(editor, manager=manager, customer=customer)
    _old_permissions(keep_library=False)

    move.move_from_playbook(apps, editor)

    guide = Guide.objects.get()
    assert (guide.pk, guide.category, guide.owner, guide.summary) == (
        7,
        old["category"],
        manager,
        "Ringkas",
    )
    assert guide.next_review_on == date(2026, 12, 1)
    example = ExampleStore.objects.get()
    assert (example.pk, example.guide, example.store, example.screenshot.name) == (
        4,
        guide,
        old["store"],
        "playbook/abc.png",
    )
    assert list(guide.objections.values_list("pk", "objection")) == [(3, "Mahal 3"), (9, "Mahal 9")]
    version = GuideVersion.objects.get()
    assert (version.pk, version.guide, version.snapshot, version.published_by) == (
        5,
        guide,
        {"summary": "Ringkas", "objections": []},
        manager,
    )
    # The next row gets an id past the copied ones.
    assert Objection.objects.create(guide=guide, objection="Baru", answer="Ya.").pk == 10
    assert [t for t in connection.introspection.table_names() if t.startswith("playbook_")] == []
    assert not MigrationRecorder(connection).migration_qs.filter(app="playbook").exists()


def test_it_carries_the_permissions_and_the_grants_the_admins_left_over(
    editor, manager, viewer, customer
):
    _build_old_app(editor, manager=manager, customer=customer)
    old = _old_permissions(keep_library=False)
    # The managers may edit; an admin took publishing away from executives, and gave one viewer
    # the right to edit.
    Group.objects.get(name="manager").permissions.set(
        [old["view_playbookentry"], old["change_playbookentry"], old["add_playbookversion"]]
    )
    Group.objects.get(name="executive").permissions.set([old["view_playbookentry"]])
    viewer.user_permissions.add(old["change_playbookentry"])
    content_type_id = old["view_playbookentry"].content_type_id

    move.move_from_playbook(apps, editor)
    grants.grant(apps, editor)
    # What post_migrate does after every `migrate`.
    create_contenttypes(apps.get_app_config("library"), verbosity=0)
    create_permissions(apps.get_app_config("library"), verbosity=0)

    assert ContentType.objects.get_for_model(Guide).pk == content_type_id
    assert not ContentType.objects.filter(app_label="playbook").exists()
    assert Permission.objects.filter(content_type__app_label="library").count() == 16
    assert Permission.objects.get(codename="view_guide").name == "Can view guide"
    assert _library_permissions_of("manager") == {"view_guide", "change_guide", "add_guideversion"}
    assert _library_permissions_of("executive") == {"view_guide"}
    viewer = type(viewer).objects.get(pk=viewer.pk)  # a fresh permission cache
    assert viewer.has_perm("library.change_guide")
    manager = type(manager).objects.get(pk=manager.pk)
    assert manager.has_perm("library.change_guide") and manager.has_perm("library.add_guideversion")


def test_it_hands_the_old_grants_to_permissions_post_migrate_made_already(
    editor, manager, customer
):
    _build_old_app(editor, manager=manager, customer=customer)
    old = _old_permissions(keep_library=True)
    Group.objects.get(name="intern").permissions.set([old["change_playbookentry"]])

    move.move_from_playbook(apps, editor)

    assert "change_guide" in _library_permissions_of("intern")
    assert not ContentType.objects.filter(app_label="playbook").exists()
    assert Permission.objects.filter(content_type__app_label="library").count() == 16


def test_it_does_nothing_on_a_database_without_the_old_app(editor):
    permissions = set(Permission.objects.values_list("pk", "codename"))
    manager_grants = _library_permissions_of("manager")

    move.move_from_playbook(apps, editor)

    assert not Guide.objects.exists()
    assert set(Permission.objects.values_list("pk", "codename")) == permissions
    assert (
        _library_permissions_of("manager")
        == manager_grants
        == {
            "view_guide",
            "view_guideversion",
            "change_guide",
            "add_guideversion",
        }
    )
