"""Questions as merchants write them on WhatsApp, each with the answer (its key) a colleague
would send, or None when no agreed answer covers it. Written for these tests, not taken from
the answers: informal spellings, abbreviations, greetings, typos and context included."""

LABELLED: list[tuple[str, str | None]] = [
    # change-domain
    ("gmn cara ganti domain toko kak?", "change-domain"),
    ("min mau ganti nama domain web sy bisa?", "change-domain"),
    ("kak domain toko aku mau diganti yg baru, caranya gimana ya", "change-domain"),
    ("halo, sy pengen pindah domain ke yg lebih pendek", "change-domain"),
    # connect-own-domain
    ("sy udh beli domain di niagahoster, gmn nyambunginnya ke toko?", "connect-own-domain"),
    ("domain dr registrar lain bisa dipake ga min", "connect-own-domain"),
    ("cara setting dns domain sendiri ke toko gimana kak", "connect-own-domain"),
    ("record A sama CNAME diisi apa ya kak", "connect-own-domain"),
    # buy-domain
    ("mau beli domain .com lewat dashboard bisa?", "buy-domain"),
    ("kak beli domain .co.id syaratnya apa aja", "buy-domain"),
    ("bisa beli domain baru dsini ga kak", "buy-domain"),
    # renew-domain
    ("domain sy mau expired, gmn perpanjangnya", "renew-domain"),
    ("min domain aku udh kadaluarsa kemarin, masih bisa diselamatkan?", "renew-domain"),
    ("perpanjang domain toko caranya gmn", "renew-domain"),
    # domain-not-working
    ("abis ganti domain webnya ga bisa dibuka kak", "domain-not-working"),
    ("domain baru sy kok blm muncul tokonya ya udah sehari", "domain-not-working"),
    ("kak domian sy error dns gabisa diakses", "domain-not-working"),
    # ssl-certificate
    ("web sy ada tulisan not secure di chrome, gmn ngilanginnya", "ssl-certificate"),
    ("kak kok toko aku ga ada gembok nya", "ssl-certificate"),
    ("cara pasang ssl gimana min", "ssl-certificate"),
    ("https nya ga aktif2 kak", "ssl-certificate"),
    # subdomain
    ("kalo blm punya domain bisa pake alamat gratisan ga?", "subdomain"),
    ("subdomain gratis ada ga kak", "subdomain"),
    ("toko sy bisa online tanpa beli domain?", "subdomain"),
    # email-domain
    ("mau bikin email info@namatoko.com bisa ga", "email-domain"),
    ("gmn caranya punya email bisnis pake domain sendiri", "email-domain"),
    ("setting MX email domain toko gmn kak", "email-domain"),
    # shipping-cost-setup
    ("ongkir otomatis gmn settingnya kak", "shipping-cost-setup"),
    ("gimana biar ongkos kirim keitung sendiri sesuai alamat pembeli", "shipping-cost-setup"),
    ("cara ngatur biaya kirim di toko gmn min", "shipping-cost-setup"),
    ("alamat asal pengiriman diisi dmn ya", "shipping-cost-setup"),
    # free-shipping
    ("mau kasih gratis ongkir buat pembeli bisa?", "free-shipping"),
    ("promo free ongkir min belanja 100rb gmn bikinnya", "free-shipping"),
    ("subsidi ongkir caranya gmn kak", "free-shipping"),
    # cod
    ("bayar di tempat bisa ga?", "cod"),
    ("kak toko aku bisa terima cod ga", "cod"),
    ("pembeli mau bayar pas barang dateng, bisa diaktifin?", "cod"),
    ("gmn aktifin cod min", "cod"),
    ("cash on delivery ada ga kak", "cod"),
    # cod-returned
    ("paket cod sy ditolak pembeli, ongkir baliknya siapa yg bayar?", "cod-returned"),
    ("pembeli ga mau terima paket cod, gmn dong", "cod-returned"),
    ("retur cod kena biaya ga kak", "cod-returned"),
    # tracking
    ("pembeli nanya resi, gmn cara ngasih tau nomor resinya", "tracking"),
    ("input no resi dmn ya kak", "tracking"),
    ("cara pembeli lacak paket gimana", "tracking"),
    ("cek resi dr toko bisa ga", "tracking"),
    # couriers
    ("kurir apa aja yg ada kak?", "couriers"),
    ("bisa pake gosend atau grab ga buat kirim instan", "couriers"),
    ("ada pengiriman same day ga min", "couriers"),
    ("jne jnt sicepat ada semua?", "couriers"),
    # shipping-weight
    ("kok ongkirnya mahal bgt ya kak", "shipping-weight"),
    ("ongkos kirim ga masuk akal, kemahalan", "shipping-weight"),
    ("berat produk salah jadi ongkir gede", "shipping-weight"),
    # international-shipping
    ("bisa kirim ke malaysia ga kak", "international-shipping"),
    ("pengiriman ke luar negri ada?", "international-shipping"),
    ("mau jual ke singapura pake dhl bisa?", "international-shipping"),
    # pickup-store
    ("pembeli mau ambil sendiri ke toko bisa?", "pickup-store"),
    ("opsi ambil ditempat tanpa ongkir ada ga", "pickup-store"),
    ("kak bisa ga pembeli jemput barang ke toko", "pickup-store"),
    # payment-gateway
    ("payment gateway apa aja yg bisa dipake", "payment-gateway"),
    ("gmn pasang midtrans di toko", "payment-gateway"),
    ("bisa pake xendit ga kak", "payment-gateway"),
    ("mau terima pembayaran online gmn caranya", "payment-gateway"),
    # bank-transfer
    ("tambah rekening bca buat transfer gmn kak", "bank-transfer"),
    ("pembeli mau tf manual ke rekening sy bisa?", "bank-transfer"),
    ("cara terima transfer bank biasa gmn", "bank-transfer"),
    # qris
    ("bisa bayar pake qris ga", "qris"),
    ("pembeli mau bayar pake gopay atau ovo bisa?", "qris"),
    ("qris aktif ga di toko sy", "qris"),
    # virtual-account
    ("cara aktifin virtual account bca gmn", "virtual-account"),
    ("va bni bisa ga kak", "virtual-account"),
    ("pembayaran lewat VA gmn settingnya", "virtual-account"),
    # payment-not-confirmed
    ("pembeli udh bayar tp statusnya msh belum lunas", "payment-not-confirmed"),
    ("kak udh transfer kok pesanan blm terkonfirmasi", "payment-not-confirmed"),
    ("status pembayaran ga berubah padahal udh dibayar", "payment-not-confirmed"),
    # payout
    ("duit penjualan kapan masuk ke rekening kak", "payout"),
    ("pencairan dana brp hari min", "payout"),
    ("saldo sy kapan cair ya", "payout"),
    ("gmn cara tarik dana hasil jualan", "payout"),
    # payment-fees
    ("biaya transaksi payment gateway brp kak", "payment-fees"),
    ("fee per transaksi berapa persen", "payment-fees"),
    ("potongan biaya kalo pembeli bayar pake va brp", "payment-fees"),
    # credit-card
    ("pembeli bisa bayar pake kartu kredit ga", "credit-card"),
    ("ada cicilan 0% ga kak", "credit-card"),
    ("terima visa mastercard bisa?", "credit-card"),
    # refund
    ("gmn cara refund ke pembeli kak", "refund"),
    ("pesanan batal, uangnya balikin gmn", "refund"),
    ("pengembalian dana pembeli brp lama", "refund"),
    # upload-product
    ("cara upload produk gmn kak", "upload-product"),
    ("mau nambah barang baru di toko caranya?", "upload-product"),
    ("gmn masukin produk ke web", "upload-product"),
    ("tambah produk dmn ya min", "upload-product"),
    # bulk-upload
    ("bisa upload produk banyak sekaligus ga", "bulk-upload"),
    ("import produk dr excel gmn", "bulk-upload"),
    ("produk sy ada 500, masa hrs input satu2", "bulk-upload"),
    # import-marketplace
    ("bisa pindahin produk dr shopee ga kak", "import-marketplace"),
    ("produk di tokped mau dicopy ke web bisa?", "import-marketplace"),
    ("salin produk dari marketplace gmn", "import-marketplace"),
    # product-variants
    ("gmn nambah varian ukuran sama warna", "product-variants"),
    ("produk sy ada size S M L, gmn settingnya", "product-variants"),
    ("variasi warna produk caranya gmn kak", "product-variants"),
    # stock-update
    ("cara ubah stok produk gmn", "stock-update"),
    ("update stok barang dmn ya", "stock-update"),
    ("stok mau ditambah caranya gimana kak", "stock-update"),
    # out-of-stock
    ("produk udh habis tp masih bisa dipesen pembeli", "out-of-stock"),
    ("stok kosong kok masih bisa checkout", "out-of-stock"),
    ("mau bikin pre order gmn kak", "out-of-stock"),
    # product-photo
    ("foto produk ga muncul kak", "product-photo"),
    ("gambar produk sy buram knp ya", "product-photo"),
    ("ukuran foto produk yg bagus brp pixel", "product-photo"),
    # product-category
    ("gmn bikin kategori produk", "product-category"),
    ("mau kelompokin produk per koleksi bisa?", "product-category"),
    ("cara nambah kategori di menu toko", "product-category"),
    # digital-product
    ("bisa jual ebook ga kak", "digital-product"),
    ("jual produk digital kyk file download bisa?", "digital-product"),
    ("mau jualan voucher game bisa ga", "digital-product"),
    # product-limit
    ("maksimal produk brp di paket pemula", "product-limit"),
    ("batas jumlah produk ada ga kak", "product-limit"),
    ("bisa upload produk sampe 2000 ga", "product-limit"),
    # stock-sync
    ("stok di web sama shopee ga sama kak", "stock-sync"),
    ("sinkron stok otomatis sama tokopedia bisa?", "stock-sync"),
    ("stok marketplace ga ke update", "stock-sync"),
    # change-template
    ("gmn cara ganti template toko", "change-template"),
    ("mau ganti tema web bisa ga kak", "change-template"),
    ("kalo ganti tampilan produk sy ilang ga", "change-template"),
    # logo-banner
    ("cara ganti logo toko gmn", "logo-banner"),
    ("upload banner di halaman depan dmn kak", "logo-banner"),
    ("ukuran banner yg pas brp", "logo-banner"),
    # store-colors
    ("bisa ganti warna tombol ga kak", "store-colors"),
    ("font toko mau diganti bisa?", "store-colors"),
    ("warna web sy mau diubah gmn", "store-colors"),
    # mobile-view
    ("tampilan toko di hp berantakan kak", "mobile-view"),
    ("web sy ga rapi kalo dibuka di hp", "mobile-view"),
    ("kok di ponsel layoutnya ancur ya", "mobile-view"),
    # custom-page
    ("mau nambah halaman tentang kami gmn", "custom-page"),
    ("bikin halaman kebijakan retur dmn", "custom-page"),
    ("tambah halaman baru di web caranya", "custom-page"),
    # whatsapp-button
    ("gmn pasang tombol wa di web", "whatsapp-button"),
    ("tombol chat whatsapp melayang bisa dipasang?", "whatsapp-button"),
    ("cara nambahin tombol whatsapp di toko", "whatsapp-button"),
    # discount-voucher
    ("gmn bikin kode voucher diskon", "discount-voucher"),
    ("mau bikin kupon potongan 10rb bisa?", "discount-voucher"),
    ("cara buat voucher belanja kak", "discount-voucher"),
    # flash-sale
    ("gmn bikin flash sale kak", "flash-sale"),
    ("diskon jam tertentu pake hitung mundur bisa?", "flash-sale"),
    ("flashsale 12.12 caranya gmn", "flash-sale"),
    # bundle-promo
    ("promo beli 2 gratis 1 gmn bikinnya", "bundle-promo"),
    ("bisa bikin paket bundling ga", "bundle-promo"),
    ("bundle produk harga khusus gmn kak", "bundle-promo"),
    # reseller-price
    ("harga grosir gmn settingnya", "reseller-price"),
    ("mau bedain harga buat reseller bisa?", "reseller-price"),
    ("harga khusus dropshipper ada ga", "reseller-price"),
    # broadcast-promo
    ("gmn kirim promo ke semua pelanggan", "broadcast-promo"),
    ("broadcast wa ke pembeli lama bisa ga", "broadcast-promo"),
    ("blast email promo ke customer gmn", "broadcast-promo"),
    # affiliate
    ("ada program affiliate ga kak", "affiliate"),
    ("mau kasih komisi ke yg promosiin produk sy", "affiliate"),
    ("afiliasi bisa dipake di paket apa", "affiliate"),
    # renew-subscription
    ("gmn cara perpanjang langganan kak", "renew-subscription"),
    ("paket sy mau abis, perpanjangnya dmn", "renew-subscription"),
    ("bayar langganan bulan ini lewat mana", "renew-subscription"),
    ("perpanjang 12 bulan ada diskon ga", "renew-subscription"),
    # subscription-expired
    ("langganan sy udh habis, toko dihapus ga?", "subscription-expired"),
    ("masa aktif abis, data toko ilang ga kak", "subscription-expired"),
    ("toko ga bisa diakses krn langganan habis", "subscription-expired"),
    # upgrade-plan
    ("mau upgrade ke paket bisnis gmn", "upgrade-plan"),
    ("naik paket ke pro caranya?", "upgrade-plan"),
    ("ganti paket langganan ditengah jalan bisa?", "upgrade-plan"),
    # plan-prices
    ("harga paket langganan brp aja kak", "plan-prices"),
    ("paket pemula brp sebulan", "plan-prices"),
    ("daftar harga paket pro dong", "plan-prices"),
    # invoice-tax
    ("minta invoice pembayaran langganan dmn", "invoice-tax"),
    ("butuh faktur pajak buat kantor gmn", "invoice-tax"),
    ("kwitansi bayar langganan bisa diunduh ga", "invoice-tax"),
    # cancel-subscription
    ("gmn cara berhenti langganan", "cancel-subscription"),
    ("mau stop langganan, bisa refund ga", "cancel-subscription"),
    ("matiin perpanjangan otomatis dmn kak", "cancel-subscription"),
    # free-trial
    ("ada trial gratis ga kak", "free-trial"),
    ("bisa coba gratis dulu sebelum bayar?", "free-trial"),
    ("masa percobaan brp hari", "free-trial"),
    # reset-password
    ("lupa pw gmn min", "reset-password"),
    ("sy ga bisa login lupa password", "reset-password"),
    ("reset kata sandi gmn kak", "reset-password"),
    ("pasword sy ilang ga inget", "reset-password"),
    # add-staff
    ("mau nambah admin buat karyawan gmn", "add-staff"),
    ("staf gudang bisa dikasih akses ga", "add-staff"),
    ("undang anggota tim ke dashboard caranya", "add-staff"),
    # change-email
    ("ganti email akun gmn kak", "change-email"),
    ("no hp akun sy udh ga aktif, mau diganti", "change-email"),
    ("ubah data pemilik toko dmn", "change-email"),
    # two-factor
    ("cara aktifin verifikasi 2 langkah", "two-factor"),
    ("mau pake google authenticator bisa?", "two-factor"),
    ("keamanan akun pake otp gmn settingnya", "two-factor"),
    # transfer-ownership
    ("mau pindahin toko ke adik sy bisa?", "transfer-ownership"),
    ("ganti pemilik akun toko gmn caranya", "transfer-ownership"),
    ("toko mau dijual ke org lain, akunnya dipindah gmn", "transfer-ownership"),
    # order-notification
    ("kok sy ga dapet notif pesanan baru", "order-notification"),
    ("notifikasi order masuk ga bunyi di wa", "order-notification"),
    ("pemberitahuan pesanan ga masuk email", "order-notification"),
    # print-label
    ("gmn cetak label pengiriman", "print-label"),
    ("print resi pake printer thermal bisa?", "print-label"),
    ("cara ngeprint alamat pembeli buat paket", "print-label"),
    # cancel-order
    ("gmn batalin pesanan pembeli", "cancel-order"),
    ("pesanan salah mau dicancel", "cancel-order"),
    ("cara membatalkan order kak", "cancel-order"),
    # abandoned-cart
    ("banyak yg ga lanjut checkout kak, gmn ya", "abandoned-cart"),
    ("keranjang ditinggal pembeli bisa diingetin?", "abandoned-cart"),
    ("pengingat keranjang otomatis ada ga", "abandoned-cart"),
    # export-orders
    ("download laporan penjualan ke excel gmn", "export-orders"),
    ("export data pesanan bisa ga", "export-orders"),
    ("rekap penjualan bulanan dmn kak", "export-orders"),
    # guest-checkout
    ("pembeli hrs daftar akun dulu ga buat belanja", "guest-checkout"),
    ("checkout tanpa login bisa?", "guest-checkout"),
    ("pembeli males bikin akun, bisa langsung beli?", "guest-checkout"),
    # seo-google
    ("gmn biar toko muncul di google", "seo-google"),
    ("seo web sy gmn settingnya", "seo-google"),
    ("daftar google search console caranya", "seo-google"),
    # facebook-pixel
    ("pasang fb pixel dmn kak", "facebook-pixel"),
    ("google analytics bisa dipasang ga", "facebook-pixel"),
    ("tiktok pixel buat iklan gmn masangnya", "facebook-pixel"),
    # contact-support
    ("nomor wa cs brp kak", "contact-support"),
    ("jam operasional support sampe jam brp", "contact-support"),
    ("hubungi tim bantuan lewat mana", "contact-support"),
    # mobile-app
    ("ada aplikasi buat ngatur toko di hp ga", "mobile-app"),
    ("app penjual di android ada?", "mobile-app"),
    ("bisa kelola pesanan dr hp ga kak", "mobile-app"),
    # backup-data
    ("data toko sy aman ga kak", "backup-data"),
    ("ada backup data ga kalo server rusak", "backup-data"),
    ("cadangan data produk disimpen brp lama", "backup-data"),
    # store-closed
    ("mau tutup toko sementara pas lebaran bisa?", "store-closed"),
    ("mode libur toko ada ga", "store-closed"),
    ("sy mau cuti seminggu, toko gmn", "store-closed"),
    # long messages with greetings and context
    (
        "Assalamualaikum kak, sy jualan hijab di instagram udh 2 thn, baru bikin web minggu "
        "lalu. mau nanya gmn cara ganti domain toko ya? makasih",
        "change-domain",
    ),
    (
        "selamat pagi min, pembeli sy banyak yg di kampung dan ga punya m-banking, mereka "
        "nanya bisa bayar di tempat ga. tolong infonya ya",
        "cod",
    ),
    (
        "halo kak maaf ganggu, tadi pembeli komplain katanya udh transfer dr kemarin tp di "
        "pesanan statusnya blm lunas. gmn ya?",
        "payment-not-confirmed",
    ),
    # no agreed answer covers these
    ("resep nasi goreng enak gmn kak", None),
    ("cuaca di bandung hari ini gimana", None),
    ("kak ada lowongan kerja ga di kantor kalian", None),
    ("siapa presiden indonesia sekarang", None),
    ("mau pinjam uang bisa ga", None),
    ("kak tau tempat makan enak di jogja?", None),
    ("jadwal sholat jumat jam brp", None),
    ("harga emas hari ini brp", None),
    ("gmn cara main gitar kak", None),
    ("kucing sy sakit harus dibawa kemana", None),
    ("skor bola semalam brp", None),
    ("kak mau pesan tiket pesawat ke bali", None),
]
