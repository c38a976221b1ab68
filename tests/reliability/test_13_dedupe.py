"""Duplicates: one customer whatever form its phone is written in, inside a file and against the
database, and importing the same file again creates nothing."""

import pytest

from setia.customers.models import Contact, Customer
from setia.imports.tests.helpers import counts, run, write_csv
from setia.test import make_contact, make_customer

ROWS = [
    ["Batik Sekar", "Ibu Sekar", "0812-3456-7801", "Sekar@Batik.id", "Fashion", "Solo", "batik.id"],
    ["Kopi Senja", "Dimas", "+62 812 3456 7802", "halo@kopi.id", "F&B", "Sleman", "kopi.id"],
]


@pytest.fixture
def sheet(tmp_path):
    return write_csv(tmp_path / "sheet.csv", ROWS)


def test_it_creates_nothing_when_the_same_file_is_imported_again(db, sheet, manager):
    run(sheet, owner=manager.email)
    before = counts()

    _output, summary = run(sheet, owner=manager.email)

    assert summary == "rows=2 created=0 updated=0 unchanged=2 duplicates=0 rejected=0 warnings=0"
    after = counts()
    assert after.pop("Import") == before.pop("Import") + 1
    assert after == before


def test_it_collapses_duplicates_inside_the_file(db, tmp_path, manager):
    rows = [
        ["Batik", "Sekar", "0812-3456-7801", "", "Fashion", "", ""],
        ["Batik lagi", "", "+62 812 3456 7801", "sekar@batik.id", "", "Solo", ""],
        ["Batik ketiga", "", "", "SEKAR@BATIK.ID", "", "", "batik.id"],
    ]
    path = write_csv(tmp_path / "dupes.csv", rows)

    _output, summary = run(path, owner=manager.email)

    assert summary == "rows=3 created=1 updated=0 unchanged=0 duplicates=2 rejected=0 warnings=0"
    customer = Customer.objects.get()
    assert customer.name == "Batik"
    assert customer.city == "Solo"  # blanks filled from the duplicates
    assert customer.contacts.get().email == "sekar@batik.id"
    assert customer.stores.get().domain == "batik.id"


# One mobile number as people write it in spreadsheets.
PHONE_FORMS = [
    "081234567801",
    "0812-3456-7801",
    "0812 3456 7801",
    "0812.3456.7801",
    "(0812) 3456-7801",
    "+6281234567801",
    "+62 812 3456 7801",
    "+62-812-3456-7801",
    "6281234567801",
    "62 812-3456-7801",
]


def test_every_form_of_one_phone_in_a_file_is_one_customer(db, tmp_path, manager):
    rows = [[f"Batik {n}", "", phone, "", "Fashion", "", ""] for n, phone in enumerate(PHONE_FORMS)]
    path = write_csv(tmp_path / "forms.csv", rows)

    _output, summary = run(path, owner=manager.email)

    assert summary == "rows=10 created=1 updated=0 unchanged=0 duplicates=9 rejected=0 warnings=0"
    assert list(Contact.objects.values_list("phone", flat=True)) == ["+6281234567801"]


@pytest.mark.parametrize("phone", PHONE_FORMS)
def test_each_form_of_the_phone_finds_the_stored_customer(db, tmp_path, manager, phone):
    customer = make_customer(name="Batik")
    make_contact(customer, phone="+6281234567801")
    path = write_csv(tmp_path / "one.csv", [["Batik", "", phone, "", "", "", ""]])

    _output, summary = run(path, owner=manager.email)

    assert summary == "rows=1 created=0 updated=0 unchanged=1 duplicates=0 rejected=0 warnings=0"
    assert Customer.objects.get() == customer
    assert Contact.objects.count() == 1


def test_importing_the_file_of_every_form_again_creates_nothing(db, tmp_path, manager):
    rows = [[f"Batik {n}", "", phone, "", "Fashion", "", ""] for n, phone in enumerate(PHONE_FORMS)]
    path = write_csv(tmp_path / "forms.csv", rows)
    run(path, owner=manager.email)
    before = counts()

    _output, summary = run(path, owner=manager.email)

    assert summary == "rows=10 created=0 updated=0 unchanged=1 duplicates=9 rejected=0 warnings=0"
    after = counts()
    assert after.pop("Import") == before.pop("Import") + 1
    assert after == before
