"""Courier rate cards: the headers couriers write, row errors, versions, the same file again,
withdrawing, what changed (against a brute-force comparison), the export, the command and the
pages."""

import csv
import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from setia.lib.reading import FileError, read_table
from setia.partners import actions, ratecards
from setia.partners.models import RateCardRow, RateCardVersion
from setia.partners.tests.factories import make_partner

JNE_HEADER = ["Asal", "Tujuan", "Layanan", "Berat", "Tarif (Rp)", "Estimasi"]
JNE_ROWS = [
    ["Jakarta", "Bandung", "REG", "0-1 kg", "Rp 11.000", "2-3 hari"],
    ["Jakarta", "Bandung", "REG", "1-2 kg", "Rp 21.000", "2-3 hari"],
    ["Jakarta", "Bandung", "YES", "0-1 kg", "Rp 19.000", "1 hari"],
    ["Jakarta", "Surabaya", "REG", "5 kg ke atas", "Rp 150.000", "H+3"],
]


def _csv(header, rows, delimiter=";") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _xlsx(header, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _import(partner, data: bytes, *, dry_run=False, actor=None, name="tarif.csv"):
    return actions.import_rate_card(
        partner=partner, table=read_table(data), file_name=name, actor=actor, dry_run=dry_run
    )


def _lanes(sheet):
    return [
        (
            lane.origin,
            lane.destination,
            lane.service,
            lane.weight_min_g,
            lane.weight_max_g,
            lane.price,
            lane.eta_min_days,
            lane.eta_max_days,
        )
        for lane in sheet.lanes
    ]


EXPECTED = [
    ("JAKARTA", "BANDUNG", "REG", 0, 1000, 11000, 2, 3),
    ("JAKARTA", "BANDUNG", "REG", 1000, 2000, 21000, 2, 3),
    ("JAKARTA", "BANDUNG", "YES", 0, 1000, 19000, 1, 1),
    ("JAKARTA", "SURABAYA", "REG", 5000, None, 150000, 3, 3),
]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_csv(JNE_HEADER, JNE_ROWS), id="indonesian-semicolon"),
        pytest.param(
            _csv(
                ["Origin", "Destination", "Service", "Weight (kg)", "Price", "ETD"],
                [
                    ["JAKARTA", "BANDUNG", "REG", "0 - 1", "11000", "2-3 days"],
                    ["JAKARTA", "BANDUNG", "REG", "1 - 2", "21,000", "2 - 3 days"],
                    ["JAKARTA", "BANDUNG", "YES", "0 - 1", "19000", "1 day"],
                    ["JAKARTA", "SURABAYA", "REG", "> 5", "150000", "3"],
                ],
                delimiter=",",
            ),
            id="english-comma",
        ),
        pytest.param(
            _xlsx(
                [
                    "Kota Asal",
                    "Kota Tujuan",
                    "Jenis Layanan",
                    "Berat Min",
                    "Berat Max",
                    "Harga",
                    "ETA",
                ],
                [
                    ["jakarta", "bandung", "reg", 0, 1, 11000, "2-3 hari"],
                    ["jakarta", "bandung", "reg", 1, 2, 21000, "2-3 hari"],
                    ["jakarta", "bandung", "yes", 0, 1, 19000, "24 jam"],
                    ["jakarta", "surabaya", "reg", 5, None, 150000, "3 hari"],
                ],
            ),
            id="xlsx-min-max",
        ),
        pytest.param(
            _csv(
                ["ASAL", "TUJUAN", "LAYANAN", "BERAT (gram)", "ONGKIR", "ESTIMASI"],
                [
                    ["Jakarta", "Bandung", "REG", "0-1000", "11.000", "2-3 HARI"],
                    ["Jakarta", "Bandung", "REG", "1000-2000", "21.000,00", "2-3 HARI"],
                    ["Jakarta", "Bandung", "YES", "0-1000", "19.000", "1 HARI"],
                    ["Jakarta", "Surabaya", "REG", ">5000", "150.000", "3 HARI"],
                ],
                delimiter="\t",
            ),
            id="grams-tab",
        ),
        pytest.param(
            _csv(JNE_HEADER, JNE_ROWS).decode().encode("utf-16"),
            id="utf-16",
        ),
    ],
)
def test_the_headers_and_values_couriers_write_are_read(data):
    sheet = ratecards.read_sheet(read_table(data))

    assert sheet.errors == []
    assert _lanes(sheet) == EXPECTED


def test_a_sheet_without_a_needed_column_is_refused_naming_it():
    with translation.override("en"), pytest.raises(FileError) as error:
        ratecards.read_sheet(read_table(_csv(["Asal", "Tujuan", "Berat"], [["a", "b", "1"]])))

    assert "service, price, ETA" in error.value.message


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("id", "bukan harga dalam rupiah"),
        ("en", "is not a price in rupiah, such as Rp 12.000"),
    ],
)
def test_rows_with_errors_are_reported_and_nothing_is_imported(db, language, reason):
    partner = make_partner()
    rows = [
        *JNE_ROWS,
        ["Jakarta", "Medan", "REG", "satu kilo", "Rp 40.000", "4 hari"],  # row 6
        ["Jakarta", "Medan", "REG", "1-2 kg", "gratis", "4 hari"],  # row 7
        ["Jakarta", "", "REG", "1-2 kg", "Rp 40.000", "minggu depan"],  # row 8
        ["Jakarta", "Bandung", "REG", "0-1 kg", "Rp 12.000", "2 hari"],  # row 9: row 2's lane
    ]

    with translation.override(language):
        result = _import(partner, _csv(JNE_HEADER, rows))

    errors = result.sheet.errors
    assert [number for number, _column, _reason in errors] == [6, 7, 8, 8, 9]
    assert [column for _number, column, _reason in errors] == [
        "Berat",
        "Tarif (Rp)",
        "Tujuan",
        "Estimasi",
        "",
    ]
    assert reason in errors[1][2]
    assert "2" in errors[4][2]
    assert result.sheet.rejected == 4
    assert result.summary == "rows=8 accepted=4 rejected=4 version=-"
    assert not RateCardVersion.objects.exists()
    assert not RateCardRow.objects.exists()


def test_formulas_are_read_as_text_and_a_neutralising_quote_is_stripped(db):
    partner = make_partner()
    rows = [["'=Jakarta", '=HYPERLINK("x")', "REG", "1-2 kg", "Rp 9.000", "2 hari"]]

    result = _import(partner, _csv(JNE_HEADER, rows))

    row = result.version.rows.get()
    assert (row.origin, row.destination) == ("=JAKARTA", '=HYPERLINK("X")')
    exported = list(ratecards.export_rows(result.version, result.version.rows.all()))
    assert exported[0][2:4] == ["'=JAKARTA", '\'=HYPERLINK("X")']


def test_each_import_is_a_version_and_the_same_file_again_is_not(db, manager):
    partner = make_partner()

    first = _import(partner, _csv(JNE_HEADER, JNE_ROWS), actor=manager)
    dry = _import(partner, _csv(JNE_HEADER, JNE_ROWS[:2]), dry_run=True)
    # The same lanes, in another order, file type and spelling.
    again = _import(
        partner, _xlsx(JNE_HEADER, [[cell.lower() for cell in row] for row in JNE_ROWS[::-1]])
    )
    changed = _import(
        partner, _csv(JNE_HEADER, [*JNE_ROWS[:3], [*JNE_ROWS[3][:4], "Rp 160.000", "H+3"]])
    )

    assert first.version.number == 1 and first.version.row_count == 4
    assert first.version.created_by == manager
    assert dry.version is None and dry.summary == "rows=2 accepted=2 rejected=0 version=-"
    assert again.version is None and again.same_as == first.version
    assert changed.version.number == 2
    assert list(
        RateCardVersion.objects.standing().filter(partner=partner).values_list("number", flat=True)
    ) == [2, 1]
    assert RateCardRow.objects.count() == 8


def test_withdrawing_the_current_version_makes_the_one_before_current(db, manager):
    partner = make_partner()
    first = _import(partner, _csv(JNE_HEADER, JNE_ROWS)).version
    second = _import(partner, _csv(JNE_HEADER, JNE_ROWS[:3])).version

    with pytest.raises(actions.PartnerError):
        actions.withdraw_rate_card(version=first, actor=manager)
    actions.withdraw_rate_card(version=second, actor=manager)

    assert RateCardVersion.objects.standing().filter(partner=partner).first() == first
    second.refresh_from_db()
    assert second.withdrawn_by == manager and second.rows.count() == 3
    # The withdrawn sheet imported again is a new version, not the withdrawn one back.
    third = _import(partner, _csv(JNE_HEADER, JNE_ROWS[:3])).version
    assert third.number == 3


def _planted(rng: random.Random) -> tuple[list[list], list[list]]:
    """Two random sheets over a small space of lanes, so that many are shared."""

    def sheet():
        rows = {}
        for _ in range(rng.randint(20, 60)):
            low = rng.choice([0, 1, 2, 5])
            high = rng.choice([None, low + 1, low + 3]) if low == 5 else low + 1
            key = (rng.choice("ABC"), rng.choice("DEF"), rng.choice(["REG", "YES"]), low)
            band = f"{low}-{high} kg" if high is not None else f"{low} kg ke atas"
            days = rng.randint(1, 3)
            rows[key] = [
                *key[:3],
                band,
                str(rng.choice([9000, 10000, 11000])),
                f"{days}-{days + rng.randint(0, 1)} hari",
            ]
        return list(rows.values())

    return sheet(), sheet()


def _brute_force(old_version, new_version) -> dict:
    def by_lane(version):
        return {
            (row.origin, row.destination, row.service, row.weight_min_g): (
                row.weight_max_g,
                row.price,
                row.eta_min_days,
                row.eta_max_days,
            )
            for row in version.rows.all()
        }

    old, new = by_lane(old_version), by_lane(new_version)
    return {
        "added": sorted(key for key in new if key not in old),
        "removed": sorted(key for key in old if key not in new),
        "changed": sorted(key for key in new if key in old and new[key] != old[key]),
    }


@pytest.mark.parametrize("seed", range(6))
def test_what_changed_matches_a_brute_force_comparison(db, seed):
    rng = random.Random(seed)
    partner = make_partner()
    old_rows, new_rows = _planted(rng)
    old = _import(partner, _csv(JNE_HEADER, old_rows)).version
    new = _import(partner, _csv(JNE_HEADER, new_rows)).version
    assert old is not None and new is not None

    parts = ratecards.diff_parts(old.rows.all(), new.rows.all())
    found = {
        name: sorted(
            (row["origin"], row["destination"], row["service"], row["weight_min_g"]) for row in part
        )
        for name, part in parts.items()
    }
    rows = list(ratecards.diff_rows(parts))

    assert found == _brute_force(old, new)
    assert len(rows) == sum(len(keys) for keys in found.values())
    assert [row["origin"] for row in rows] == sorted(row["origin"] for row in rows)
    for row in rows:
        if row["change"] == "changed":
            before = old.rows.get(
                origin=row["origin"],
                destination=row["destination"],
                service=row["service"],
                weight_min_g=row["weight_min_g"],
            )
            assert (row["old_price"], row["old_eta_min"], row["old_eta_max"]) == (
                before.price,
                before.eta_min_days,
                before.eta_max_days,
            )


def test_the_export_has_the_technology_teams_shape(db, client, viewer):
    partner = make_partner(name="SAP Express")
    version = _import(partner, _csv(JNE_HEADER, JNE_ROWS)).version
    client.force_login(viewer)
    url = reverse("partners:rate-card-export", args=[partner.pk, version.number, "csv"])

    response = client.get(url)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    workbook = load_workbook(
        io.BytesIO(
            b"".join(
                client.get(
                    reverse("partners:rate-card-export", args=[partner.pk, version.number, "xlsx"])
                ).streaming_content
            )
        )
    )

    assert rows[0] == [
        "partner",
        "version",
        "origin_code",
        "destination_code",
        "service_code",
        "weight_min_grams",
        "weight_max_grams",
        "price_idr",
        "eta_min_days",
        "eta_max_days",
    ]
    assert rows[1] == [
        "SAP Express",
        "1",
        "JAKARTA",
        "BANDUNG",
        "REG",
        "0",
        "1000",
        "11000",
        "2",
        "3",
    ]
    assert rows[4] == [
        "SAP Express",
        "1",
        "JAKARTA",
        "SURABAYA",
        "REG",
        "5000",
        "",
        "150000",
        "3",
        "3",
    ]
    sheet_rows = list(workbook.active.iter_rows(values_only=True))
    assert sheet_rows[0] == tuple(rows[0])
    assert sheet_rows[4] == (
        "SAP Express",
        1,
        "JAKARTA",
        "SURABAYA",
        "REG",
        5000,
        None,
        150000,
        3,
        3,
    )
    assert 'filename="rate-card-sap-express-v1.csv"' in response["Content-Disposition"]


def test_the_command_prints_its_counts(db, tmp_path, capsys):
    partner = make_partner()
    path = tmp_path / "tarif.csv"
    path.write_bytes(_csv(JNE_HEADER, JNE_ROWS))

    call_command("import_rate_card", "jne", str(path), "--dry-run")
    call_command("import_rate_card", str(partner.pk), str(path))
    call_command("import_rate_card", "JNE", str(path))
    path.write_bytes(_csv(JNE_HEADER, [*JNE_ROWS, ["Jakarta", "Medan", "REG", "x", "1", "1"]]))
    with pytest.raises(SystemExit):
        call_command("import_rate_card", "JNE", str(path))

    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "rows=4 accepted=4 rejected=0 version=-",
        "rows=4 accepted=4 rejected=0 version=1",
        "rows=4 accepted=4 rejected=0 version=-",
        "same as version 1: nothing imported",
        "rows=5 accepted=4 rejected=1 version=-",
    ]
    assert "row 6: Berat:" in out.err


# Pages


@pytest.fixture
def versions(db):
    partner = make_partner()
    _import(partner, _csv(JNE_HEADER, JNE_ROWS))
    _import(
        partner,
        _csv(
            JNE_HEADER,
            [*JNE_ROWS[1:], ["Jakarta", "Medan", "REG", "1-2 kg", "Rp 40.000", "4 hari"]],
        ),
    )
    return partner


def _pages(partner):
    return [
        reverse("partners:rate-card", args=[partner.pk]),
        reverse("partners:rate-card-version", args=[partner.pk, 1]),
        reverse("partners:rate-card-diff", args=[partner.pk]),
        reverse("partners:rate-card-diff", args=[partner.pk]) + "?from=2&to=1",
        reverse("partners:rate-card-diff-download", args=[partner.pk, "csv"]),
        reverse("partners:rate-card-diff-download", args=[partner.pk, "xlsx"]),
        reverse("partners:rate-card-export", args=[partner.pk, 2, "xlsx"]),
    ]


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("persona", ["manager", "executive", "intern", "viewer"])
def test_every_rate_card_page_opens_for_every_role(client, request, persona, language, versions):
    user = request.getfixturevalue(persona)
    user.language = language
    user.save()
    client.force_login(user)

    for url in _pages(versions):
        response = client.get(url)
        assert response.status_code == 200, url
    may_import = persona in {"manager", "executive"}
    assert client.get(reverse("partners:rate-card-import", args=[versions.pk])).status_code == (
        200 if may_import else 403
    )
    withdraw = reverse("partners:rate-card-withdraw", args=[versions.pk, 2])
    assert client.post(withdraw).status_code == (302 if may_import else 403)


def test_rate_card_pages_need_a_login_and_name_only_existing_records(client, versions, viewer):
    for url in _pages(versions):
        assert client.get(url).status_code == 302, url
    client.force_login(viewer)
    for url in (
        reverse("partners:rate-card", args=[versions.pk + 1]),
        reverse("partners:rate-card-version", args=[versions.pk, 9]),
        reverse("partners:rate-card-export", args=[versions.pk, 1, "pdf"]),
        reverse("partners:rate-card-diff-download", args=[versions.pk, "csv"]) + "?from=1&to=9",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("partners:rate-card", args=[versions.pk])).status_code == 405


def test_the_import_page_shows_row_errors_in_the_users_language(client, executive):
    partner = make_partner()
    executive.language = "id"
    executive.save()
    client.force_login(executive)
    url = reverse("partners:rate-card-import", args=[partner.pk])
    bad = _csv(JNE_HEADER, [*JNE_ROWS, ["Jakarta", "Medan", "REG", "1-2 kg", "gratis", "4 hari"]])

    response = client.post(url, {"file": SimpleUploadedFile("tarif.csv", bad)})
    assert response.status_code == 200
    assert response.context["errors"][0][:2] == (6, "Tarif (Rp)")
    assert "bukan harga dalam rupiah" in response.text
    assert not RateCardVersion.objects.exists()

    response = client.post(
        url, {"file": SimpleUploadedFile("tarif.csv", _csv(JNE_HEADER, JNE_ROWS))}
    )
    version = RateCardVersion.objects.get()
    assert response.status_code == 302 and response["Location"] == version.get_absolute_url()
    response = client.post(
        url, {"file": SimpleUploadedFile("tarif.csv", _csv(JNE_HEADER, JNE_ROWS))}, follow=True
    )
    assert RateCardVersion.objects.count() == 1
    assert "sama dengan versi 1" in response.text
    response = client.post(url, {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 nothing")})
    assert "bukan spreadsheet" in response.text


def test_the_changes_page_lists_and_counts_the_changes(client, viewer, versions):
    client.force_login(viewer)

    response = client.get(reverse("partners:rate-card-diff", args=[versions.pk]))

    assert response.context["counts"] == {"added": 1, "removed": 1, "changed": 0}
    assert [row["change"] for row in response.context["rows"]] == ["removed", "added"]
    download = client.get(
        reverse("partners:rate-card-diff-download", args=[versions.pk, "csv"]) + "?from=1&to=2"
    )
    lines = b"".join(download.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("change,origin,destination,service_code,weight_min_grams")
    assert lines[1] == "removed,JAKARTA,BANDUNG,REG,0,1000,,11000,,2,3,,"
    assert lines[2] == "added,JAKARTA,MEDAN,REG,1000,,2000,,40000,,,4,4"


def test_rate_card_pages_read_a_fixed_number_of_queries(
    client, manager, versions, django_assert_num_queries
):
    client.force_login(manager)
    urls = {
        "versions": (reverse("partners:rate-card", args=[versions.pk]), 7),
        "version": (reverse("partners:rate-card-version", args=[versions.pk, 2]), 6),
        "changes": (reverse("partners:rate-card-diff", args=[versions.pk]), 9),
    }
    for url, _count in urls.values():
        client.get(url)
    for url, count in urls.values():
        with django_assert_num_queries(count):
            client.get(url)

    # More versions and more rows: the same number of queries.
    more = [
        ["Jakarta", f"Kota {number}", "REG", "1-2 kg", f"Rp {number + 10}.000", "4 hari"]
        for number in range(30)
    ]
    _import(versions, _csv(JNE_HEADER, [*JNE_ROWS, *more]))
    _import(versions, _csv(JNE_HEADER, [*JNE_ROWS[:2], *more[5:]]))
    for url, count in urls.values():
        with django_assert_num_queries(count):
            client.get(url)
