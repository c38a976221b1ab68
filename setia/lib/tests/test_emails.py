import pytest
from django.core.validators import validate_email

from setia.lib import emails
from setia.lib.emails import normalise_email


@pytest.mark.parametrize(
    "text, expected",
    [
        ("  Halo@Toko.CO.ID ", "halo@toko.co.id"),
        ("mailto:cs@toko.id", "cs@toko.id"),
        ("first.last+tag@mail.toko-ku.id", "first.last+tag@mail.toko-ku.id"),
    ],
)
def test_it_normalises_addresses(text, expected):
    assert normalise_email(text) == expected


@pytest.mark.parametrize(
    "text", ["", "toko@gmail", "a..b@toko.id", ".a@toko.id", "a@-toko.id", "a b@toko.id", "@x.id"]
)
def test_it_refuses_what_is_not_an_address(text):
    with pytest.raises(ValueError):
        normalise_email(text)


def test_it_refuses_an_address_longer_than_the_field():
    with pytest.raises(ValueError):
        normalise_email("a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".id")


SPELLINGS = [
    "halo@toko.id", "a.b@c.d.id", "a..b@toko.id", ".a@toko.id", "a.@toko.id", "a@toko..id",
    "a@-toko.id", "a@toko-.id", "a@toko.i", "a@toko.123", "a@toko.id-", "a_b@toko.id",
    "a+b@toko.id", "a-b@to-ko.id", "a'b@toko.id", "a@[127.0.0.1]", "a@localhost", "a@toko",
    "a@" + "b" * 64 + ".id", "a@" + "b" * 63 + ".id", "ü@toko.id", "a@tökö.id", "a@toko.id.",
    "a b@toko.id", "a@toko.id\n", "\"a b\"@toko.id", "a@xn--tk-fka.id", "a@1.id",
]  # fmt: skip


@pytest.mark.parametrize("text", SPELLINGS)
def test_the_plain_path_agrees_with_djangos_validator(text, monkeypatch):
    def outcome():
        try:
            return normalise_email(text)
        except ValueError:
            return ValueError

    plain = outcome()
    monkeypatch.setattr(emails, "_PLAIN", emails.re.compile(r"(?!)"))  # never matches
    assert outcome() == plain
    if plain is not ValueError:
        validate_email(plain)  # raises ValidationError otherwise
