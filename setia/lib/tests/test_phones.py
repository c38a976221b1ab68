import random

import pytest

from setia.lib import phones
from setia.lib.phones import (
    PhoneError,
    format_phone,
    normalise_phone,
    parse_phone,
    search_prefix,
    whatsapp_link,
)


@pytest.mark.parametrize(
    "text",
    [
        "0812-3456-7890",
        "+62 812 3456 7890",
        "6281234567890",
        "+62 0812 3456 7890",
        "0812 3456 7890 ext 12",
        "(0812) 3456-7890",
    ],
)
def test_it_reads_one_number_in_every_format(text):
    assert normalise_phone(text) == "+6281234567890"


def test_it_repairs_a_leading_zero_lost_by_excel():
    phone = parse_phone("8123456789")
    assert phone.e164 == "+628123456789"
    assert phone.repaired is True


def test_it_refuses_the_kabanjahe_trap():
    # 62812345678 is +62 812-345-678 (mobile) or (0628) 12345678 (landline): a person decides.
    with pytest.raises(PhoneError, match="ambiguous"):
        normalise_phone("62812345678")


def test_it_keeps_landlines_with_their_area_code():
    assert normalise_phone("021-5551234") == "+62215551234"
    assert format_phone("+62215551234") == "(021) 5551234"


@pytest.mark.parametrize(
    "text",
    ["6,28E+12", "6.28e+12", "=+6281234567890", "081234", "", "abc", "0812-3456-7890-1234-5"],
)
def test_it_refuses_what_is_not_a_phone_number(text):
    with pytest.raises(PhoneError):
        normalise_phone(text)


def test_it_formats_a_stored_number_the_indonesian_way():
    assert format_phone("+6281234567890") == "0812-3456-7890"
    assert format_phone("+16502530000") == "+1 650-253-0000"
    assert format_phone("") == ""


def test_it_turns_typed_numbers_into_search_prefixes():
    assert search_prefix("0812-34") == "+6281234"
    assert search_prefix("62 812 34") == "+6281234"
    assert search_prefix("+62812") == "+62812"
    assert search_prefix("81234") == "+6281234"
    assert search_prefix("Toko 88") is None
    assert search_prefix("12") is None


def test_it_builds_click_to_chat_links_from_e164():
    assert whatsapp_link("+6281234567890") == "https://wa.me/6281234567890"
    assert whatsapp_link("+6281234567890", "Halo Bu, pesanan siap") == (
        "https://wa.me/6281234567890?text=Halo%20Bu%2C%20pesanan%20siap"
    )
    with pytest.raises(ValueError):
        whatsapp_link("081234567890")


def test_the_quick_mobile_path_agrees_with_the_full_parser(monkeypatch):
    rng = random.Random(3)
    texts = []
    for _ in range(6000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(7, 13)))
        prefix = rng.choice(
            ["0", "+62", "+62 ", "62", "", "08", "+628", "(0", "+62 0", "628", "8", "6"]
        )
        texts.append(prefix + digits)
        texts.append(f"{prefix}{digits[:3]}-{digits[3:7]} {digits[7:]}")
        texts.append(f" {prefix}{digits[:4]}.{digits[4:]} ")

    def outcomes():
        results = []
        for text in texts:
            try:
                results.append(parse_phone(text))
            except PhoneError as error:
                results.append(str(error))
        return results

    quick = outcomes()
    monkeypatch.setattr(phones, "_quick_mobile", lambda text: None)
    assert outcomes() == quick
    assert sum(isinstance(result, phones.Phone) for result in quick) > 500
