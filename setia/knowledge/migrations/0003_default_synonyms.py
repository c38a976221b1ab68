from django.db import migrations

# The words merchants use for the same thing, as a starting list; managers edit it on the
# synonyms page. One index term (left) for every word or phrase (right).
DEFAULT = {
    "ongkir": "ongkos kirim, biaya kirim, biaya pengiriman, ongkos pengiriman, shipping cost, "
    "shipping fee, shipping, ongkos",
    "cod": "bayar di tempat, bayar ditempat, cash on delivery, bayar saat barang sampai, "
    "bayar pas barang sampai, bayar pas barang datang, bayar waktu barang sampai, bayar di rumah",
    "web": "website, situs, toko online, webstore, online store, web toko, online shop",
    "domain": "nama domain, domain name, alamat website, alamat web",
    "ssl": "https, gembok, sertifikat ssl, ssl certificate, not secure, tidak aman",
    "gateway": "payment gateway, gateway pembayaran, midtrans, xendit",
    "produk": "barang, item, product, products, jualan, dagangan",
    "stok": "stock, persediaan, stoknya",
    "template": "tema, theme, tampilan, desain, design, layout, templat",
    "promo": "promosi, diskon, potongan harga, discount, promotion",
    "voucher": "kupon, kode promo, coupon, kode voucher, kode diskon",
    "langganan": "berlangganan, subscription, subscribe, paket langganan, plan",
    "perpanjang": "perpanjangan, memperpanjang, diperpanjang, renew, renewal, extend",
    "unggah": "mengunggah, diunggah",
    "resi": "nomor resi, no resi, tracking, lacak, melacak, tracking number, awb, track",
    "kurir": "ekspedisi, courier, jasa kirim, jasa pengiriman, jne, jnt, sicepat, anteraja",
    "refund": "pengembalian dana, uang kembali, dana kembali, refund dana",
    "cair": "pencairan, pencairan dana, withdraw, tarik dana, payout, penarikan, narik",
    "password": "kata sandi, sandi, pass, pw, passwd, kata kunci",
    "login": "log in, sign in, masuk akun, masuk dashboard",
    "ponsel": "handphone, smartphone, mobile, hape",
    "whatsapp": "wa, whatsap, watsap, wasap",
    "invoice": "faktur, kwitansi, kuitansi, bukti bayar, nota",
    "marketplace": "shopee, tokopedia, tokped, lazada, bukalapak",
    "foto": "gambar, photo, picture, image, pic",
    "varian": "variasi, variant, variants, pilihan ukuran",
    "staf": "staff, karyawan, pegawai, anggota tim",
    "email": "e mail, surel, imel",
    "grosir": "reseller, dropshipper, dropship, harga partai, wholesale",
    "batal": "cancel, membatalkan, dibatalkan, pembatalan, batalin, dibatalin",
    "libur": "cuti, lebaran, tutup sementara, holiday, liburan",
    "laporan": "report, rekap, rekapan",
    "pixel": "fb pixel, facebook pixel, meta pixel",
    "affiliate": "afiliasi, affiliator, afiliator",
    "flashsale": "flash sale",
    "bundling": "bundle, beli 2 gratis 1, buy 2 get 1",
    "trial": "free trial, coba gratis, masa coba, uji coba, percobaan",
    "notifikasi": "notif, notification, pemberitahuan",
    "checkout": "check out",
    "cetak": "print, ngeprint, diprint",
    "qris": "scan qr, qr code",
    "pickup": "ambil sendiri, ambil di toko, ambil ditempat, ambil di tempat, jemput, pick up",
}


def seed(apps, schema_editor):
    Synonym = apps.get_model("knowledge", "Synonym")
    Synonym.objects.bulk_create(
        [Synonym(term=term, variants=variants) for term, variants in DEFAULT.items()],
        ignore_conflicts=True,
    )


def unseed(apps, schema_editor):
    apps.get_model("knowledge", "Synonym").objects.filter(term__in=DEFAULT).delete()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_search_indexes")]

    operations = [migrations.RunPython(seed, unseed)]
