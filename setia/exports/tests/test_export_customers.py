import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from setia.accounts.models import Role
from setia.exports import rows as export_rows
from setia.history.models import AuditEntry
from setia.test import make_contact, make_customer, make_store, make_subscription, make_user

CSV_URL = reverse("exports:customers-csv")
XLSX_URL = reverse("exports:customers-xlsx")
LIST_URL = reverse("customers:customer-list")

ENGLISH = [
    "Code", "Name", "Category", "Status", "City", "Province", "Account owner", "Team",
    "Primary contact", "Position", "Phone", "WhatsApp", "Email", "Store URL", "Plan",
    "Monthly price", "Renewal date", "Joined",
]  # fmt: skip
INDONESIAN = [
    "Kode", "Nama Brand", "Kategori", "Status", "Kota", "Provinsi", "Pemilik Akun", "Tim",
    "Kontak Utama", "Jabatan", "No HP", "WhatsApp", "Email", "URL Toko", "Paket",
    "Harga Bulanan", "Tanggal Perpanjangan", "Tanggal Bergabung",
]  # fmt: skip


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def _xlsx(response) -> list[list]:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    assert isinstance(sheet, ReadOnlyWorksheet)
    return [
        ["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)
    ]


@pytest.fixture
def english_executive(team_a):
    return make_user(Role.EXECUTIVE, team=team_a, language="en")


@pytest.fixture
def full_customer(team_a, executive):
    customer = make_customer(
        team=team_a, owner=executive, name="Batik Lestari", city="Solo", province="Jawa Tengah"
    )
    make_contact(
        customer,
        name="Ayu Lestari",
        position="Pemilik",
        phone="+6281234567890",
        whatsapp="+6281234567890",
        email="ayu@batiklestari.test",
        is_primary=True,
    )
    make_contact(customer, name="Second Person")
    make_store(customer, domain="batiklestari.co.id", url="https://batiklestari.co.id")
    make_store(
        customer, domain="shopee.co.id/batiklestari", url="https://shopee.co.id/batiklestari"
    )
    make_subscription(
        customer,
        plan="business",
        monthly_price=799_000,
        started_on=datetime.date(2025, 3, 1),
        renews_on=datetime.date(2026, 3, 1),
    )
    return customer


# Content


def test_it_exports_csv_with_english_headers_and_one_row_per_customer(
    client, english_executive, full_customer, executive
):
    client.force_login(english_executive)

    response = client.get(CSV_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="customers-')
    assert response.streaming
    table = _csv(response)
    assert table[0] == ENGLISH
    assert table[1:] == [
        [
            str(full_customer.code),
            "Batik Lestari",
            "Fashion",
            "onboarding",
            "Solo",
            "Jawa Tengah",
            executive.email,
            "Team A",
            "Ayu Lestari",
            "Pemilik",
            "'+6281234567890",
            "'+6281234567890",
            "ayu@batiklestari.test",
            "https://batiklestari.co.id",
            "business",
            "799000",
            "2026-03-01",
            "2025-03-01",
        ]
    ]


def test_it_uses_indonesian_headers_for_an_indonesian_user(client, executive, full_customer):
    assert executive.language == "id"
    client.force_login(executive)

    csv_table = _csv(client.get(CSV_URL))
    xlsx_table = _xlsx(client.get(XLSX_URL))

    assert csv_table[0] == INDONESIAN
    assert xlsx_table[0] == INDONESIAN


def test_it_exports_xlsx_with_the_same_cells(client, english_executive, full_customer):
    client.force_login(english_executive)

    response = client.get(XLSX_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    table = _xlsx(response)
    assert table[0] == ENGLISH
    assert table[1][:3] == [str(full_customer.code), "Batik Lestari", "Fashion"]
    assert table[1][10] == "'+6281234567890"
    assert table[1][15] == 799_000  # a number, not text
    assert table[1][16:] == ["2026-03-01", "2025-03-01"]


def test_it_leaves_empty_cells_for_a_customer_without_contact_store_or_plan(
    client, english_executive, team_a
):
    bare = make_customer(team=team_a, name="Kosong", city="", province="")
    client.force_login(english_executive)

    table = _csv(client.get(CSV_URL))

    assert table[1][:2] == [str(bare.code), "Kosong"]
    assert table[1][4:6] == ["", ""]
    assert table[1][8:17] == [""] * 9
    assert len(table[1][17]) == 10


# Access


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_it_redirects_anonymous_visitors_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_it_refuses_interns_and_viewers(client, request, customer, url, persona):
    client.force_login(request.getfixturevalue(persona))
    before = AuditEntry.objects.count()

    response = client.get(url)

    assert response.status_code == 403
    assert "Batik Lestari" not in response.content.decode()
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_it_refuses_post(client, executive, url):
    client.force_login(executive)

    assert client.post(url).status_code == 405


def test_the_list_links_to_both_exports_with_its_query_string(client, executive, customer):
    client.force_login(executive)

    response = client.get(LIST_URL, {"q": "batik", "status": "active", "page": 2})

    assert f'href="{CSV_URL}?q=batik&amp;status=active"' in response.text
    assert f'href="{XLSX_URL}?q=batik&amp;status=active"' in response.text


def test_the_list_shows_no_export_links_to_an_intern(client, intern, customer):
    client.force_login(intern)

    response = client.get(LIST_URL)

    assert CSV_URL not in response.text


# Queries


def _customers(count, team):
    for _number in range(count):
        customer = make_customer(team=team, owner=make_user(Role.EXECUTIVE, team=team))
        make_contact(customer, is_primary=True)
        make_contact(customer)
        make_store(customer)
        make_store(customer)
        make_subscription(customer)


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_it_runs_a_constant_number_of_queries(client, manager, team_a, url):
    client.force_login(manager)
    _customers(2, team_a)

    with CaptureQueriesContext(connection) as few:
        small = _csv(client.get(url)) if url == CSV_URL else _xlsx(client.get(url))
    _customers(40, team_a)
    with CaptureQueriesContext(connection) as many:
        large = _csv(client.get(url)) if url == CSV_URL else _xlsx(client.get(url))

    assert (len(small), len(large)) == (3, 43)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many.captured_queries) <= 8


def test_it_reads_in_chunks_of_three_queries(manager, team_a):
    _customers(5, team_a)
    customers = export_rows.customers_for(manager, {})

    with CaptureQueriesContext(connection) as queries:
        produced = list(export_rows.rows(customers, chunk_size=2))

    assert len(produced) == 5
    # One cursor over the customers (with their subscription), read in ceil(5 / 2) = 3 chunks;
    # each chunk: one query for primary contacts, one for stores.
    assert len(queries.captured_queries) == 1 + 3 * 2
