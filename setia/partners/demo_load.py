"""The seed document's partners — JNE, OCBC, Frame a Trip, SAP Express, Midtrans, Intive
Studio — with contacts, agreements, programmes offered to the demo merchants (part of them
further down the funnel, each step on their timelines) and meetings whose action items are
tasks. Set-based: two statements per programme to offer it, two per funnel step."""

import csv
import datetime
import io
import json
import random

from django.db import connection, transaction
from django.utils import timezone
from rich.progress import Progress

from setia.accounts.models import Role
from setia.customers.demo_load import demo_customers
from setia.customers.models import Category
from setia.history.actions import event_data_sql, record_events_select
from setia.history.models import EventKind, TimelineEvent
from setia.lib.reading import read_table
from setia.partners import actions
from setia.partners.models import (
    Agreement,
    Meeting,
    Partner,
    PartnerContact,
    Programme,
    RateCardVersion,
    Referral,
)
from setia.partners.stages import STAGE_TIME, Stage
from setia.tiers.models import Tier

# name: (kind, status, website, notes, contacts [(name, position, e-mail, phone)],
#        agreements [(title, months ago it started, months it runs or None)])
PARTNERS: dict[
    str,
    tuple[str, str, str, str, list[tuple[str, str, str, str]], list[tuple[str, int, int | None]]],
] = {
    "JNE": (
        Partner.Kind.LOGISTICS,
        Partner.Status.ACTIVE,
        "https://www.jne.co.id",
        "Kurir utama merchant. Alur pengiriman, retur dan aturan barang kiriman dibahas rutin.",
        [("Rudi Hartono", "Key Account Manager", "rudi.hartono@jne.example", "+6281311110001")],
        [("Perjanjian kerja sama ongkir merchant", 10, 24)],
    ),
    "OCBC": (
        Partner.Kind.BANK,
        Partner.Status.ACTIVE,
        "https://www.ocbc.id",
        "Cross-offer: rekening bisnis untuk merchant, merchant untuk nasabah UMKM OCBC.",
        [
            ("Maya Kusuma", "SME Partnership Lead", "maya.kusuma@ocbc.example", "+6281311110002"),
            ("Andre Wijaya", "Relationship Manager", "andre.wijaya@ocbc.example", ""),
        ],
        [("MoU cross-offer UMKM", 5, 12)],
    ),
    "Frame a Trip": (
        Partner.Kind.MARKETING,
        Partner.Status.ACTIVE,
        "https://frameatrip.example",
        "Fotografi produk. Kampanye bersama di feed/story Instagram dan banner admin.",
        [("Sekar Ayu", "Founder", "sekar@frameatrip.example", "+6281311110003")],
        [("Kampanye bersama foto produk", 3, 6)],
    ),
    "SAP Express": (
        Partner.Kind.LOGISTICS,
        Partner.Status.PROSPECT,
        "https://www.sap-express.id",
        "Mitra logistik baru: data harga diolah untuk tim Teknologi sebelum integrasi.",
        [("Bima Pratama", "Business Development", "bima@sapx.example", "+6281311110004")],
        [],
    ),
    "Midtrans": (
        Partner.Kind.PAYMENT,
        Partner.Status.ACTIVE,
        "https://midtrans.com",
        "Harga khusus untuk UMKM terdampak pandemi, disebarkan di media sosial kedua pihak.",
        [("Nadia Putri", "Partnership Manager", "nadia@midtrans.example", "+6281311110005")],
        [("Harga khusus pemulihan UMKM", 8, None)],
    ),
    "Intive Studio": (
        Partner.Kind.AGENCY,
        Partner.Status.ACTIVE,
        "https://intive.example",
        "Agensi: klien mereka butuh pengelolaan banyak marketplace sekaligus.",
        [("Yudha Saputra", "Account Director", "yudha@intive.example", "")],
        [("Referral klien agensi", 2, 12)],
    ),
}

# partner: [(name, offer, lowest tier slug, category slugs, months ago it started,
#            share interested, share referred, share active — of those offered, in percent)]
PROGRAMMES: dict[str, list[tuple[str, str, str | None, list[str], int, tuple[int, int, int]]]] = {
    "JNE": [
        (
            "Diskon ongkir 15% untuk Emas ke atas",
            "Potongan 15% ongkir reguler dan YES untuk merchant Gold dan Platinum.",
            "gold",
            [],
            4,
            (60, 40, 25),
        )
    ],
    "OCBC": [
        (
            "Rekening bisnis tanpa biaya admin",
            "Rekening giro bisnis tanpa biaya admin 12 bulan, pencairan penjualan H+1.",
            "silver",
            [],
            3,
            (40, 20, 10),
        )
    ],
    "Frame a Trip": [
        (
            "Foto produk harga khusus",
            "Sesi foto produk 30% lebih murah dan tampil di feed Instagram bersama.",
            None,
            ["fashion", "plus-size-fashion", "home-living"],
            2,
            (50, 30, 20),
        )
    ],
    "Midtrans": [
        (
            "Harga khusus pemulihan UMKM",
            "MDR QRIS dan virtual account lebih rendah selama 6 bulan untuk UMKM terdampak.",
            "bronze",
            [],
            6,
            (55, 35, 30),
        )
    ],
    "Intive Studio": [
        (
            "Kelola multi-marketplace untuk klien agensi",
            "Klien Intive mendapat integrasi katalog ke beberapa marketplace dan pendampingan.",
            "platinum",
            [],
            1,
            (30, 10, 0),
        )
    ],
}

# (partner or None for internal, title, days before the reference, minutes, decisions,
#  action items [(text, days after the meeting it is due)])
MEETINGS = [
    (
        "JNE",
        "Alur pengiriman dan aturan barang kiriman",
        21,
        "JNE menjelaskan perubahan aturan barang cair dan baterai. Retur kini lewat pickup.",
        "Merchant diberi SOP retur baru\nFAQ ongkir diperbarui",
        [("Kirim SOP retur ke merchant Gold", 5), ("Perbarui FAQ ongkir dan barang terlarang", 7)],
    ),
    (
        "OCBC",
        "Review progres cross-offer",
        10,
        "Progres pembukaan rekening dibahas; kendala: dokumen NIB banyak merchant belum siap.",
        "Tambah panduan NIB di e-mail penawaran",
        [("Siapkan panduan NIB untuk merchant", 4), ("Kirim daftar merchant tertarik ke OCBC", 6)],
    ),
    (
        "Frame a Trip",
        "Laporan kampanye Instagram dan banner admin",
        6,
        "Ringkasan jangkauan feed/story dan klik banner disampaikan ke Frame a Trip.",
        "Kampanye diperpanjang satu bulan",
        [("Kirim laporan kampanye ke partner", 2)],
    ),
    (
        "SAP Express",
        "Serah terima data harga ke tim Teknologi",
        3,
        "Data harga per rute dan berat dirapikan dan diserahkan ke tim Teknologi.",
        "Format data mengikuti permintaan tim Teknologi",
        [("Cek ulang rute Jabodetabek di data harga", 3)],
    ),
    (
        None,
        "Weekly update User Success",
        1,
        "Target bulanan dan progres mingguan; program TikTok untuk merchant GMV rendah-menengah.",
        "Fokus retensi merchant berisiko",
        [("Susun daftar merchant untuk program TikTok", 5)],
    ),
]


def load(*, seed: int, people, reference: datetime.date, progress: Progress) -> str:
    """The seed's partners with their records, programmes and meetings; partners that already
    exist (by name) are left alone, so loading twice adds nothing."""
    manager = next(user for user in people.users if user.groups.filter(name=Role.MANAGER))
    executives = [user for user in people.users if user.groups.filter(name=Role.EXECUTIVE)]
    new = [name for name in PARTNERS if not Partner.objects.filter(name=name).exists()]
    bar = progress.add_task("Demo partners", total=len(new))
    offered = 0
    meetings = 0
    versions = 0
    for name in new:
        with transaction.atomic():
            partner = _partner(name, reference)
            for programme in PROGRAMMES.get(name, []):
                offered += _programme(partner, programme, reference, manager)
            for meeting in MEETINGS:
                if meeting[0] == name:
                    _meeting(partner, meeting, reference, manager, executives)
                    meetings += 1
            if name in RATE_CARDS:
                versions += _rate_cards(partner, seed, reference, manager)
        progress.advance(bar)
    if new and not Meeting.objects.filter(partner__isnull=True, title=MEETINGS[-1][1]).exists():
        _meeting(None, MEETINGS[-1], reference, manager, executives)
        meetings += 1
    return (
        f"partners created={len(new)} offered={offered} meetings={meetings} "
        f"rate_card_versions={versions}"
    )


def _months_ago(reference: datetime.date, months: int) -> datetime.date:
    return reference - datetime.timedelta(days=30 * months)


def _partner(name: str, reference: datetime.date) -> Partner:
    kind, status, website, notes, contacts, agreements = PARTNERS[name]
    partner = Partner.objects.create(
        name=name, kind=kind, status=status, website=website, notes=notes
    )
    PartnerContact.objects.bulk_create(
        PartnerContact(partner=partner, name=n, position=p, email=e, phone=ph)
        for n, p, e, ph in contacts
    )
    Agreement.objects.bulk_create(
        Agreement(
            partner=partner,
            title=title,
            starts_on=_months_ago(reference, ago),
            ends_on=_months_ago(reference, ago - runs) if runs else None,
        )
        for title, ago, runs in agreements
    )
    return partner


def _programme(partner: Partner, row, reference: datetime.date, manager) -> int:
    name, offer, tier, categories, ago, shares = row
    programme = Programme.objects.create(
        partner=partner,
        name=name,
        offer=offer,
        min_tier=Tier.objects.filter(slug=tier).first() if tier else None,
        starts_on=_months_ago(reference, ago),
    )
    programme.categories.set(Category.objects.filter(slug__in=categories))
    offered = actions.offer_programme(
        programme=programme, actor=manager, customers=demo_customers()
    )
    started = timezone.make_aware(datetime.datetime.combine(programme.starts_on, datetime.time(10)))
    # Offered when the programme started, not now: the timeline and funnel read as they would.
    Referral.objects.filter(programme=programme).update(offered_at=started)
    _move_events(programme, Stage.OFFERED, started)
    for stage, share, days in zip(
        (Stage.INTERESTED, Stage.REFERRED, Stage.ACTIVE), shares, (3, 10, 20), strict=True
    ):
        _advance_share(programme, stage, share, started + datetime.timedelta(days=days), manager)
    return offered


def _move_events(programme: Programme, stage: str, moment: datetime.datetime) -> None:
    """Date the programme's `stage` events (written now by the action) at `moment`."""
    TimelineEvent.objects.filter(
        kind=EventKind.PARTNER, data__programme_id=programme.pk, data__stage=stage
    ).update(occurred_at=moment)


def _advance_share(programme, stage: Stage, share: int, moment, manager) -> None:
    """Move `share` percent of the programme's referrals at the stage before `stage` on to it,
    at `moment` (the same ones every load: chosen by id), with their timeline events; two
    statements."""
    previous = {
        Stage.INTERESTED: Stage.OFFERED,
        Stage.REFERRED: Stage.INTERESTED,
        Stage.ACTIVE: Stage.REFERRED,
    }[stage]
    table = connection.ops.quote_name(Referral._meta.db_table)
    column = STAGE_TIME[stage]
    # Of those at the previous stage, every referral whose id falls in the share.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET stage = %s, {column} = %s, updated_at = %s "
            "WHERE programme_id = %s AND stage = %s AND (id * 37) %% 100 < %s",
            [str(stage), moment, moment, programme.pk, str(previous), share],
        )
    record_events_select(
        "SELECT customer_id, %s, %s, %s, "
        + event_data_sql()
        + ", %s, 'partners.referral', CAST(id AS VARCHAR(64)), %s, %s "
        + f"FROM {table} WHERE programme_id = %s AND {column} = %s",
        [
            EventKind.PARTNER,
            manager.pk,
            actions.step_summary(programme, stage),
            json.dumps(actions.step_data(programme, stage)),
            moment,
            moment,
            moment,
            programme.pk,
            moment,
        ],
    )


def _meeting(partner, row, reference: datetime.date, manager, executives) -> None:
    _partner_name, title, days_ago, minutes, decisions, items = row
    held = timezone.make_aware(
        datetime.datetime.combine(reference - datetime.timedelta(days=days_ago), datetime.time(14))
    )
    attendees = [manager, *executives[:2]]
    meeting = Meeting(
        partner=partner,
        title=title,
        held_at=held,
        minutes=minutes,
        decisions=decisions,
        guests="\n".join(contact.name for contact in partner.contacts.all()) if partner else "",
    )
    actions.record_meeting(
        meeting=meeting,
        attendees=attendees,
        action_items=[
            actions.NewActionItem(
                text,
                executives[n % len(executives)] if executives else manager,
                held.date() + datetime.timedelta(days=due),
            )
            for n, (text, due) in enumerate(items)
        ],
        actor=manager,
    )


# Couriers' price sheets from Jakarta, as each writes them: JNE in Indonesian with bands in one
# column, SAP Express in English with minimum and maximum weights. name: (origin, header,
# services {service: (price of the first band, days)}, destinations {city: price factor}).
RATE_CARDS = {
    "JNE": (
        "JAKARTA",
        ["Asal", "Tujuan", "Layanan", "Berat", "Tarif (Rp)", "Estimasi"],
        {"OKE": (9000, 4), "REG": (11000, 2), "YES": (19000, 1)},
    ),
    "SAP Express": (
        "JAKARTA",
        ["Origin", "Destination", "Service", "Min Weight (kg)", "Max Weight (kg)", "Price", "ETD"],
        {"REG": (10000, 2), "ODS": (25000, 1)},
    ),
}
RATE_DESTINATIONS = {
    "BANDUNG": 1.0,
    "BEKASI": 0.8,
    "BOGOR": 0.85,
    "SEMARANG": 1.6,
    "YOGYAKARTA": 1.7,
    "SURABAYA": 1.9,
    "MALANG": 2.0,
    "DENPASAR": 2.6,
    "MEDAN": 3.1,
    "MAKASSAR": 3.4,
    "BALIKPAPAN": 3.6,
    "PALEMBANG": 2.4,
}
RATE_BANDS = [(0, 1, 1.0), (1, 2, 1.9), (2, 5, 4.3), (5, None, 8.0)]


def _sheet(name: str, lanes: list[tuple]) -> bytes:
    """A price sheet in the courier's own layout, as CSV bytes."""
    header = RATE_CARDS[name][1]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if name == "JNE" else ",")
    writer.writerow(header)
    for origin, destination, service, low, high, price, days in lanes:
        eta = f"{days}-{days + 1} hari" if name == "JNE" else f"{days}-{days + 1} days"
        if name == "JNE":
            band = f"{low}-{high} kg" if high is not None else f"{low} kg ke atas"
            writer.writerow(
                [origin, destination, service, band, f"Rp {price:,}".replace(",", "."), eta]
            )
        else:
            writer.writerow([origin, destination, service, low, high or "", price, eta])
    return buffer.getvalue().encode()


def _rate_cards(partner: Partner, seed: int, reference: datetime.date, manager) -> int:
    """Two versions of the courier's rate card: the second, two weeks old, raises some prices,
    changes some delivery times, adds a destination and drops a service to another."""
    origin, _header, services = RATE_CARDS[partner.name]
    rng = random.Random(f"{seed}-{partner.name}")
    destinations = list(RATE_DESTINATIONS)
    first = [
        (origin, city, service, low, high, round(base * factor * weight / 500) * 500, days)
        for city, factor in RATE_DESTINATIONS.items()
        if city != destinations[-1]
        for service, (base, days) in services.items()
        for low, high, weight in RATE_BANDS
    ]
    second = []
    dropped = destinations[3]
    for lane in first:
        city, service, price, days = lane[1], lane[2], lane[5], lane[6]
        if city == dropped and service == list(services)[-1]:
            continue
        if rng.random() < 0.3:
            price = round(price * rng.choice((1.05, 1.08, 1.1)) / 500) * 500
        if rng.random() < 0.1:
            days += 1
        second.append((*lane[:5], price, days))
    for service, (base, days) in services.items():
        factor = RATE_DESTINATIONS[destinations[-1]]
        for low, high, weight in RATE_BANDS:
            second.append(
                (
                    origin,
                    destinations[-1],
                    service,
                    low,
                    high,
                    round(base * factor * weight / 500) * 500,
                    days,
                )
            )
    made = 0
    for lanes, days_ago in ((first, 95), (second, 14)):
        file_name = f"tarif-{partner.name.lower().replace(' ', '-')}-{days_ago}.csv"
        result = actions.import_rate_card(
            partner=partner,
            table=read_table(_sheet(partner.name, lanes)),
            file_name=file_name,
            actor=manager,
        )
        if result.version is not None:
            moment = timezone.make_aware(
                datetime.datetime.combine(
                    reference - datetime.timedelta(days=days_ago), datetime.time(10, 0)
                )
            )
            RateCardVersion.objects.filter(pk=result.version.pk).update(created_at=moment)
            made += 1
    return made
