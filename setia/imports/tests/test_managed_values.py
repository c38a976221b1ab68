"""Values outside a managed list (categories, plans, statuses, provinces, kabupaten/kota) never
cost the customer: the field is left empty, the row imported, and a warning written; the
user's choices (`--map`, `--map-file`) say what to store instead. Categories are matched by
their Indonesian or English name or an alias."""

import csv
import json

import pytest
from django.core.management.base import CommandError
from django.utils import translation

from setia.accounts.models import Role
from setia.customers.models import Category, Customer, Plan, Subscription
from setia.imports.tests.helpers import run, write_csv
from setia.test import make_contact, make_customer, make_store, make_user

ONBOARDING_HEADER = ["Nama Brand", "No HP", "Kategori", "Kota", "Paket", "Harga Bulanan"]
ONBOARDING_ROWS = [
    ["Anyaman Bu Tini", "0812-3456-7801", "Kerajinan", "Yogyakarta", "Growth", "Rp 499.000"],
    ["Gendut Chic", "0812-3456-7802", "Fesyen Plus Size", "Bandung", "Pro", "Rp 999.000"],
    ["Kopi Lereng", "0812-3456-7803", "makanan & minuman", "Malang", "Starter", "Rp 99.000"],
    ["Batik Rara", "0812-3456-7804", "Fesyen", "KAB. ANTAH BERANTAH", "pro", "Rp 999.000"],
]


def _errors(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))[1:]


@pytest.fixture
def manager(db):
    return make_user(Role.MANAGER, language="en")


def test_an_indonesian_onboarding_sheet_loses_no_customer(manager, tmp_path):
    path = write_csv(tmp_path / "onboarding.csv", ONBOARDING_ROWS, ONBOARDING_HEADER)

    output, summary = run(path, owner=manager.email)

    assert summary == "rows=4 created=4 updated=0 unchanged=0 duplicates=0 rejected=0 warnings=3"
    customers = {c.name: c for c in Customer.objects.select_related("category")}
    assert {name: c.category.slug for name, c in customers.items()} == {
        "Anyaman Bu Tini": "hobby",
        "Gendut Chic": "plus-size-fashion",
        "Kopi Lereng": "food-beverage",
        "Batik Rara": "fashion",
    }
    assert customers["Batik Rara"].city == ""
    # "Pro" is not a plan: those customers are created without a subscription.
    plans = dict(Subscription.objects.values_list("customer__name", "plan"))
    assert plans == {"Anyaman Bu Tini": "growth", "Kopi Lereng": "starter"}
    error_path = tmp_path / "onboarding.errors.csv"
    assert output.splitlines()[-1] == str(error_path)
    assert [line[len(ONBOARDING_HEADER) :] for line in _errors(error_path)] == [
        [
            "3",
            "Paket",
            "WARNING: Paket: Unknown plan Pro; use one of: Starter, Growth, Business, Enterprise",
        ],
        [
            "5",
            "Kota",
            "WARNING: Kota: Unknown kabupaten/kota KAB. ANTAH BERANTAH: it is not on "
            "the official list",
        ],
        [
            "5",
            "Paket",
            "WARNING: Paket: Unknown plan pro; use one of: Starter, Growth, Business, Enterprise",
        ],
    ]


def test_a_hubspot_export_with_unknown_industries_matches_and_updates_customers(manager, tmp_path):
    first = make_customer(name="Toko Maju", city="Solo")
    make_store(first, url="https://tokomaju.id", domain="tokomaju.id")
    second = make_customer(name="Sinar Jaya", city="")
    make_contact(second, phone="+6281234567802")
    header = ["Company name", "Company Domain Name", "Phone Number", "Industry", "City"]
    rows = [
        ["Toko Maju", "tokomaju.id", "", "Retail", "Surakarta"],
        ["Sinar Jaya", "", "+62 812-3456-7802", "Retail", "Semarang"],
        ["Baru Sekali", "barusekali.id", "", "Retail", "Medan"],
    ]
    path = write_csv(tmp_path / "hubspot-companies.csv", rows, header)
    categories = (first.category_id, second.category_id)

    _output, summary = run(path, owner=manager.email)

    assert summary == "rows=3 created=1 updated=2 unchanged=0 duplicates=0 rejected=0 warnings=3"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.city, second.city) == ("Surakarta", "Semarang")
    # Their categories are kept; the new customer is filed under "Other", and told so.
    assert (first.category_id, second.category_id) == categories
    new = Customer.objects.get(name="Baru Sekali")
    assert new.category.slug == "other"
    reasons = [line[-1] for line in _errors(tmp_path / "hubspot-companies.errors.csv")]
    assert reasons == [
        "WARNING: Industry: Unknown category Retail",
        "WARNING: Industry: Unknown category Retail",
        "WARNING: Industry: Unknown category Retail. The new customer is filed under Other",
    ]


def test_map_says_what_to_store_for_a_value_outside_a_list(manager, tmp_path):
    path = write_csv(tmp_path / "onboarding.csv", ONBOARDING_ROWS, ONBOARDING_HEADER)

    _output, summary = run(
        path,
        owner=manager.email,
        map=["Paket:PRO=Business", "city:Kab. Antah Berantah="],
    )

    assert summary == "rows=4 created=4 updated=0 unchanged=0 duplicates=0 rejected=0 warnings=0"
    plans = dict(Subscription.objects.values_list("customer__name", "plan"))
    assert plans["Gendut Chic"] == plans["Batik Rara"] == "business"
    assert not (tmp_path / "onboarding.errors.csv").exists()


def test_a_mapping_file_holds_the_same_choices(manager, tmp_path):
    path = write_csv(tmp_path / "onboarding.csv", ONBOARDING_ROWS, ONBOARDING_HEADER)
    choices = tmp_path / "choices.csv"
    choices.write_text(
        "column,value,target\nPaket,Pro,Enterprise\nKota,KAB. ANTAH BERANTAH,\n", encoding="utf-8"
    )

    _output, summary = run(path, owner=manager.email, map_file=str(choices))

    assert summary.endswith("rejected=0 warnings=0")
    assert set(Subscription.objects.values_list("plan", flat=True)) == {
        "growth",
        "starter",
        "enterprise",
    }


@pytest.mark.parametrize("text", ["Paket=Pro", "Pro=Business", ":Pro=Business"])
def test_a_malformed_map_is_refused_before_anything_is_read(manager, tmp_path, text):
    path = write_csv(tmp_path / "onboarding.csv", ONBOARDING_ROWS, ONBOARDING_HEADER)

    with pytest.raises(CommandError, match="COLUMN:VALUE=TARGET"):
        run(path, owner=manager.email, map=[text])
    assert not Customer.objects.exists()


def test_a_malformed_mapping_file_names_its_line(manager, tmp_path):
    path = write_csv(tmp_path / "onboarding.csv", ONBOARDING_ROWS, ONBOARDING_HEADER)
    choices = tmp_path / "choices.csv"
    choices.write_text(json.dumps({"Paket": "Pro"}) + "\n", encoding="utf-8")

    with pytest.raises(CommandError, match="line 1 is not column,value,target"):
        run(path, owner=manager.email, map_file=str(choices))


def test_seeded_categories_are_shown_in_the_readers_language(db):
    plus_size = Category.objects.get(slug="plus-size-fashion")
    hobby = Category.objects.get(slug="hobby")

    with translation.override("id"):
        assert (plus_size.display_name, hobby.display_name) == (
            "Fesyen Plus Size",
            "Hobi & Kerajinan",
        )
    with translation.override("en"):
        assert (plus_size.display_name, hobby.display_name) == (
            "Plus-size Fashion",
            "Hobby & Craft",
        )


def test_the_customer_page_shows_the_category_in_the_readers_language(client, manager):
    customer = make_customer(name="Anyaman", category=Category.objects.get(slug="hobby"))
    client.force_login(manager)

    english = client.get(customer.get_absolute_url())
    manager.language = "id"
    manager.save()
    indonesian = client.get(customer.get_absolute_url())

    assert "Hobby &amp; Craft" in english.text
    assert "Hobi &amp; Kerajinan" in indonesian.text
    assert "Hobby &amp; Craft" not in indonesian.text


def test_plans_are_matched_by_their_indonesian_name_code_or_alias(manager, tmp_path):
    Plan.objects.filter(code="enterprise").update(is_active=False)
    rows = [
        ["Toko Satu", "0812-3456-7811", "Fesyen", "Bandung", "Berkembang", "Rp 499.000"],
        ["Toko Dua", "0812-3456-7812", "Fesyen", "Bandung", "PAKET BISNIS", "Rp 799.000"],
        ["Toko Tiga", "0812-3456-7813", "Fesyen", "Bandung", "pemula.", "Rp 99.000"],
        ["Toko Empat", "0812-3456-7814", "Fesyen", "Bandung", "Basic", "Rp 99.000"],
        # A retired plan is still the plan an old customer has.
        ["Toko Lima", "0812-3456-7815", "Fesyen", "Bandung", "Korporat", "Rp 2.499.000"],
        ["Toko Enam", "0812-3456-7816", "Fesyen", "Bandung", "Pro", "Rp 999.000"],
    ]
    path = write_csv(tmp_path / "paket.csv", rows, ONBOARDING_HEADER)

    _output, summary = run(path, owner=manager.email)

    assert summary == "rows=6 created=6 updated=0 unchanged=0 duplicates=0 rejected=0 warnings=1"
    assert dict(Subscription.objects.values_list("customer__name", "plan")) == {
        "Toko Satu": "growth",
        "Toko Dua": "business",
        "Toko Tiga": "starter",
        "Toko Empat": "starter",
        "Toko Lima": "enterprise",
    }
    # The warning offers the plans still sold, named in the reader's language.
    warning = _errors(tmp_path / "paket.errors.csv")[0][-1]
    assert warning == "WARNING: Paket: Unknown plan Pro; use one of: Starter, Growth, Business"
    with translation.override("id"):
        assert Plan.objects.get(code="business").display_name == "Bisnis"
