import datetime
import gc

import pytest
from django.core.management import CommandError

from setia.accounts.models import Role
from setia.customers.models import Contact, Customer, Store, Subscription
from setia.history.models import AuditEntry
from setia.imports import actions, engine, writing
from setia.imports.models import Import
from setia.imports.tests.helpers import SAMPLES, counts, run, write_csv
from setia.test import make_contact, make_customer, make_store, make_user
from setia.work.onboarding.models import Onboarding, Stage
from setia.work.schedule.models import Task

ROWS = [
    ["Batik Sekar", "Ibu Sekar", "0812-3456-7801", "Sekar@Batik.id", "Fashion", "Solo", "batik.id"],
    ["Kopi Senja", "Dimas", "+62 812 3456 7802", "halo@kopi.id", "F&B", "Sleman", "kopi.id"],
]


@pytest.fixture
def sheet(tmp_path):
    return write_csv(tmp_path / "sheet.csv", ROWS)


def test_it_creates_customers_contacts_and_stores(db, sheet, manager):
    output, summary = run(sheet, owner=manager.email)

    assert summary == "rows=2 created=2 updated=0 unchanged=0 duplicates=0 rejected=0 warnings=0"
    batik = Customer.objects.get(name="Batik Sekar")
    assert batik.category.slug == "fashion"
    assert batik.city == "Solo"
    assert batik.owner == manager
    contact = batik.contacts.get()
    assert (contact.name, contact.phone, contact.whatsapp, contact.email, contact.is_primary) == (
        "Ibu Sekar",
        "+6281234567801",
        "+6281234567801",
        "sekar@batik.id",
        True,
    )
    assert batik.stores.get().domain == "batik.id"
    assert batik.stores.get().url == "https://batik.id"
    assert "errors.csv" not in output


def test_a_big_import_refreshes_the_planners_statistics_inside_its_transaction(
    db, sheet, manager, monkeypatch
):
    # Every import counts as big here, so that the ANALYZE step (PostgreSQL only) runs.
    monkeypatch.setattr(actions, "ANALYZE_ABOVE", 0)

    _output, summary = run(sheet, owner=manager.email)

    assert summary == "rows=2 created=2 updated=0 unchanged=0 duplicates=0 rejected=0 warnings=0"
    assert Customer.objects.count() == 2


def test_it_records_every_created_record_with_the_import_as_source(db, sheet, manager):
    run(sheet, owner=manager.email)

    batch = Import.objects.get()
    entries = AuditEntry.objects.filter(source=f"import:{batch.code}")
    # One entry per new customer, holding its contact and store too.
    assert entries.count() == 2
    assert set(entries.values_list("action", "object_type")) == {("create", "customers.customer")}
    assert set(entries.values_list("actor", flat=True)) == {manager.pk}
    customer_entry = entries.get(object_repr="Kopi Senja")
    assert customer_entry.changes["category"] == [None, "F&B"]
    assert customer_entry.changes["store.domain"] == [None, "kopi.id"]
    assert customer_entry.changes["contact.is_primary"] == [None, "True"]
    assert AuditEntry.objects.exclude(source=f"import:{batch.code}").count() == 0


@pytest.fixture(params=["scan", "look-up"])
def matching(request, monkeypatch):
    """Existing customers are found by reading their tables once (small tables) or by IN (...)
    look-ups of the file's keys (large ones): both ways must find the same customers."""
    monkeypatch.setattr(engine, "SCAN_FACTOR", 1_000_000 if request.param == "scan" else 0)
    return request.param


@pytest.mark.parametrize(
    ("key", "row"),
    [
        ("phone", ["Nama Baru", "", "6281234567801", "", "", "", ""]),
        ("email", ["Nama Baru", "", "", "SEKAR@batik.ID", "", "", ""]),
        ("domain", ["Nama Baru", "", "", "", "", "", "https://www.Batik.id/shop"]),
    ],
)
def test_it_updates_an_existing_customer_matched_by_key(db, tmp_path, manager, key, row, matching):
    customer = make_customer(name="Batik Lama", city="Solo")
    make_contact(customer, phone="+6281234567801", whatsapp="", email="sekar@batik.id")
    make_store(customer, domain="batik.id", url="https://batik.id")
    path = write_csv(tmp_path / "update.csv", [row])

    _output, summary = run(path, owner=manager.email)

    assert summary == "rows=1 created=0 updated=1 unchanged=0 duplicates=0 rejected=0 warnings=0"
    customer.refresh_from_db()
    assert customer.name == "Nama Baru"
    assert customer.version == 2
    assert Customer.objects.count() == 1
    entry = AuditEntry.objects.get(object_type="customers.customer")
    assert entry.action == "update"
    assert entry.changes == {"name": ["Batik Lama", "Nama Baru"]}
    assert entry.source.startswith("import:")


def test_it_never_blanks_a_stored_value_with_an_empty_cell(db, tmp_path, manager):
    customer = make_customer(name="Batik", city="Solo")
    make_contact(customer, phone="+6281234567801", email="a@batik.id", name="Sekar")
    path = write_csv(tmp_path / "blank.csv", [["Batik", "", "0812-3456-7801", "", "", "", ""]])

    _output, summary = run(path, owner=manager.email)

    assert summary == "rows=1 created=0 updated=0 unchanged=1 duplicates=0 rejected=0 warnings=0"
    customer.refresh_from_db()
    assert customer.city == "Solo"
    assert Contact.objects.get().email == "a@batik.id"


def test_it_counts_two_rows_matching_one_existing_customer_as_a_duplicate(
    db, tmp_path, manager, matching
):
    customer = make_customer(name="Batik")
    make_contact(customer, phone="+6281234567801", email="sekar@batik.id")
    rows = [
        ["Batik", "", "0812-3456-7801", "", "", "Solo", ""],
        ["Batik", "", "", "sekar@batik.id", "", "", ""],
    ]
    path = write_csv(tmp_path / "two.csv", rows)

    _output, summary = run(path, owner=manager.email)

    assert summary == "rows=2 created=0 updated=1 unchanged=0 duplicates=1 rejected=0 warnings=0"


def test_it_rejects_a_row_matching_two_customers(db, tmp_path, manager, matching):
    first, second = make_customer(name="A"), make_customer(name="B")
    make_contact(first, phone="+6281234567801", email="a@a.id")
    make_contact(second, phone="+6281234567899", email="b@b.id")
    path = write_csv(
        tmp_path / "ambiguous.csv", [["A", "", "0812-3456-7801", "b@b.id", "", "", ""]]
    )

    _output, summary = run(path, owner=manager.email)

    assert summary == "rows=1 created=0 updated=0 unchanged=0 duplicates=0 rejected=1 warnings=0"
    assert "2" in (tmp_path / "ambiguous.errors.csv").read_text(encoding="utf-8-sig")


def test_it_writes_reasons_in_the_owners_language(db, tmp_path):
    owner = make_user(Role.MANAGER, language="id")
    path = write_csv(tmp_path / "id.csv", [["Batik", "", "", "salah", "Fashion", "", ""]])

    run(path, owner=owner.email)

    text = (tmp_path / "id.errors.csv").read_text(encoding="utf-8-sig")
    assert "Email: salah bukan alamat e-mail\n" in text
    assert "Baris,Kolom,Alasan" in text


def test_it_imports_nothing_in_strict_mode_when_a_row_is_rejected(db, tmp_path, manager):
    path = write_csv(tmp_path / "strict.csv", [*ROWS, ["X", "", "1", "", "Fashion", "", ""]])
    before = counts()

    with pytest.raises(CommandError, match="--strict: nothing was imported because 1 rows"):
        run(path, owner=manager.email, strict=True)

    assert counts() == before


def test_it_imports_in_strict_mode_when_every_row_is_valid(db, sheet, manager):
    _output, summary = run(sheet, owner=manager.email, strict=True)

    assert summary == "rows=2 created=2 updated=0 unchanged=0 duplicates=0 rejected=0 warnings=0"


def _sample(tmp_path, name):
    """A copy of a shipped sample, so the error file is written beside the copy."""
    copy = tmp_path / name
    copy.write_bytes((SAMPLES / name).read_bytes())
    return copy


def test_the_counts_always_add_up_on_the_messy_sample(db, tmp_path, manager):
    _output, summary = run(
        _sample(tmp_path, "onboarding-sheet.csv"), owner=manager.email, dry_run=True
    )

    values = dict(part.split("=") for part in summary.split())
    numbers = {name: int(value) for name, value in values.items()}
    assert numbers == {
        "rows": 15,
        "created": 8,
        "updated": 0,
        "unchanged": 0,
        "duplicates": 2,
        "rejected": 5,
        "warnings": 0,
    }
    assert numbers["rows"] == sum(v for k, v in numbers.items() if k not in ("rows", "warnings"))


def test_the_xlsx_sample_gives_the_same_result_as_the_csv(db, tmp_path, manager):
    _o, csv_summary = run(
        _sample(tmp_path, "onboarding-sheet.csv"), owner=manager.email, dry_run=True
    )
    _o, xlsx_summary = run(
        _sample(tmp_path, "onboarding-sheet.xlsx"), owner=manager.email, dry_run=True
    )

    assert xlsx_summary == csv_summary


def test_it_keeps_unknown_columns_as_extra_attributes(db, tmp_path, manager):
    path = write_csv(
        tmp_path / "extra.csv",
        [["Batik", "0812-3456-7801", "Fashion", "Instagram", ""]],
        header=["Brand", "Phone", "Category", "Sumber Info", "Kolom Kosong"],
    )

    output, _summary = run(path, owner=manager.email)

    assert "kept as extra attributes: Sumber Info, Kolom Kosong" in output
    assert Customer.objects.get().extra == {"Sumber Info": "Instagram"}


def test_it_imports_subscriptions_with_indonesian_dates_and_amounts(db, tmp_path, manager):
    path = write_csv(
        tmp_path / "plans.csv",
        [
            ["Batik", "0812-3456-7801", "Fashion", "Growth", "Rp 1.234.567", "05/04/2026", ""],
            [
                "Kopi",
                "0812-3456-7802",
                "F&B",
                "paket starter",
                "1.234.567,00",
                "17 Agustus 2026",
                "17 Agu 2027",
            ],
        ],
        header=[
            "Nama Brand",
            "No HP",
            "Kategori",
            "Paket",
            "Harga Bulanan",
            "Tanggal Onboarding",
            "Tanggal Perpanjangan",
        ],
    )

    run(path, owner=manager.email)

    batik = Subscription.objects.get(customer__name="Batik")
    assert (batik.plan_id, batik.monthly_price, batik.started_on, batik.renews_on) == (
        "growth",
        1_234_567,
        datetime.date(2026, 4, 5),
        datetime.date(2027, 4, 5),
    )
    kopi = Subscription.objects.get(customer__name="Kopi")
    assert (kopi.plan_id, kopi.monthly_price, kopi.started_on, kopi.renews_on) == (
        "starter",
        1_234_567,
        datetime.date(2026, 8, 17),
        datetime.date(2027, 8, 17),
    )


def test_it_refuses_an_unusable_file_with_a_clear_message(db, tmp_path):
    manager = make_user(Role.MANAGER, language="en")
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))

    with pytest.raises(CommandError, match="This file is not a spreadsheet"):
        run(path, owner=manager.email)


def test_it_refuses_a_file_without_identifying_columns(db, tmp_path):
    manager = make_user(Role.MANAGER, language="en")
    path = write_csv(tmp_path / "cities.csv", [["Solo"]], header=["Kota"])

    with pytest.raises(CommandError, match="No column holds a brand name"):
        run(path, owner=manager.email)


def test_it_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "missing.csv")


@pytest.mark.parametrize("role", [Role.INTERN, Role.VIEWER])
def test_it_refuses_interns_and_viewers(db, sheet, role):
    user = make_user(role)

    with pytest.raises(CommandError, match="may not import customers"):
        run(sheet, owner=user.email)

    assert Customer.objects.count() == 0


def test_an_executive_imports_for_their_own_team(db, tmp_path, executive, other_executive, team_a):
    theirs = make_customer(name="Milik Tim B", team=other_executive.team, owner=other_executive)
    make_contact(theirs, phone="+6281234567899")
    rows = [
        ["Batik", "", "0812-3456-7801", "", "Fashion", "", ""],
        ["Milik Tim B diubah", "", "0812-3456-7899", "", "", "", ""],
    ]
    path = write_csv(tmp_path / "exec.csv", rows)

    _output, summary = run(path, owner=executive.email)

    assert summary == "rows=2 created=1 updated=0 unchanged=0 duplicates=0 rejected=1 warnings=0"
    created = Customer.objects.get(name="Batik")
    assert (created.owner, created.team) == (executive, team_a)
    theirs.refresh_from_db()
    assert theirs.name == "Milik Tim B"


def test_an_executive_cannot_give_a_customer_to_another_team(
    db, tmp_path, executive, other_executive
):
    path = write_csv(
        tmp_path / "owner.csv",
        [["Batik", "0812-3456-7801", "Fashion", other_executive.email]],
        header=["Nama Brand", "No HP", "Kategori", "Pemilik Akun"],
    )

    _output, summary = run(path, owner=executive.email)

    assert summary.endswith("rejected=1 warnings=0")
    assert Customer.objects.count() == 0


def test_a_manager_assigns_the_account_owner_from_the_file(
    db, tmp_path, manager, executive, team_a
):
    path = write_csv(
        tmp_path / "owner.csv",
        [["Batik", "0812-3456-7801", "Fashion", executive.email.upper()]],
        header=["Name", "Phone", "Category", "Account owner"],
    )

    run(path, owner=manager.email)

    customer = Customer.objects.get()
    assert (customer.owner, customer.team) == (executive, team_a)


def test_it_rejects_a_row_matching_a_deleted_customer(db, tmp_path, manager):
    customer = make_customer(
        name="Batik", deleted_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    make_contact(customer, phone="+6281234567801")
    path = write_csv(tmp_path / "deleted.csv", [["Batik", "", "0812-3456-7801", "", "", "", ""]])

    _output, summary = run(path, owner=manager.email)

    assert summary.endswith("rejected=1 warnings=0")


def test_it_matches_a_re_imported_export_by_code(db, tmp_path, manager):
    customer = make_customer(name="Batik")
    path = write_csv(
        tmp_path / "export.csv",
        [[str(customer.code), "Batik Baru", "Fashion"]],
        header=["Code", "Name", "Category"],
    )

    _output, summary = run(path, owner=manager.email)

    assert summary == "rows=1 created=0 updated=1 unchanged=0 duplicates=0 rejected=0 warnings=0"
    customer.refresh_from_db()
    assert customer.name == "Batik Baru"


def test_a_row_with_only_a_name_is_matched_by_that_name_next_time(db, tmp_path, manager):
    path = write_csv(
        tmp_path / "names.csv", [["Batik", "Fashion"]], header=["Nama Brand", "Kategori"]
    )
    run(path, owner=manager.email)

    _output, summary = run(path, owner=manager.email)

    assert summary == "rows=1 created=0 updated=0 unchanged=1 duplicates=0 rejected=0 warnings=0"
    assert Store.objects.count() == 0


def test_it_puts_the_import_on_each_customers_timeline_and_flags_look_alikes(db, sheet, manager):
    from setia.history.models import TimelineEvent
    from setia.quality.models import DuplicateCandidate

    existing = make_customer(name="Kopi Senja Official", city="Sleman")  # the same shop twice

    run(sheet, owner=manager.email)

    batch = Import.objects.get()
    events = TimelineEvent.objects.filter(kind="import")
    assert sorted(events.values_list("customer__name", flat=True)) == ["Batik Sekar", "Kopi Senja"]
    assert set(events.values_list("source_id", flat=True)) == {str(batch.pk)}
    assert set(events.values_list("actor", flat=True)) == {manager.pk}
    pair = DuplicateCandidate.objects.get()
    kopi = Customer.objects.get(name="Kopi Senja")
    assert {pair.customer_a_id, pair.customer_b_id} == {existing.pk, kopi.pk}


def test_it_pauses_the_garbage_collector_while_it_writes_only(db, sheet, manager, monkeypatch):
    seen = []
    apply_chunk = writing.apply_chunk

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return apply_chunk(*args, **kwargs)

    monkeypatch.setattr(writing, "apply_chunk", spy)
    run(sheet, owner=manager.email)

    assert seen == [False]
    assert gc.isenabled()


def test_it_puts_the_customers_it_creates_on_the_onboarding_pipeline(db, sheet, manager):
    existing = make_customer(name="Toko Lama")
    first = Stage.objects.first_stage()

    run(sheet, owner=manager.email)
    run(sheet, owner=manager.email)  # again: nothing new to enrol

    created = Customer.objects.filter(name__in=["Batik Sekar", "Kopi Senja"])
    assert set(Onboarding.objects.values_list("customer__name", "stage")) == {
        ("Batik Sekar", first.pk),
        ("Kopi Senja", first.pk),
    }
    assert not Onboarding.objects.filter(customer=existing).exists()
    checklist = first.task_templates.count()
    assert checklist > 0
    assert Task.objects.filter(customer__in=created, owner=manager).count() == 2 * checklist
