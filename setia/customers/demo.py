"""Deterministic demo merchants: realistic Indonesian brands, people, cities, numbers and stores.

Every customer is generated from (seed, index) alone, so `--customers 2000` after 1000 adds the
next thousand and leaves the first ones as they were.
"""

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.text import slugify

NAMESPACE = uuid.UUID("6c1f4a52-8b1e-4a53-9a55-5e7a1a0c2d10")

CITIES = [
    ("Jakarta Selatan", "DKI Jakarta"), ("Jakarta Barat", "DKI Jakarta"), ("Jakarta Timur", "DKI Jakarta"),
    ("Jakarta Utara", "DKI Jakarta"), ("Jakarta Pusat", "DKI Jakarta"), ("Bandung", "Jawa Barat"),
    ("Bekasi", "Jawa Barat"), ("Depok", "Jawa Barat"), ("Bogor", "Jawa Barat"), ("Cirebon", "Jawa Barat"),
    ("Tangerang", "Banten"), ("Tangerang Selatan", "Banten"), ("Serang", "Banten"),
    ("Semarang", "Jawa Tengah"), ("Solo", "Jawa Tengah"), ("Pekalongan", "Jawa Tengah"),
    ("Yogyakarta", "DI Yogyakarta"), ("Sleman", "DI Yogyakarta"), ("Surabaya", "Jawa Timur"),
    ("Malang", "Jawa Timur"), ("Sidoarjo", "Jawa Timur"), ("Kediri", "Jawa Timur"),
    ("Denpasar", "Bali"), ("Badung", "Bali"), ("Medan", "Sumatera Utara"), ("Padang", "Sumatera Barat"),
    ("Pekanbaru", "Riau"), ("Batam", "Kepulauan Riau"), ("Palembang", "Sumatera Selatan"),
    ("Bandar Lampung", "Lampung"), ("Banda Aceh", "Aceh"), ("Pontianak", "Kalimantan Barat"),
    ("Banjarmasin", "Kalimantan Selatan"), ("Balikpapan", "Kalimantan Timur"), ("Samarinda", "Kalimantan Timur"),
    ("Makassar", "Sulawesi Selatan"), ("Manado", "Sulawesi Utara"), ("Mataram", "Nusa Tenggara Barat"),
    ("Kupang", "Nusa Tenggara Timur"), ("Ambon", "Maluku"), ("Jayapura", "Papua"),
]  # fmt: skip
# Jakarta and Java dominate the merchant base; the weights say so.
CITY_WEIGHTS = [9, 7, 6, 4, 5, 8, 5, 4, 4, 2, 5, 4, 1, 5, 3, 2, 5, 2, 8, 4, 3, 1, 4, 2, 4, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1]  # fmt: skip

BRAND_WORDS = {
    "fashion": (["Kain", "Rupa", "Batik", "Tenun", "Sarung", "Lurik", "Kemeja", "Gaya", "Busana"], ["Nusantara", "Lestari", "Kita", "Indah", "Modern", "Kirana", "Sekar", "Studio", "Co."]),
    "plus-size-fashion": (["Curvy", "Big", "Ample", "Plus", "Jumbo", "Lega"], ["Beauty", "Ladies", "Wear", "Fit", "Closet", "Style", "Nona"]),
    "muslim-fashion": (["Hijab", "Gamis", "Khimar", "Sajadah", "Mukena", "Koko"], ["Amanah", "Zahra", "Syar'i", "Aisyah", "Salma", "Nur", "Hana"]),
    "home-living": (["Rumah", "Dapur", "Teras", "Kayu", "Rotan", "Anyam", "Ruang"], ["Kita", "Hangat", "Jati", "Asri", "Nyaman", "Living", "Craft"]),
    "food-beverage": (["Kopi", "Sambal", "Keripik", "Kue", "Teh", "Bakso", "Rendang", "Dapur"], ["Senja", "Mama", "Bu Tini", "Juara", "Mantap", "Nikmat", "Rasa", "Nusantara"]),
    "beauty": (["Glow", "Cantik", "Ayu", "Skin", "Jamu", "Kulit", "Bunga"], ["Alami", "Lab", "Beauty", "Herbal", "Bersinar", "Kosmetik", "Care"]),
    "health": (["Sehat", "Herbal", "Madu", "Vita", "Jamu"], ["Sentosa", "Murni", "Alam", "Prima", "Sejahtera"]),
    "accessories": (["Tas", "Dompet", "Perak", "Manik", "Jam", "Kalung"], ["Etnik", "Bali", "Kulit", "Cantik", "Gemilang", "Handmade"]),
    "kids-baby": (["Bayi", "Anak", "Mainan", "Bobo", "Si Kecil"], ["Ceria", "Pintar", "Bahagia", "Kids", "Sayang"]),
    "electronics": (["Gadget", "Tekno", "Aksesoris HP", "Kabel", "Audio"], ["Jaya", "Store", "Center", "Mandiri", "Prima"]),
    "hobby": (["Rajut", "Lukis", "Sepeda", "Kopi Bubuk", "Tanaman", "Ikan Hias"], ["Kreatif", "Hobi", "Senang", "Corner", "Galeri"]),
    "other": (["Toko", "Warung", "Grosir", "Pusat"], ["Serba Ada", "Makmur", "Berkah", "Jaya Abadi", "Sumber Rezeki"]),
}  # fmt: skip
CATEGORY_WEIGHTS = {
    "fashion": 22, "plus-size-fashion": 6, "muslim-fashion": 12, "home-living": 10, "food-beverage": 16,
    "beauty": 12, "health": 5, "accessories": 6, "kids-baby": 5, "electronics": 3, "hobby": 2, "other": 1,
}  # fmt: skip

FIRST_NAMES = ["Ayu", "Budi", "Citra", "Dewi", "Eko", "Fajar", "Gita", "Hendra", "Indah", "Joko", "Kartika", "Lestari", "Made", "Nia", "Oki", "Putri", "Rizky", "Sari", "Teguh", "Utami", "Wahyu", "Yuni", "Agus", "Bayu", "Dian", "Fitri", "Hana", "Irfan", "Lina", "Nur", "Ratna", "Siti", "Taufik", "Wulan", "Yoga", "Zahra"]  # fmt: skip
LAST_NAMES = ["Saputra", "Wijaya", "Lestari", "Pratama", "Santoso", "Hidayat", "Kusuma", "Nugroho", "Rahayu", "Setiawan", "Siregar", "Simanjuntak", "Wibowo", "Utomo", "Hasibuan", "Putri", "Halim", "Gunawan", "Sembiring", "Tanjung", "Nasution", "Purnama"]  # fmt: skip
POSITIONS = [
    "Pemilik",
    "Owner",
    "Admin Toko",
    "Marketing",
    "Co-founder",
    "Manajer Operasional",
    "CS Online",
]
# Mobile prefixes of Telkomsel, Indosat, XL, Axis, Smartfren and Tri (all valid `08…`).
MOBILE_PREFIXES = ["811", "812", "813", "821", "822", "852", "853", "814", "815", "816", "855", "856", "857", "858", "817", "818", "819", "859", "877", "878", "831", "832", "838", "881", "882", "895", "896", "897", "898", "899"]  # fmt: skip
TLDS = [".com", ".id", ".co.id", ".store", ".my.id"]
MARKETPLACES = ["shopee.co.id", "tokopedia.com", "lazada.co.id"]

PLANS = [
    ("starter", 149_000, 30),
    ("growth", 349_000, 40),
    ("business", 799_000, 22),
    ("enterprise", 2_499_000, 8),
]
STATUSES = [("active", 70), ("onboarding", 12), ("at_risk", 8), ("paused", 4), ("churned", 6)]


@dataclass
class DemoContact:
    name: str
    position: str
    phone: str
    whatsapp: str
    email: str
    is_primary: bool


@dataclass
class DemoStore:
    code: uuid.UUID
    kind: str
    url: str
    domain: str
    platform_version: str
    launched_on: date | None


@dataclass
class DemoCustomer:
    code: uuid.UUID
    name: str
    category_slug: str
    city: str
    province: str
    status: str
    team_index: int
    owner_index: int
    notes: str
    contacts: list[DemoContact] = field(default_factory=list)
    stores: list[DemoStore] = field(default_factory=list)
    plan: str = ""
    monthly_price: int = 0
    discount_percent: int = 0
    started_on: date | None = None
    renews_on: date | None = None
    ended_on: date | None = None


@dataclass(frozen=True)
class Trouble:
    """The days before a demo customer's subscription ended (or, for a few customers that
    stayed, a rough patch they came through) and what showed in them: sales falling by
    `gmv_fall` of their level every 30 days, frequent website incidents, no contact. The
    churn model learns from these; not every churner shows them, and a few stayers do."""

    first: date
    last: date
    gmv_fall: float
    incidents: bool
    silent: bool


# Churned customers ended within this many days before the demo's reference day, so that
# every window a churn model trains or is tested on holds some of them.
ENDED_WITHIN = 300


def _weighted(rng: random.Random, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def generate_customer(seed: int, index: int, *, reference: date) -> DemoCustomer:
    """The demo customer number `index` for `seed`; `reference` anchors start and renewal dates."""
    rng = random.Random(f"setia-demo:{seed}:{index}")
    slugs = list(CATEGORY_WEIGHTS)
    category = _weighted(rng, slugs, [CATEGORY_WEIGHTS[slug] for slug in slugs])
    first_words, second_words = BRAND_WORDS[category]
    name = f"{rng.choice(first_words)} {rng.choice(second_words)}"
    # Many real brands share a name; a numeral or city keeps demo names readable and distinct.
    name = (
        f"{name} {index + 1}"
        if rng.random() < 0.5
        else f"{name} {rng.choice(['ID', 'Official', 'Store', 'Shop', 'Indonesia'])}"
    )
    city, province = _weighted(rng, CITIES, CITY_WEIGHTS)
    status = _weighted(rng, [s for s, _w in STATUSES], [w for _s, w in STATUSES])
    slug = slugify(name).replace("-", "")[:40] or f"toko{index}"
    domain = (
        f"{slug}{index}{rng.choice(TLDS)}" if rng.random() < 0.15 else f"{slug}{rng.choice(TLDS)}"
    )
    customer = DemoCustomer(
        code=uuid.uuid5(NAMESPACE, f"{seed}:{index}:customer"),
        name=name,
        category_slug=category,
        city=city,
        province=province,
        status=status,
        team_index=index % 2,
        owner_index=rng.randrange(3),
        notes=rng.choice(
            [
                "",
                "",
                "Lebih suka dihubungi lewat WhatsApp sore hari.",
                "Minta dibantu setup ongkir JNE.",
                "Tertarik ikut kampanye bersama partner.",
                "Pernah komplain loading website lambat.",
            ]
        ),
    )
    contact_count = rng.choice([1, 1, 2, 2, 3])
    for number in range(contact_count):
        person = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        subscriber = (index * 7919 + number * 104729 + seed * 31) % 10**8
        e164 = f"+62{rng.choice(MOBILE_PREFIXES)}{subscriber:08d}"
        email_local = slugify(person).replace("-", ".")
        customer.contacts.append(
            DemoContact(
                name=person,
                position=POSITIONS[0] if number == 0 else rng.choice(POSITIONS[1:]),
                phone=e164,
                whatsapp=e164,
                email=f"{email_local}@{domain.split('/')[0]}" if rng.random() < 0.85 else "",
                is_primary=number == 0,
            )
        )
    started = reference - timedelta(days=rng.randrange(20, 3 * 365))
    customer.stores.append(
        DemoStore(
            code=uuid.uuid5(NAMESPACE, f"{seed}:{index}:store:0"),
            kind="website",
            url=f"https://{domain}",
            domain=domain,
            platform_version="v2" if rng.random() < 0.45 else "v1",
            launched_on=started + timedelta(days=rng.randrange(7, 45))
            if status != "onboarding"
            else None,
        )
    )
    if rng.random() < 0.35:
        marketplace = rng.choice(MARKETPLACES)
        customer.stores.append(
            DemoStore(
                code=uuid.uuid5(NAMESPACE, f"{seed}:{index}:store:1"),
                kind="marketplace",
                url=f"https://{marketplace}/{slug}{index}",
                domain=f"{marketplace}/{slug}{index}",
                platform_version="",
                launched_on=None,
            )
        )
    plan, price, _weight = _weighted(rng, PLANS, [weight for *_rest, weight in PLANS])
    customer.plan = plan
    customer.monthly_price = price
    customer.discount_percent = rng.choice([0, 0, 0, 0, 5, 10, 15, 20])
    customer.started_on = started
    renews = _add_years(started, 1)
    while renews < reference:
        renews = _add_years(renews, 1)
    customer.renews_on = renews
    if status == "churned":
        # Its own generator: the draws above stay those of every earlier demo.
        churn = random.Random(f"setia-demo-churn:{seed}:{index}")
        ended = reference - timedelta(days=churn.randrange(5, ENDED_WITHIN))
        if ended > started + timedelta(days=60):
            customer.ended_on = ended
    return customer


def trouble(seed: int, code, ended_on: date | None, *, reference: date) -> Trouble | None:
    """The rough patch of the demo customer `code` (None for most customers that stayed):
    the same for every app's demo, from (seed, code) alone."""
    rng = random.Random(f"setia-demo-trouble:{seed}:{code}")
    if ended_on is None:
        if rng.random() >= 0.08:
            return None
        last = reference - timedelta(days=rng.randrange(5, ENDED_WITHIN))
        fall = rng.uniform(0.1, 0.35) if rng.random() < 0.6 else 0.0
    else:
        last = ended_on
        fall = rng.uniform(0.3, 0.7) if rng.random() < 0.85 else 0.0
    days = rng.randrange(45, 150)
    return Trouble(
        first=last - timedelta(days=days),
        last=last,
        gmv_fall=fall,
        incidents=rng.random() < 0.5,
        silent=rng.random() < 0.7,
    )
