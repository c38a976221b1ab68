"""Demo engagement data: a year of interactions across channels, meeting notes, messages with
statuses, retention offers in every state, message templates, and the demo customers' history
on their timelines. Deterministic for a seed; customers that already have interactions are
left alone, so running it again adds nothing."""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import BigIntegerField, Prefetch, Q, Subquery
from django.db.models.functions import Cast
from django.utils import formats, translation
from django.utils.text import slugify
from rich.progress import Progress

from setia.customers.demo import trouble
from setia.customers.demo_load import demo_customers
from setia.customers.models import Contact
from setia.engagement.models import (
    Channel,
    Interaction,
    InteractionKind,
    Message,
    MessageTemplate,
    OfferStatus,
    Release,
    RetentionOffer,
    Theme,
)
from setia.engagement.templating import render
from setia.history.actions import change_event, new_event, record_events, record_events_unread
from setia.history.models import AuditEntry, EventKind, TimelineEvent
from setia.lib.copy import insert_rows, reserve_ids

BATCH = 500  # customers per round of inserts
JAKARTA = ZoneInfo("Asia/Jakarta")

# (English name, Indonesian name, channel, language of the text, subject, body, approved
# WhatsApp template): a template's text is in one language, its name in both.
TEMPLATES = [
    ("Monthly check-in", "Sapaan bulanan", Channel.WHATSAPP, "id", "", "Halo {contact}, apa kabar {customer}? Ada yang bisa kami bantu bulan ini?", "monthly_checkin"),
    ("Monthly check-in", "Sapaan bulanan", Channel.WHATSAPP, "en", "", "Hi {contact}, how is {customer} doing? Anything we can help with this month?", ""),
    ("Subscription renewal", "Perpanjangan langganan", Channel.EMAIL, "id", "Perpanjangan {customer} pada {renews_on}", "Halo {contact},\n\nLangganan {plan} {customer} diperpanjang pada {renews_on}. {promo}\n\nSalam,\n{owner}", ""),
    ("Store problem", "Situs bermasalah", Channel.WHATSAPP, "id", "", "Halo {contact}, kami melihat {store} sedang bermasalah. Tim kami sedang menanganinya.", "store_issue"),
]  # fmt: skip
THEMES = ["Pembayaran", "Pengiriman", "Toko v2", "Checkout", "Promo", "Harga langganan", "Domain", "Tampilan toko", "Marketplace", "Laporan penjualan"]  # fmt: skip
# The store platform's releases: v1 long before the year of interactions, v2 four months ago.
# Complaints rise after v2, about speed more than looks.
RELEASES = [
    ("Toko v1", 900, "Versi pertama toko online."),
    ("Toko v2", 120, "Tampilan baru dan checkout satu halaman."),
]
# The areas of ordinary website issues and of the complaints v2 brought (area, weight).
ISSUE_AREAS = [("domain", 3), ("payment", 3), ("design", 2), ("orders", 2), ("products", 2), ("performance", 1), ("shipping", 1)]  # fmt: skip
V2_AREAS = [("performance", 8), ("design", 2), ("payment", 1)]
V2_COMPLAINTS = {
    "performance": ["Toko terasa lambat sejak update v2", "Halaman produk lama dibuka setelah v2", "Checkout v2 loading lama", "Dasbor admin v2 lambat"],
    "design": ["Tata letak v2 membingungkan pembeli", "Banner toko terpotong di v2"],
    "payment": ["Tombol bayar v2 kadang tidak merespons"],
}  # fmt: skip
KINDS = [("whatsapp", 35), ("call", 25), ("note", 14), ("email", 10), ("meeting", 8), ("website_issue", 8)]  # fmt: skip
SUMMARIES = {
    "whatsapp": ["Tanya cara pasang promo ongkir", "Minta bantuan ganti foto produk", "Konfirmasi pembayaran langganan", "Tanya laporan penjualan bulanan"],
    "call": ["Onboarding: bahas tampilan toko", "Follow-up penjualan turun", "Tawarkan webinar TikTok Shop", "Cek kepuasan setelah migrasi ke v2"],
    "note": ["Pemilik lebih suka dihubungi sore hari", "Sedang pindah gudang bulan ini", "Berencana buka cabang di Surabaya"],
    "email": ["Kirim panduan checkout v2", "Kirim invoice perpanjangan", "Balas keluhan domain"],
    "meeting": ["Review kuartalan", "Rapat strategi promo akhir tahun", "Kunjungan ke toko offline"],
    "website_issue": ["Checkout error 500", "Gambar produk tidak muncul", "Domain tidak bisa diakses", "Pembayaran QRIS gagal"],
}  # fmt: skip
DECISIONS = [
    "Coba promo gratis ongkir bulan depan",
    "Pindah ke paket Bisnis",
    "Fokus ke TikTok Shop",
]
ACTION_ITEMS = ["Kirim template promo", "Cek halaman pembayaran", "Jadwalkan pelatihan admin", "Siapkan laporan GMV"]  # fmt: skip
OFFER_STATES = [OfferStatus.PROPOSED, OfferStatus.APPROVED, OfferStatus.REJECTED, OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.EXPIRED]  # fmt: skip


def _subject(template: MessageTemplate, customer) -> str:
    """A renewal e-mail's subject as the product writes it: its variables filled, the day in
    the template's language."""
    with translation.override(template.language):
        renews_on = formats.date_format(customer.subscription.renews_on, "DATE_FORMAT")
    return render(template.subject, {"customer": customer.name, "renews_on": renews_on})[:200]


def load(*, seed: int, people, reference: date, progress: Progress) -> str:
    templates = _templates(people)
    themes = _themes()
    releases = _releases(reference)
    customers = (
        demo_customers()
        .alive()
        .filter(interactions__isnull=True)
        .select_related("owner", "subscription")
        .prefetch_related(
            Prefetch(
                "contacts", queryset=Contact.objects.filter(is_primary=True), to_attr="primary"
            )
        )
        .order_by("id")
    )
    total = customers.count()
    bar = progress.add_task("Engagement", total=total)
    counts = {"interactions": 0, "messages": 0, "offers": 0}
    batch = []
    for customer in customers.iterator(chunk_size=BATCH):
        batch.append(customer)
        if len(batch) == BATCH:
            _insert(batch, seed, reference, people, templates, themes, releases, counts)
            progress.advance(bar, len(batch))
            batch = []
    if batch:
        _insert(batch, seed, reference, people, templates, themes, releases, counts)
        progress.advance(bar, len(batch))
    changes = _timeline_for_history()
    return (
        f"interactions created={counts['interactions']} messages={counts['messages']} "
        f"offers={counts['offers']} history events={changes}"
    )


def _templates(people) -> list[MessageTemplate]:
    rows = []
    for name, name_id, channel, language, subject, body, approved in TEMPLATES:
        # A database loaded before templates were named in both languages may still have the
        # Indonesian name in `name` (when its text was edited since): that one is used as is.
        template = (
            MessageTemplate.objects.filter(
                Q(name=name) | Q(name=name_id, name_id=""), channel=channel, language=language
            )
            .order_by("id")
            .first()
        )
        if template is not None:
            rows.append(template)
            continue
        template, _created = MessageTemplate.objects.get_or_create(
            name=name,
            channel=channel,
            language=language,
            defaults={
                "name_id": name_id,
                "subject": subject,
                "body": body,
                "whatsapp_template_name": approved,
                "created_by": people.users[1],
            },
        )
        rows.append(template)
    return rows


def _themes() -> list[Theme]:
    Theme.objects.bulk_create(
        [Theme(name=name, slug=slugify(name)) for name in THEMES], ignore_conflicts=True
    )
    return list(Theme.objects.filter(slug__in=[slugify(name) for name in THEMES]))


def _releases(reference: date) -> list[Release]:
    """The demo releases, oldest first, created when missing (looked up by name)."""
    return [
        Release.objects.get_or_create(
            name=name,
            defaults={"released_on": reference - timedelta(days=days_ago), "notes": notes},
        )[0]
        for name, days_ago, notes in RELEASES
    ]


def _release_on(releases: list[Release], day: date) -> Release | None:
    """The release in effect on `day`, as the log form proposes it."""
    current = None
    for release in releases:
        if release.released_on <= day:
            current = release
    return current


def _v2_complaints(rng, customer, contact, actor, reference, release) -> list[Interaction]:
    """Website issues after v2 for most customers, more in the first weeks after it. Those
    of the last month are resolved: they leave today's health scores (open issues of the
    last 30 days) as they were without them."""
    complaints: list[Interaction] = []
    days_since = (reference - release.released_on).days
    if days_since <= 0 or rng.random() > 0.7:
        return complaints
    areas, weights = zip(*V2_AREAS, strict=True)
    for _number in range(rng.randint(1, 3)):
        # A triangular draw leans towards the release date: the first weeks are the worst.
        days_ago = days_since - int(rng.triangular(0, days_since, 0))
        area = rng.choices(areas, weights)[0]
        outcome = rng.choice(["reached", "resolved", "follow_up"]) if days_ago > 31 else "resolved"
        complaints.append(
            Interaction(
                customer=customer,
                kind=InteractionKind.WEBSITE_ISSUE,
                contact=contact,
                direction="inbound",
                outcome=outcome,
                summary=rng.choice(V2_COMPLAINTS[area]),
                area=area,
                release=release,
                occurred_at=_moment(rng, reference, days_ago),
                recorded_by=actor,
            )
        )
    return complaints


def _moment(rng: random.Random, reference: date, days_ago: int) -> datetime:
    day = reference - timedelta(days=days_ago)
    return datetime.combine(day, time(rng.randint(8, 17), rng.choice([0, 15, 30, 45])), JAKARTA)


def _quiet_days(customer, seed: int, reference: date):
    """How many days ago an interaction drawn `days_ago` happened: moved before the customer's
    rough patch when nobody talked to them in it (`setia.customers.demo.trouble`)."""
    subscription = getattr(customer, "subscription", None)
    ended_on = subscription.ended_on if subscription else None
    patch = trouble(seed, customer.code, ended_on, reference=reference)
    if patch is None or not patch.silent:
        return lambda days_ago: days_ago
    newest, oldest = (reference - patch.last).days, (reference - patch.first).days

    def moved(days_ago: int) -> int:
        if newest <= days_ago < oldest:
            return min(364, days_ago + oldest - newest)
        return days_ago

    return moved


def _insert(customers, seed, reference, people, templates, themes, releases, counts) -> None:
    interactions: list[Interaction] = []
    interaction_themes: list[list[Theme]] = []
    messages: list[Message] = []
    offers: list[RetentionOffer] = []
    # auto_now_add stamps inserts with the current time; these are put back afterwards.
    message_times: list[datetime] = []
    offer_times: list[datetime] = []
    kinds, weights = zip(*KINDS, strict=True)
    issue_areas, issue_weights = zip(*ISSUE_AREAS, strict=True)
    for customer in customers:
        rng = random.Random(f"{seed}:engagement:{customer.code}")
        # Areas, releases and v2's complaints draw from their own sequence, so the rest is
        # what it was before releases were added.
        extra = random.Random(f"{seed}:releases:{customer.code}")
        quiet = _quiet_days(customer, seed, reference)
        contact = customer.primary[0] if customer.primary else None
        actor = customer.owner or people.users[2]
        for _number in range(rng.randint(4, 16)):
            kind = rng.choices(kinds, weights)[0]
            is_meeting = kind == "meeting"
            interaction = Interaction(
                customer=customer,
                kind=kind,
                contact=contact if kind != "note" else None,
                direction="" if kind == "note" else rng.choice(["outbound", "outbound", "inbound"]),
                outcome="" if kind == "note" else rng.choice(["reached", "reached", "no_answer", "resolved", "follow_up", "left_message"]),
                summary=rng.choice(SUMMARIES[kind]),
                notes="Penjualan turun 15% dibanding bulan lalu; pemilik ingin mencoba promo." if is_meeting else "",
                decisions=rng.choice(DECISIONS) if is_meeting else "",
                action_items="\n".join(rng.sample(ACTION_ITEMS, 2)) if is_meeting else "",
                occurred_at=_moment(rng, reference, quiet(rng.randint(0, 364))),
                recorded_by=actor,
            )  # fmt: skip
            if interaction.outcome == "follow_up":
                interaction.follow_up_on = interaction.occurred_at.date() + timedelta(days=7)
            if kind == "website_issue":
                interaction.area = extra.choices(issue_areas, issue_weights)[0]
            # Most are logged from the form, which proposes the release of the day.
            if extra.random() < 0.8:
                interaction.release = _release_on(releases, interaction.occurred_at.date())
            interactions.append(interaction)
            interaction_themes.append(rng.sample(themes, rng.choice([0, 0, 1, 2])))
        for complaint in _v2_complaints(extra, customer, contact, actor, reference, releases[-1]):
            interactions.append(complaint)
            interaction_themes.append([])
        if contact is not None:
            for _number in range(rng.randint(0, 3)):
                template = rng.choice(templates)
                email = template.channel == Channel.EMAIL
                if (email and not contact.email) or (not email and not contact.whatsapp):
                    continue
                # A renewal e-mail names the renewal day: without a subscription it is not sent.
                if email and getattr(customer, "subscription", None) is None:
                    continue
                moment = _moment(rng, reference, rng.randint(0, 364))
                message_times.append(moment)
                status = rng.choice(
                    ["sent", "delivered", "read", "failed"]
                    if email or template.whatsapp_template_name
                    else ["opened"]
                )
                messages.append(
                    Message(
                        customer=customer,
                        contact=contact,
                        template=template,
                        channel=template.channel,
                        via=Message.Via.SMTP
                        if email
                        else (
                            Message.Via.CLOUD_API
                            if status != "opened"
                            else Message.Via.CLICK_TO_CHAT
                        ),
                        recipient=contact.email if email else contact.whatsapp,
                        subject=_subject(template, customer) if email else "",
                        body=template.body.split(",")[0].replace("{contact}", contact.name),
                        status="sent" if email and status in ("delivered", "read") else status,
                        failure_reason="550 5.1.1 Mailbox unavailable"
                        if status == "failed" and email
                        else ("131026 Message undeliverable" if status == "failed" else ""),
                        attempts=1,
                        sent_at=None if status in ("failed", "opened") else moment,
                        sent_by=actor,
                    )
                )
        # A missing one-to-one raises RelatedObjectDoesNotExist, an AttributeError.
        subscription = getattr(customer, "subscription", None)
        if subscription is not None and rng.random() < 0.1:
            # Cycling through the states puts offers in every state on any list of customers.
            state = OFFER_STATES[(counts["offers"] + len(offers)) % len(OFFER_STATES)]
            discount = rng.choice([10, 15, 20, 25, 30])
            created = _moment(rng, reference, rng.randint(5, 300))
            offer_times.append(created)
            offers.append(
                RetentionOffer(
                    customer=customer,
                    status=state,
                    asked=rng.choice(["Diskon 50% setahun", "Turun ke paket Pemula", "Gratis 3 bulan"]),
                    offered=f"Diskon {discount}%",
                    discount_percent=discount,
                    months=rng.choice([3, 6, 12]),
                    monthly_price=subscription.monthly_price,
                    proposed_by=actor,
                    approved_by=None if state in (OfferStatus.PROPOSED, OfferStatus.REJECTED) else people.users[1],
                    approved_at=None if state in (OfferStatus.PROPOSED, OfferStatus.REJECTED) else created + timedelta(days=1),
                    decided_at=created + timedelta(days=5) if state in RetentionOffer.OUTCOMES or state == OfferStatus.REJECTED else None,
                    reason={"declined": "Pindah ke platform lain", "expired": "Tidak ada jawaban", "rejected": "Diskon terlalu besar"}.get(state, ""),
                )
            )  # fmt: skip
    # Ids reserved up front: the themes and the timeline events name their rows by id, and
    # COPY (or one compiled INSERT on SQLite) writes them far faster than `bulk_create`.
    for model, rows in ((Interaction, interactions), (Message, messages), (RetentionOffer, offers)):
        for row, pk in zip(rows, reserve_ids(model, len(rows)), strict=True):
            row.pk = pk
        insert_rows(model, rows, with_ids=True)
    through = Interaction.themes.through
    insert_rows(
        through,
        [
            through(interaction_id=interaction.pk, theme_id=theme.pk)
            for interaction, chosen in zip(interactions, interaction_themes, strict=True)
            for theme in chosen
        ],
    )
    _backdate(Message, messages, message_times)
    _backdate(RetentionOffer, offers, offer_times)
    events = [
        new_event(
            item.customer,
            item.kind,
            actor=item.recorded_by,
            summary=item.summary,
            data=item.timeline_data(chosen),
            occurred_at=item.occurred_at,
            source_object=item,
        )
        for item, chosen in zip(interactions, interaction_themes, strict=True)
    ]
    events += [
        new_event(
            message.customer,
            EventKind.EMAIL if message.channel == Channel.EMAIL else EventKind.WHATSAPP,
            actor=message.sent_by,
            summary=(message.subject or message.body)[:300],
            data=message.timeline_data(),
            occurred_at=message.created_at,
            source_object=message,
        )
        for message in messages
    ]
    events += [
        new_event(
            offer.customer,
            EventKind.OFFER,
            actor=offer.proposed_by,
            summary=offer.offered,
            data=offer.timeline_data(),
            occurred_at=offer.decided_at or offer.approved_at or offer.created_at,
            source_object=offer,
        )
        for offer in offers
    ]
    record_events_unread(events)
    counts["interactions"] += len(interactions)
    counts["messages"] += len(messages)
    counts["offers"] += len(offers)


def _backdate(model, rows: list, moments: list[datetime]) -> None:
    """Date `rows` (just written, stamped now by `auto_now_add`) at `moments`: one UPDATE
    statement run for every row."""
    for row, moment in zip(rows, moments, strict=True):
        row.created_at = moment
    if not rows:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(model._meta.db_table)} SET {quote('created_at')} = %s "
            f"WHERE {quote('id')} = %s",
            [(connection.ops.adapt_datetimefield_value(row.created_at), row.pk) for row in rows],
        )


def _timeline_for_history() -> int:
    """Change events for audit entries that have none: a database loaded before the customers'
    demo data put its creations on the timeline."""
    recorded = (
        TimelineEvent.objects.filter(source_type=AuditEntry._meta.label_lower)
        .annotate(entry_id=Cast("source_id", BigIntegerField()))
        .values("entry_id")
    )
    missing = AuditEntry.objects.filter(customer__in=demo_customers()).exclude(
        pk__in=Subquery(recorded)
    )
    created = 0
    events = []
    for entry in missing.iterator(chunk_size=BATCH):
        events.append(change_event(entry))
        if len(events) == BATCH:
            created += len(record_events(events))
            events = []
    return created + len(record_events(events))
