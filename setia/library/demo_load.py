"""A filled sales library, in Indonesian, for every seeded category."""

import io
import random
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone
from PIL import Image, ImageDraw
from rich.progress import Progress

from setia.customers.demo_load import demo_customers
from setia.customers.models import Category, Store
from setia.library import actions
from setia.library.models import ExampleStore, Guide, GuideVersion, Objection

EXAMPLES_PER_CATEGORY = 2

_COMMON_OBJECTIONS = [
    (
        "Saya sudah jualan di marketplace, buat apa punya website sendiri?",
        "Marketplace memotong komisi dan pelanggannya milik marketplace. Di website sendiri "
        "Anda menyimpan data pembeli, bisa kirim promo ulang, dan tidak bersaing harga di "
        "halaman yang sama dengan kompetitor.",
    ),
    (
        "Biayanya mahal untuk usaha kecil.",
        "Bandingkan dengan komisi marketplace 5–15% per transaksi. Paket Pemula setara "
        "beberapa pesanan per bulan, dan bisa naik paket saat omzet tumbuh.",
    ),
    (
        "Saya tidak paham teknis.",
        "Tim User Success mendampingi sampai toko live: dari pilih template, unggah produk, "
        "sampai pesanan pertama. Rata-rata toko live dalam dua minggu.",
    ),
]

# slug: (summary, talking points, templates, objections specific to the category)
CONTENT = {
    "fashion": (
        "Toko fashion menang dengan foto yang rapi, ukuran yang jelas, dan koleksi yang sering "
        "diperbarui.",
        [
            "Tabel ukuran per produk mengurangi retur karena salah ukuran",
            "Lookbook dan koleksi musiman (Lebaran, 11.11, 12.12) mendorong pembelian ulang",
            "Varian warna dan ukuran dengan stok terpisah",
            "Integrasi ongkir otomatis ke seluruh Indonesia",
        ],
        ["Butik Minimalis", "Lookbook Musiman", "Katalog Grosir"],
        [
            (
                "Pembeli saya lebih suka chat WhatsApp.",
                "Tombol WhatsApp tetap ada di setiap produk; website menjadi katalog yang rapi "
                "sehingga admin tidak perlu mengirim foto satu per satu.",
            )
        ],
    ),
    "plus-size-fashion": (
        "Pembeli plus-size mencari kepastian ukuran dan rasa percaya diri; website sendiri "
        "memberi ruang untuk keduanya.",
        [
            "Panduan ukuran detail dengan foto model berbagai ukuran",
            "Testimoni pembeli dengan ukuran yang sama menaikkan konversi",
            "Komunitas loyal: program member dan voucher ulang tahun",
        ],
        ["Butik Minimalis", "Cerita Brand"],
        [
            (
                "Produk saya sedikit, apa perlu website?",
                "Justru koleksi yang terkurasi tampil lebih kuat di website sendiri daripada "
                "tenggelam di ribuan produk marketplace.",
            )
        ],
    ),
    "muslim-fashion": (
        "Puncak penjualan di bulan Ramadan; persiapan katalog dan stok dimulai dua bulan "
        "sebelumnya.",
        [
            "Kampanye Ramadan dan Lebaran dengan hitung mundur",
            "Pre-order untuk koleksi baru mengamankan arus kas",
            "Bundling hijab dan gamis menaikkan nilai keranjang",
        ],
        ["Koleksi Ramadan", "Butik Minimalis", "Pre-order"],
        [
            (
                "Setelah Lebaran penjualan sepi.",
                "Gunakan data pembeli Lebaran untuk kampanye Idul Adha dan koleksi harian; "
                "pelanggan yang sudah percaya lebih mudah membeli lagi.",
            )
        ],
    ),
    "home-living": (
        "Produk rumah tangga dibeli dengan pertimbangan: foto suasana, ukuran, dan ongkir "
        "barang besar harus jelas.",
        [
            "Foto produk dalam ruangan nyata, bukan hanya latar putih",
            "Kalkulator ongkir untuk barang besar dan berat",
            "Cicilan dan transfer bank untuk nilai pesanan tinggi",
        ],
        ["Showroom", "Katalog Grosir", "Cerita Brand"],
        [
            (
                "Ongkir barang besar membuat pembeli batal.",
                "Tampilkan ongkir sejak halaman produk dan tawarkan kurir kargo; pembeli batal "
                "karena kaget di akhir, bukan karena ongkirnya.",
            )
        ],
    ),
    "food-beverage": (
        "Usaha makanan dan minuman bergantung pada pesanan ulang dan pengiriman yang cepat.",
        [
            "Pesanan terjadwal dan langganan mingguan",
            "Zona pengiriman instan di kota yang sama",
            "Label halal dan tanggal kedaluwarsa yang jelas",
        ],
        ["Menu Digital", "Langganan Mingguan"],
        [
            (
                "Pesanan saya sudah lewat aplikasi ojek online.",
                "Website menjadi kanal tanpa komisi untuk pelanggan tetap dan pesanan katering "
                "dalam jumlah besar.",
            )
        ],
    ),
    "beauty": (
        "Pembeli produk kecantikan membutuhkan edukasi dan bukti: bahan, BPOM, dan hasil "
        "pemakaian.",
        [
            "Nomor BPOM dan daftar bahan di setiap produk",
            "Konten sebelum-sesudah dan video cara pakai",
            "Paket rutinitas (skincare routine) menaikkan nilai keranjang",
        ],
        ["Cerita Brand", "Butik Minimalis"],
        [
            (
                "Banyak produk palsu, pembeli tidak percaya toko online.",
                "Website resmi brand adalah bukti keaslian; tampilkan sertifikat dan ulasan "
                "terverifikasi.",
            )
        ],
    ),
    "health": (
        "Produk kesehatan dijual dengan kepercayaan: informasi yang akurat dan layanan yang "
        "responsif.",
        [
            "Informasi izin edar dan aturan pakai yang lengkap",
            "Konsultasi lewat WhatsApp sebelum membeli",
            "Pengingat pembelian ulang untuk produk rutin",
        ],
        ["Cerita Brand", "Langganan Mingguan"],
        [],
    ),
    "accessories": (
        "Aksesori adalah pembelian impulsif: foto detail dan promo bundling bekerja paling baik.",
        [
            "Foto makro untuk detail bahan",
            "Promo beli dua lebih hemat",
            "Kemasan hadiah dan kartu ucapan",
        ],
        ["Butik Minimalis", "Lookbook Musiman"],
        [],
    ),
    "kids-baby": (
        "Orang tua membeli dengan hati-hati: keamanan bahan dan ukuran sesuai usia.",
        [
            "Panduan ukuran berdasarkan usia",
            "Informasi bahan aman untuk bayi",
            "Paket hadiah kelahiran",
        ],
        ["Butik Minimalis", "Cerita Brand"],
        [],
    ),
    "electronics": (
        "Pembeli elektronik membandingkan spesifikasi dan garansi sebelum membeli.",
        [
            "Tabel spesifikasi yang bisa dibandingkan",
            "Garansi resmi dan layanan purna jual",
            "Cicilan kartu kredit untuk harga tinggi",
        ],
        ["Katalog Grosir", "Showroom"],
        [],
    ),
    "hobby": (
        "Komunitas hobi setia pada toko yang memahami mereka: stok langka dan info rilis baru.",
        [
            "Pre-order untuk rilis terbatas",
            "Notifikasi stok kembali",
            "Konten komunitas dan tutorial",
        ],
        ["Pre-order", "Cerita Brand"],
        [],
    ),
    "other": (
        "Untuk usaha di luar kategori utama: mulai dari katalog sederhana dan tumbuh bertahap.",
        ["Katalog rapi dengan harga jelas", "Tombol WhatsApp di setiap produk"],
        ["Butik Minimalis"],
        [],
    ),
}


def _screenshot(domain: str, colour: tuple[int, int, int]) -> ContentFile:
    """A simple mock-up of a store's home page (PNG), so the demo shows real images."""
    image = Image.new("RGB", (640, 400), (248, 248, 246))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 640, 56), fill=colour)
    draw.text((20, 20), domain, fill=(255, 255, 255))
    for column in range(3):
        left = 20 + column * 205
        draw.rectangle((left, 80, left + 190, 260), fill=(225, 225, 220))
        draw.rectangle((left, 272, left + 140, 286), fill=(200, 200, 195))
        draw.rectangle((left, 294, left + 90, 306), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="screenshot.png")


def load(*, seed: int, people, reference: date, progress: Progress) -> str:
    """One page per seeded category with its example stores, published twice a month apart.

    Categories that already have a page are left alone (idempotent).
    """
    rng = random.Random(seed)
    owners = [user for user in people.users if user.has_perm("library.change_guide")]
    categories = list(
        Category.objects.filter(slug__in=CONTENT, guide__isnull=True).order_by("position")
    )
    bar = progress.add_task("Demo sales library", total=len(categories))
    for category in categories:
        summary, points, templates, objections = CONTENT[category.slug]
        guide = Guide.objects.create(
            category=category,
            owner=rng.choice(owners),
            summary=summary,
            talking_points="\n".join(points[:-1]),
            template_names="\n".join(templates),
        )
        Objection.objects.bulk_create(
            Objection(guide=guide, objection=question, answer=answer, position=position)
            for position, (question, answer) in enumerate([*objections, *_COMMON_OBJECTIONS[:2]])
        )
        first = actions.publish_guide(guide=guide, actor=guide.owner, note="Versi awal")
        # A month later: the last talking point, another objection and the example stores.
        guide.talking_points = "\n".join(points)
        guide.save(update_fields=["talking_points"])
        Objection.objects.create(
            guide=guide,
            objection=_COMMON_OBJECTIONS[2][0],
            answer=_COMMON_OBJECTIONS[2][1],
            position=len(objections) + 2,
        )
        _add_examples(guide, rng)
        second = actions.publish_guide(
            guide=guide, actor=guide.owner, note="Tinjauan bulanan: toko contoh terbaru"
        )
        published = timezone.now() - timedelta(days=reference.day + 30)
        GuideVersion.objects.filter(pk=first.pk).update(published_at=published)
        GuideVersion.objects.filter(pk=second.pk).update(
            published_at=published + timedelta(days=31)
        )
        # Some pages are due for their monthly review, as in real life.
        Guide.objects.filter(pk=guide.pk).update(
            next_review_on=reference + timedelta(days=rng.randint(-5, 25))
        )
        progress.advance(bar)
    return f"library guides created={len(categories)}"


def _add_examples(guide: Guide, rng: random.Random) -> None:
    """The category's stores with the most 90-day GMV (or the first ones before any metrics)."""
    stores = (
        Store.objects.filter(
            customer__in=demo_customers(),
            customer__category=guide.category,
            customer__deleted_at__isnull=True,
        )
        .select_related("customer")
        .order_by(F("customer__rollup__gmv_90d").desc(nulls_last=True), "domain")[
            :EXAMPLES_PER_CATEGORY
        ]
    )
    for position, store in enumerate(stores):
        colour = (rng.randint(20, 160), rng.randint(60, 160), rng.randint(80, 180))
        example = ExampleStore(
            guide=guide,
            store=store,
            note=f"Lihat halaman depan dan katalog {store.customer.name}",
            position=position,
        )
        example.screenshot.save("screenshot.png", _screenshot(store.domain, colour), save=False)
        example.save()
