"""The wizard's values step: each distinct value outside a managed list, with its count, to
map to an existing value, add (categories, for those who manage them) or leave empty,
remembered for the source."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from setia.accounts.models import Role
from setia.customers.models import Category, Customer, Subscription
from setia.imports.models import Import, ImportSource
from setia.test import make_user

SHEET = (
    b"Nama Brand;No HP;Kategori;Paket\n"
    b"Anyaman Bu Tini;0812-3456-7801;Kerajinan;Pro\n"
    b"Gendut Chic;0812-3456-7802;Fesyen Plus Size;Pro\n"
    b"Jamu Mbok Sri;0812-3456-7803;Jamu Gendong;Growth\n"
)


def _url(name, batch):
    return reverse(f"imports:{name}", args=[batch.code])


@pytest.fixture
def dry_run(db, client, django_capture_on_commit_callbacks):
    """Upload the sheet for the source, and check it (the job run in-process)."""

    def upload(user, source="onboarding sheet"):
        client.force_login(user)
        client.post(
            reverse("imports:import-upload"),
            {
                "file": SimpleUploadedFile("sheet.csv", SHEET),
                "source": source,
                "default_owner": user.pk,
            },
        )
        batch = Import.objects.latest("pk")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(_url("import-dry-run", batch))
        batch.refresh_from_db()
        return batch

    return upload


def test_it_lists_each_value_outside_a_list_with_its_count(client, dry_run):
    manager = make_user(Role.MANAGER, language="en")
    batch = dry_run(manager)

    response = client.get(_url("import-dry-run", batch))

    assert response.status_code == 200
    listed = [
        (item["column"], item["value"], item["rows"])
        for item, _f in response.context["values_form"].items
    ]
    assert listed == [("Kategori", "Jamu Gendong", 1), ("Paket", "Pro", 2)]
    assert "Values outside the lists" in response.text
    assert response.context["counts"]["rejected"] == 0
    assert response.context["counts"]["warnings"] == 3


def test_the_choices_are_applied_remembered_and_a_manager_adds_a_category(
    client, dry_run, django_capture_on_commit_callbacks
):
    manager = make_user(Role.MANAGER, language="en")
    batch = dry_run(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("import-values", batch), {"value_0": "+new", "value_1": "business"}
        )

    assert response.status_code == 302
    batch.refresh_from_db()
    jamu = Category.objects.get(name="Jamu Gendong")
    assert batch.value_map == {
        "Kategori": {"Jamu Gendong": jamu.slug},
        "Paket": {"Pro": "business"},
    }
    assert batch.dry_run_is_current()
    assert batch.dry_run["counts"]["warnings"] == 0
    assert ImportSource.objects.get(name="onboarding sheet").value_map == batch.value_map
    # The next file from the same source starts with the same choices.
    again = dry_run(manager)
    assert again.value_map == batch.value_map
    assert again.dry_run["counts"]["warnings"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("import-commit", batch))

    assert Customer.objects.get(name="Jamu Mbok Sri").category == jamu
    assert set(Subscription.objects.values_list("plan", flat=True)) == {"business", "growth"}


def test_an_executive_may_not_add_a_category(client, dry_run, team_a):
    executive = make_user(Role.EXECUTIVE, team=team_a, language="en")
    batch = dry_run(executive, source="")

    offered = client.get(_url("import-dry-run", batch)).context["values_form"]
    response = client.post(_url("import-values", batch), {"value_0": "+new", "value_1": ""})

    assert "+new" not in [value for value, _label in offered.fields["value_0"].choices]
    assert response.status_code == 400
    assert not Category.objects.filter(name="Jamu Gendong").exists()


def test_the_values_step_refuses_get(client, dry_run):
    batch = dry_run(make_user(Role.MANAGER))

    assert client.get(_url("import-values", batch)).status_code == 405
