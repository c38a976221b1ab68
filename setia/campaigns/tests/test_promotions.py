"""Promotions: editing one, importing them from CSV or XLSX (row errors, all or nothing,
re-runnable without duplicates) and adding one for a campaign's participants."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from setia.campaigns import actions
from setia.campaigns.models import Participant, Promotion
from setia.campaigns.tests.factories import make_campaign
from setia.campaigns.tests.test_captions import make_promotion
from setia.history.models import EventKind, TimelineEvent
from setia.lib.reading import FileError
from setia.test import make_customer

IMPORT = reverse("campaigns:promotion-import")

# Excel in the id-ID locale: `;` between cells, Indonesian headers and dates.
SHEET = """Toko;Nama promo;Mulai;Selesai;Diskon;Tautan;Kampanye
Batik Lestari;Harbolnas 12.12;5/12/2026;12/12/2026;20%;batiklestari.id/promo;Frame a Trip
kain kirana;Gratis ongkir;7 Desember 2026;13 Desember 2026;Gratis ongkir;https://kainkirana.id;
"""


@pytest.fixture
def merchants(customer, team_a, team_b, executive, other_executive):
    make_campaign(name="Frame a Trip")
    kirana = make_customer(team=team_a, owner=executive, name="Kain Kirana")
    theirs = make_customer(team=team_b, owner=other_executive, name="Toko Tim B")
    return customer, kirana, theirs


def _file(text: str, name="promo.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"))


def test_an_import_adds_the_promotions_on_the_merchants_timelines(merchants, executive):
    customer, kirana, _theirs = merchants

    outcome = actions.import_promotions(file=_file(SHEET), actor=executive)

    assert (outcome.rows, outcome.created, outcome.updated, outcome.errors) == (2, 2, 0, [])
    harbolnas = Promotion.objects.get(customer=customer)
    assert (harbolnas.starts_on, harbolnas.ends_on, harbolnas.link) == (
        datetime.date(2026, 12, 5),
        datetime.date(2026, 12, 12),
        "https://batiklestari.id/promo",
    )
    assert harbolnas.campaign.name == "Frame a Trip"
    assert Promotion.objects.get(customer=kirana).campaign is None
    events = TimelineEvent.objects.filter(
        kind=EventKind.CAMPAIGN, source_type="campaigns.promotion"
    )
    assert events.count() == 2


def test_importing_the_same_file_again_adds_nothing_and_a_change_updates(merchants, executive):
    actions.import_promotions(file=_file(SHEET), actor=executive)

    again = actions.import_promotions(file=_file(SHEET), actor=executive)
    changed = actions.import_promotions(
        file=_file(SHEET.replace("20%", "25%").replace("Harbolnas", "HARBOLNAS")), actor=executive
    )

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert Promotion.objects.count() == 2
    assert Promotion.objects.get(name="Harbolnas 12.12").discount == "25%"


def test_row_errors_are_listed_and_nothing_is_imported(merchants, executive):
    sheet = SHEET + (
        "Toko Tim B;Rahasia;1/12/2026;2/12/2026;10%;https://b.id;\n"
        "Batik Lestari;Akhir tahun;31/12/2026;1/12/2026;10%;https://b.id;\n"
        "Batik Lestari;Tanpa tautan;1/12/2026;2/12/2026;10%;bukan tautan;\n"
        ";Tanpa toko;kemarin;2/12/2026;;https://b.id;\n"
        "Kain Kirana;Gratis ongkir;7/12/2026;9/12/2026;Gratis ongkir;https://k.id;\n"
        "Kain Kirana;Lain;7/12/2026;9/12/2026;5%;https://k.id;Tidak ada\n"
    )

    outcome = actions.import_promotions(file=_file(sheet), actor=executive)

    assert outcome.created == 0 and not Promotion.objects.exists()
    assert [(error.row, error.column) for error in outcome.errors] == [
        (4, "Merchant"),  # another team's merchant is not found
        (5, "Ends on"),
        (6, "Link"),
        (7, "Merchant"),
        (7, "Discount"),
        (7, "Starts on"),
        (8, "Promotion"),  # the same promotion as row 3
        (9, "Campaign"),
    ]
    assert "Toko Tim B" in outcome.errors[0].message
    assert "3" in outcome.errors[6].message


def test_a_file_without_a_required_column_is_refused(merchants, executive):
    with pytest.raises(FileError) as refused:
        actions.import_promotions(file=_file("Toko;Diskon\nBatik Lestari;20%\n"), actor=executive)

    assert "Promotion" in refused.value.message and "Link" in refused.value.message


def test_an_xlsx_file_is_read_the_same_way(merchants, executive):
    book = Workbook()
    sheet = book.active
    sheet.append(["Merchant", "Promotion", "Starts on", "Ends on", "Discount", "Link"])
    sheet.append(
        ["Batik Lestari", "Payday", datetime.date(2026, 12, 25), "2026-12-27", "15%", "b.id"]
    )
    output = io.BytesIO()
    book.save(output)

    outcome = actions.import_promotions(
        file=SimpleUploadedFile("promo.xlsx", output.getvalue()), actor=executive
    )

    assert (outcome.created, outcome.errors) == (1, [])
    assert Promotion.objects.get().starts_on == datetime.date(2026, 12, 25)


def test_an_import_takes_a_fixed_number_of_queries(
    merchants, executive, team_a, django_assert_num_queries
):
    actions.import_promotions(file=_file(SHEET), actor=executive)  # the user's permissions
    Promotion.objects.all().delete()
    # The savepoint and its release, the merchants, the campaigns, the promotions already
    # there, one INSERT, the timeline events.
    with django_assert_num_queries(7) as context:
        actions.import_promotions(file=_file(SHEET), actor=executive)
    for number in range(4):
        make_customer(team=team_a, owner=executive, name=f"Toko {number}")
    more = SHEET + "".join(
        f"Toko {number};Promo {number};1/12/2026;2/12/2026;5%;https://t.id;\n"
        for number in range(4)
    )
    Promotion.objects.all().delete()
    with django_assert_num_queries(len(context.captured_queries)):
        outcome = actions.import_promotions(file=_file(more), actor=executive)
    assert outcome.created == 6


def test_the_import_page_shows_the_row_errors_in_the_users_language(client, merchants, executive):
    executive.language = "id"
    executive.save(update_fields=["language"])
    client.force_login(executive)
    bad = SHEET + "Batik Lestari;Akhir tahun;31/12/2026;1/12/2026;10%;https://b.id;\n"

    response = client.post(IMPORT, {"file": _file(bad)})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Tidak ada yang diimpor" in page
    assert not Promotion.objects.exists()

    response = client.post(IMPORT, {"file": _file(SHEET)})
    assert response.status_code == 302 and Promotion.objects.count() == 2


def test_a_promotion_is_edited_on_the_timeline_and_another_teams_is_a_404(
    client, merchants, executive, other_executive
):
    customer, _kirana, theirs = merchants
    mine = make_promotion(customer)
    hidden = make_promotion(theirs, name="Rahasia")
    client.force_login(executive)
    edit = reverse("campaigns:promotion-edit", args=[mine.pk])

    response = client.post(
        edit,
        {
            "merchant": "Batik Lestari",
            "name": "Harbolnas",
            "starts_on": "2026-12-05",
            "ends_on": "2026-12-14",
            "discount": "30%",
            "link": "https://batiklestari.id/promo",
        },
    )

    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.discount, mine.ends_on) == ("30%", datetime.date(2026, 12, 14))
    event = TimelineEvent.objects.get(source_type="campaigns.promotion", source_id=str(mine.pk))
    assert event.data["edited"] is True
    assert client.get(reverse("campaigns:promotion-edit", args=[hidden.pk])).status_code == 404
    assert client.get(edit).status_code == 200


def test_a_campaigns_joined_participants_get_the_promotion_once(
    client, merchants, executive, manager
):
    customer, kirana, theirs = merchants
    campaign = make_campaign(name="Midtrans harga spesial")
    for merchant, status in ((customer, "joined"), (kirana, "invited"), (theirs, "joined")):
        Participant.objects.create(
            campaign=campaign, customer=merchant, status=status, invited_at=timezone.now()
        )
    values = {
        "name": "Harga spesial Midtrans",
        "starts_on": datetime.date(2026, 12, 1),
        "ends_on": datetime.date(2026, 12, 31),
        "discount": "MDR 0%",
        "link": "https://midtrans.example/umkm",
    }

    mine = actions.add_campaign_promotions(campaign=campaign, actor=executive, **values)
    every = actions.add_campaign_promotions(campaign=campaign, actor=manager, **values)
    again = actions.add_campaign_promotions(campaign=campaign, actor=manager, **values)

    assert (mine, every, again) == (1, 1, 0)
    assert set(Promotion.objects.values_list("customer__name", flat=True)) == {
        "Batik Lestari",
        "Toko Tim B",
    }
    assert set(Promotion.objects.values_list("campaign", flat=True)) == {campaign.pk}
    events = TimelineEvent.objects.filter(source_type="campaigns.promotion")
    assert sorted(events.values_list("customer__name", flat=True)) == [
        "Batik Lestari",
        "Toko Tim B",
    ]
    client.force_login(executive)
    response = client.post(
        reverse("campaigns:campaign-promotions", args=[campaign.pk]),
        {**values, "starts_on": "2026-12-31", "ends_on": "2026-12-01"},
    )
    assert response.status_code == 400
