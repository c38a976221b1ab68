import pytest

from setia.lib import domains
from setia.lib.domains import normalise_domain


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("https://www.Toko.id/", "toko.id"),
        ("toko.id", "toko.id"),
        ("http://TOKO.co.id:8080/produk?id=1", "toko.co.id"),
        ("https://shopee.co.id/tokoku?x=1", "shopee.co.id/tokoku"),
        ("instagram.com/@tokoku", "instagram.com/tokoku"),
        ("kopi-senja.my.id", "kopi-senja.my.id"),
    ],
)
def test_it_normalises_store_addresses(text, domain):
    assert normalise_domain(text) == domain


@pytest.mark.parametrize(
    "text", ["", "toko", "http://", "-toko.id", "shopee.co.id", "192.168.1.1", "toko..id"]
)
def test_it_refuses_what_is_not_a_store_address(text):
    with pytest.raises(ValueError):
        normalise_domain(text)


SPELLINGS = [
    "toko.id", "https://www.Toko.id/", "http://toko.id", "www.toko.co.id/", "Toko.ID.",
    "shopee.co.id/tokoku", "https://shopee.co.id/tokoku/", "shopee.co.id/", "shopee.co.id",
    "tiktok.com/@toko.ku", "instagram.com/@tokoku/", "tokopedia.com/toko-ku/produk-1",
    "toko..id", ".toko.id", "-toko.id", "toko-.id", "toko", "192.168.1.1", "www.id",
    "a" * 63 + ".id", "a" * 64 + ".id", "toko.id/a'b(c)", "toko.id/%20x", "ftp://toko.id",
    "toko.id:8080", "user@toko.id", "toko.id?x=1", "toko.id#top", "toko.id/ x", "tökö.id",
    "https://toko.id/\\x", "xn--tk-fka.id", "toko.id\t/x", "//toko.id",
]  # fmt: skip


@pytest.mark.parametrize("text", SPELLINGS)
def test_the_fast_path_agrees_with_the_full_parser(text, monkeypatch):
    def outcome():
        try:
            return normalise_domain(text)
        except ValueError:
            return ValueError

    fast = outcome()
    monkeypatch.setattr(domains, "_SIMPLE", domains.re.compile(r"(?!)"))  # never matches
    assert outcome() == fast
