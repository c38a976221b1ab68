import pytest

from setia.imports.mapping import (
    EXTRA,
    IGNORE,
    check_mapping,
    propose_mapping,
    recognise,
    unknown_columns,
)

# The export engineer's headers, English and Indonesian.
EXPORT_HEADERS = [
    ("Code", "Kode", "code"),
    ("Name", "Nama Brand", "name"),
    ("Category", "Kategori", "category"),
    ("Status", "Status", "status"),
    ("City", "Kota", "city"),
    ("Province", "Provinsi", "province"),
    ("Account owner", "Pemilik Akun", "account_owner"),
    ("Team", "Tim", "team"),
    ("Primary contact", "Kontak Utama", "contact_name"),
    ("Position", "Jabatan", "position"),
    ("Phone", "No HP", "phone"),
    ("WhatsApp", "WhatsApp", "whatsapp"),
    ("Email", "Email", "email"),
    ("Store URL", "URL Toko", "store_url"),
    ("Plan", "Paket", "plan"),
    ("Monthly price", "Harga Bulanan", "monthly_price"),
    ("Renewal date", "Tanggal Perpanjangan", "renews_on"),
    ("Joined", "Tanggal Bergabung", "started_on"),
]


@pytest.mark.parametrize(("english", "indonesian", "key"), EXPORT_HEADERS)
def test_it_recognises_our_exports_headers_in_both_languages(english, indonesian, key):
    assert recognise(english) == key
    assert recognise(indonesian) == key


def test_it_maps_a_whole_export_header_row():
    for index in (0, 1):
        header = [row[index] for row in EXPORT_HEADERS]
        mapping = propose_mapping(header)
        assert list(mapping.values()) == [row[2] for row in EXPORT_HEADERS]


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Nama Brand", "name"),
        ("Nama Usaha", "name"),
        ("Brand", "name"),
        ("Nama Pemilik", "contact_name"),  # the merchant's owner: a contact, not the account owner
        ("Owner", "contact_name"),
        ("No HP", "phone"),
        ("No. HP", "phone"),
        ("No. WhatsApp", "whatsapp"),
        ("Phone", "phone"),
        (" E-mail ", "email"),
        ("Kategori", "category"),
        ("Kota", "city"),
        ("Provinsi", "province"),
        ("URL Toko", "store_url"),
        ("Website", "store_url"),
        ("Paket", "plan"),
        ("Tanggal Onboarding", "started_on"),
        ("NAMA_BRAND", "name"),
        ("No", IGNORE),
        ("Sumber Info", EXTRA),
    ],
)
def test_it_recognises_onboarding_sheet_headers(header, key):
    assert recognise(header) == key


def test_it_maps_a_hubspot_companies_export():
    header = [
        "Record ID",
        "Company name",
        "Company Domain Name",
        "Phone Number",
        "City",
        "State/Region",
        "Industry",
        "Company owner",
        "Create Date",
    ]

    mapping = propose_mapping(header)

    assert mapping == {
        "Record ID": EXTRA,
        "Company name": "name",
        "Company Domain Name": "store_url",
        "Phone Number": "phone",
        "City": "city",
        "State/Region": "province",
        "Industry": "category",
        "Company owner": "account_owner",
        "Create Date": "started_on",
    }


def test_it_maps_a_hubspot_contacts_export():
    header = [
        "First Name",
        "Last Name",
        "Email",
        "Phone Number",
        "Mobile Phone Number",
        "Company Name",
        "Job Title",
        "Website URL",
    ]

    mapping = propose_mapping(header)

    assert mapping == {
        "First Name": "contact_first_name",
        "Last Name": "contact_last_name",
        "Email": "email",
        "Phone Number": "phone",
        "Mobile Phone Number": EXTRA,  # phone is taken by the first column: kept, not dropped
        "Company Name": "name",
        "Job Title": "position",
        "Website URL": "store_url",
    }


def test_it_maps_a_salesforce_accounts_export():
    header = [
        "Account Name",
        "Account Owner",
        "Phone",
        "Website",
        "Industry",
        "Billing City",
        "Billing State/Province",
    ]

    mapping = propose_mapping(header)

    assert list(mapping.values()) == [
        "name",
        "account_owner",
        "phone",
        "store_url",
        "category",
        "city",
        "province",
    ]


def test_it_maps_an_olist_sellers_export_and_lists_its_ids_as_extra():
    header = ["seller_id", "seller_zip_code_prefix", "seller_city", "seller_state"]

    mapping = propose_mapping(header)

    assert mapping == {
        "seller_id": EXTRA,
        "seller_zip_code_prefix": EXTRA,
        "seller_city": "city",
        "seller_state": "province",
    }
    assert unknown_columns(mapping) == ["seller_id", "seller_zip_code_prefix"]


def test_it_maps_olist_customers_and_closed_deals_exports():
    customers = [
        "customer_id",
        "customer_unique_id",
        "customer_zip_code_prefix",
        "customer_city",
        "customer_state",
    ]
    deals = ["mql_id", "seller_id", "won_date", "business_segment", "lead_type"]

    assert list(propose_mapping(customers).values()) == [EXTRA, EXTRA, EXTRA, "city", "province"]
    assert list(propose_mapping(deals).values()) == [EXTRA, EXTRA, "started_on", "category", EXTRA]


def test_it_reads_google_contacts_name_as_the_person():
    header = [
        "Name",
        "Given Name",
        "Family Name",
        "Organization 1 - Name",
        "Organization 1 - Title",
        "E-mail 1 - Value",
        "Phone 1 - Value",
        "Website 1 - Value",
    ]

    mapping = propose_mapping(header)

    assert mapping == {
        "Name": "contact_name",
        "Given Name": "contact_first_name",
        "Family Name": "contact_last_name",
        "Organization 1 - Name": "name",
        "Organization 1 - Title": "position",
        "E-mail 1 - Value": "email",
        "Phone 1 - Value": "phone",
        "Website 1 - Value": "store_url",
    }


def test_a_remembered_mapping_wins_over_recognition():
    mapping = propose_mapping(["Brand", "Info"], remembered={"Brand": "name", "Info": "notes"})

    assert mapping == {"Brand": "name", "Info": "notes"}


def test_it_lists_unknown_columns():
    assert unknown_columns(propose_mapping(["Brand", "Sumber Info", "No"])) == ["Sumber Info"]


def test_it_refuses_a_mapping_without_identifying_columns_or_with_a_field_twice():
    assert check_mapping({"Brand": "name"}) == []
    assert len(check_mapping({"Kota": "city"})) == 1
    assert "Phone" in check_mapping({"A": "phone", "B": "phone"})[0]
    assert "nonsense" in check_mapping({"A": "name", "B": "nonsense"})[0]
