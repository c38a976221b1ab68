import pytest

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
