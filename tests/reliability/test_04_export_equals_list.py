"""An export holds exactly the rows of the list for the same filters, in the list's order, and only
what the user may see."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from setia.customers.models import Customer
from setia.test import make_contact, make_customer

CSV_URL = reverse("exports:customers-csv")


XLSX_URL = reverse("exports:customers-xlsx")


LIST_URL = reverse("customers:customer-list")


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


def _list_codes(client, query) -> list[str]:
    response = client.get(LIST_URL, query)
    return [str(customer.code) for customer in response.context["page"].object_list]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": "batik"},
        {"status": "active", "sort": "-name"},
        {"city": "bandung", "sort": "city"},
        {"q": "0812", "sort": "-created"},
        {"status": "sleeping"},  # an invalid filter is ignored, as on the list
    ],
)
def test_it_exports_the_rows_of_the_list_in_its_order(client, executive, team_a, team_b, query):
    for number, (name, status, city) in enumerate(
        [
            ("Batik Lestari", "active", "Bandung"),
            ("Batik Nusantara", "paused", "Solo"),
            ("Kopi Senja", "active", "Bandung"),
            ("Anyam Rotan", "active", "Medan"),
            ("Batik Kirana", "active", "Bandung"),
        ]
    ):
        customer = make_customer(team=team_a, name=name, status=status, city=city)
        make_contact(customer, phone=f"+628123456780{number}", is_primary=True)
    make_customer(team=team_b, name="Batik Timur", status="active", city="Bandung")
    make_customer(team=team_a, name="Batik Deleted", status="active", deleted_at=timezone.now())
    client.force_login(executive)

    expected = _list_codes(client, query)
    exported = [row[0] for row in _csv(client.get(CSV_URL, query))[1:]]
    exported_xlsx = [row[0] for row in _xlsx(client.get(XLSX_URL, query))[1:]]

    assert exported == expected
    assert exported_xlsx == expected
    names = set(Customer.objects.filter(code__in=exported).values_list("name", flat=True))
    assert "Batik Timur" not in names
    assert "Batik Deleted" not in names


def test_it_exports_only_what_the_user_may_see(client, other_executive, team_a, team_b):
    make_customer(team=team_a, name="Alpha")
    beta = make_customer(team=team_b, name="Beta")
    client.force_login(other_executive)

    table = _csv(client.get(CSV_URL))

    assert [row[0] for row in table[1:]] == [str(beta.code)]


def test_a_manager_exports_every_team(client, manager, team_a, team_b):
    make_customer(team=team_a, name="Alpha")
    make_customer(team=team_b, name="Beta")
    client.force_login(manager)

    table = _csv(client.get(CSV_URL))

    assert [row[1] for row in table[1:]] == ["Alpha", "Beta"]


@pytest.mark.parametrize("query", [{"q": "batik " * 20}, {"q": "batik\x00"}, {"q": "   "}])
def test_a_search_the_list_refuses_is_refused_by_the_exports_never_dropped(
    client, executive, team_a, query
):
    make_customer(team=team_a, name="Batik Lestari")
    make_customer(team=team_a, name="Kopi Senja")
    client.force_login(executive)

    answers = [client.get(url, query) for url in (LIST_URL, CSV_URL, XLSX_URL)]

    statuses = {response.status_code for response in answers}
    if statuses == {200}:
        # Accepted (blank): then the export still holds exactly the list's rows.
        assert [row[0] for row in _csv(answers[1])[1:]] == _list_codes(client, query)
    else:
        assert statuses == {400}
        assert all(b"Kopi Senja" not in response.content for response in answers)
