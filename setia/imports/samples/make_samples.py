"""Write the messy onboarding sheet users can try in the import wizard, as CSV and XLSX.

Run `python setia/imports/samples/make_samples.py` after changing ROWS; both files are committed.
The CSV is what Excel in the id-ID locale writes: `;`-delimited, UTF-8 with a byte-order mark.
"""

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

HERE = Path(__file__).resolve().parent
HEADER = [
    "No",
    "Tanggal Onboarding",
    "Nama Brand",
    "Nama Pemilik",
    "No HP",
    "Email",
    "Kategori",
    "Kota",
    "Provinsi",
    "URL Toko",
    "Paket",
    "Harga Bulanan",
    "Catatan",
    "Sumber Info",
]
# Each row shows one kind of mess the import must handle (or reject with a clear reason).
ROWS = [
    ["1", "05/04/2026", "Batik Sekar Arum", "Ibu Sekar", "0812-3456-7801", "Sekar@BatikSekar.id", "Fashion", "KOTA SURAKARTA", "JAWA TENGAH", "https://www.batiksekar.id/", "Growth", "Rp 349.000", "Kain batik tulis", "Instagram"],
    ["2", "17 Agustus 2026", "Kopi Kenangan Senja", "Dimas", "+62 812 3456 7802", "halo@kopisenja.co.id", "F&B", "KAB. SLEMAN", "DI Yogyakarta", "kopisenja.co.id", "Starter", "149.000", "", "Teman"],
    ["3", "2026-05-02", "Rumah Rotan Cirebon", "Pak Hadi", "6281234567803", "hadi.rotan@gmail.com", "Home Living", "Cirebon", "jawa barat", "shopee.co.id/rumahrotan", "Business", "1.234.567,00", "Ekspor furnitur", ""],
    ["4", "03-06-2026", "Glow Skin Lab", "dr. Nadia", "8123456780", "nadia@glowskin.id", "Beauty", "Jakarta Selatan", "DKI JAKARTA", "glowskin.id", "growth", "Rp349.000", "", "Iklan"],
    ["5", "05/04/2026", "Batik Sekar Arum", "Ibu Sekar", "0812 3456 7801", "", "Fashion", "Surakarta", "Jawa Tengah", "", "", "", "baris ganda", "Instagram"],
    ["6", "12 Okt 2026", "Sambal Bu Rudy KW", "Rudy", "0812-3456-78", "rudy@sambal", "Makanan", "Surabaya", "Jawa Timur", "sambalrudykw.com", "Starter", "99.000", "", ""],
    ["7", "31/02/2026", "Hijab Alya", "Alya", "0813-2222-3333", "alya@hijabalya.com", "Fashon", "Bandung", "Jawa Barat", "hijabalya.com", "Paket Growth", "349000", "", "TikTok"],
    ["8", "1 Sep 2026", "Tas Kulit Garut", "Ujang", "6,28E+12", "ujang@taskulitgarut.com", "Accessories", "KAB. GARUT", "JAWA BARAT", "taskulitgarut.com", "Starter", "149.000", "", ""],
    ["9", "20/07/2026", "Kue Lapis Legit Oma", "Oma Lien", "+62 0857 1111 2222", "oma@lapislegit.id", "F&B", "Medan", "Sumatera Utara", "lapislegit.id", "Growth", "Rp 349.000", "'=hanya pesanan", ""],
    ["10", "20/07/2026", "Mainan Kayu Cerdas", "Bu Tari", "0856-7777-8888", "TARI@MAINANKAYU.ID", "Kids & Baby", "Malang", "Jatim", "https://mainankayu.id/katalog", "Business", "Rp 1.499.000", "", "Pameran"],
    ["11", "", "Mainan Kayu Cerdas", "", "", "tari@mainankayu.id", "", "", "", "", "", "", "duplikat email", ""],
    ["12", "8 Mei 2026", "Keripik Pedas Mak Ijah", "Mak Ijah", "0821 9999 0000", "makijah@gmail.com", "F&B", "Bandung", "Jabar", "tokopedia.com/makijah", "Starter", "Rp 149.000", "Reseller 40", "WhatsApp"],
    ["13", "15/13/2026", "Sepatu Lokal Bandung", "Reza", "0819-1234-5678", "reza@sepatulokal.id", "Fashion", "Bandung", "Jawa Barat", "sepatulokal.id", "Growth", "349.000", "", ""],
    ["14", "2 Jan 2026", "Madu Hutan Sumbawa", "Pak Amir", "0852 3030 4040", "amir@maduhutan.id", "Health & Wellness", "Sumbawa", "NTB", "maduhutan.id", "Starter", "-149.000", "", ""],
    ["15", "9 Feb 2026", "Plus Size Store Jkt", "Mbak Wulan", "0811 8888 9999", "wulan@plussizejkt.id", "Plus-size Fashion", "Jakarta Barat", "DKI Jakarta", "plussizejkt.id", "Enterprise", "Rp 4.999.000", "", "Referensi"],
]  # fmt: skip


def write_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(ROWS)


def write_xlsx(path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one worksheet, active
    sheet.title = "Onboarding"
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"  # text, as typed: no formulas, no numbers
    workbook.save(path)


if __name__ == "__main__":
    write_csv(HERE / "onboarding-sheet.csv")
    write_xlsx(HERE / "onboarding-sheet.xlsx")
    print("wrote", HERE / "onboarding-sheet.csv", "and", HERE / "onboarding-sheet.xlsx")
