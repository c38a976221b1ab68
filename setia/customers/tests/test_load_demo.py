from io import StringIO

import phonenumbers
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction

from setia.accounts.models import Role, Team, User
from setia.customers.models import Contact, Customer, Store, Subscription
from setia.engagement.models import Interaction
from setia.history.models import AuditEntry
from setia.metrics.models import StoreDailyMetric
from setia.test import make_user
from setia.work.onboarding.models import Onboarding
from setia.work.schedule.models import Task


def _load(**options) -> str:
    out = StringIO()
    call_command("load_demo", verbosity=0, stdout=out, **options)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Customer, Contact, Store, Subscription, AuditEntry, User, Team)
    }


def _names() -> list[str]:
    return list(Customer.objects.order_by("code").values_list("name", flat=True))


def test_it_creates_customers_across_two_teams(db):
    output = _load(customers=30, seed=3)

    assert Customer.objects.count() == 30
    assert "customers created=30 skipped=0" in output
    teams = {team.name: team.customers.count() for team in Team.objects.all()}
    # the onboarding team of the org chart's demo owns no customers
    assert teams == {"Tim Barat": 15, "Tim Timur": 15, "Tim Onboarding": 0}
    assert Customer.objects.filter(owner__isnull=True).count() == 0
    assert Subscription.objects.count() == 30
    assert AuditEntry.objects.filter(source="demo", action="create").count() == 30


def test_it_gives_every_contact_a_valid_e164_number(db):
    _load(customers=30, seed=3)

    contacts = list(Contact.objects.all())
    assert len(contacts) >= 30
    for contact in contacts:
        number = phonenumbers.parse(contact.phone)
        assert phonenumbers.is_valid_number(number), contact.phone
        assert contact.phone == phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.E164
        )
        assert contact.whatsapp == contact.phone
    # Every customer has exactly one primary contact.
    assert Contact.objects.filter(is_primary=True).count() == 30
    assert Customer.objects.filter(contacts__is_primary=True).distinct().count() == 30


def test_it_gives_every_customer_a_store_with_a_unique_domain(db):
    _load(customers=30, seed=3)

    domains = list(Store.objects.values_list("domain", flat=True))
    assert len(domains) == len(set(domains))
    assert Customer.objects.filter(stores__isnull=True).count() == 0


def test_it_creates_one_demo_user_per_role(db):
    _load(customers=0, seed=3)

    roles = sorted(user.role for user in User.objects.all())
    assert set(roles) == set(Role.values)
    assert User.objects.get(email="manager@setia.test").role == Role.MANAGER
    assert User.objects.get(email="intern@setia.test").role == Role.INTERN
    assert User.objects.get(email="viewer@setia.test").role == Role.VIEWER
    assert User.objects.get(email="admin@setia.test").is_superuser is True
    assert User.objects.get(email="executive@setia.test").check_password("setia-demo")
    assert Team.objects.get(name="Tim Barat").lead.email == "executive@setia.test"


def test_it_changes_nothing_when_run_twice(db):
    _load(customers=30, seed=3)
    counts, names = _counts(), _names()

    output = _load(customers=30, seed=3)

    assert _counts() == counts
    assert _names() == names
    assert "customers created=0 skipped=30" in output


def test_it_adds_only_the_missing_customers_when_asked_for_more(db):
    _load(customers=10, seed=3)
    first_ten = _names()

    _load(customers=30, seed=3)

    assert Customer.objects.count() == 30
    assert set(first_ten) <= set(_names())


def _names_of_a_load_rolled_back(**options) -> list[str]:
    """The customers' names of a load made and undone: audit entries cannot be deleted, so the
    next load starts from an empty database by rolling this one back."""
    with transaction.atomic():
        _load(**options)
        names = _names()
        transaction.set_rollback(True)
    return names


def test_it_makes_the_same_customers_from_the_same_seed(db):
    names = _names_of_a_load_rolled_back(customers=30, seed=3)

    _load(customers=30, seed=3)

    assert _names() == names


def test_it_makes_different_names_with_a_different_seed(db):
    seed_three = set(_names_of_a_load_rolled_back(customers=30, seed=3))

    _load(customers=30, seed=4)

    seed_four = set(Customer.objects.values_list("name", flat=True))
    assert Customer.objects.count() == 30
    assert seed_four != seed_three
    assert len(seed_four & seed_three) < 5


def test_it_lets_the_demo_manager_see_everything_and_the_intern_change_nothing(db):
    _load(customers=30, seed=3)
    manager = User.objects.get(email="manager@setia.test")
    intern = User.objects.get(email="intern@setia.test")

    assert Customer.objects.visible_to(manager).count() == 30
    assert Customer.objects.visible_to(intern).count() == 15
    assert intern.has_perm("customers.view_customer") is True
    assert intern.has_perm("customers.change_customer") is False
    assert Customer.objects.editable_by(intern).count() == 0


def test_it_refuses_a_negative_count(db):
    with pytest.raises(CommandError):
        _load(customers=-1, seed=3)

    assert Customer.objects.count() == 0


def _rows_of(customer_ids) -> dict[str, list[str]]:
    """Every row of every Setia table that belongs to these customers or their stores, with all
    its columns: anything the demo added to them or changed on them shows here."""
    store_ids = list(Store.objects.filter(customer__in=customer_ids).values_list("pk", flat=True))
    rows = {}
    for model in apps.get_models():
        if not model.__module__.startswith("setia."):
            continue
        columns = [field.attname for field in model._meta.concrete_fields]
        links = [
            (field.name, store_ids if field.related_model is Store else customer_ids)
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model in (Customer, Store)
        ]
        if model is Customer:
            links = [("pk", customer_ids)]
        for name, ids in links:
            found = model._default_manager.filter(**{f"{name}__in": ids}).values_list(*columns)
            rows[f"{model._meta.label}.{name}"] = sorted(map(str, found))
    return rows


def _table_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("setia.")
    }


def test_it_adds_nothing_to_customers_it_did_not_create(db, tmp_path):
    manager = make_user(Role.MANAGER)
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "Nama Brand,Nama Pemilik,No HP,Email,Kategori,Kota,URL Toko\n"
        "Batik Sekar,Ibu Sekar,0812-3456-7801,sekar@batik.id,Fashion,Solo,batik.id\n"
        "Kopi Senja,Dimas,+62 812 3456 7802,halo@kopi.id,F&B,Sleman,kopi.id\n"
    )
    call_command(
        "import_customers", str(sheet), owner=manager.email, verbosity=0, stdout=StringIO()
    )
    imported = list(Customer.objects.values_list("pk", flat=True))
    assert len(imported) == 2
    before = _rows_of(imported)

    output = _load(customers=40, seed=3)

    assert "customers created=40" in output
    assert _rows_of(imported) == before
    # the demo still got its own history, work and figures
    demo = Customer.objects.exclude(pk__in=imported)
    assert Interaction.objects.filter(customer__in=demo).exists()
    assert Task.objects.filter(customer__in=demo).exists()
    assert Onboarding.objects.filter(customer__in=demo).exists()
    assert StoreDailyMetric.objects.filter(store__customer__in=demo).exists()

    counts = _table_counts()
    again = _load(customers=40, seed=3)

    assert "customers created=0 skipped=40" in again
    assert _table_counts() == counts
    assert _rows_of(imported) == before
