"""Rupiah: stored as whole integers, shown as `Rp 1.234.567`, read from spreadsheet text."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def format_rupiah(amount: int | Decimal | float | None) -> str:
    """Return `Rp 1.234.567` (negative: `-Rp 1.234.567`); fractions round half up, not truncate."""
    if amount is None:
        return ""
    whole = int(Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    grouped = f"{abs(whole):,}".replace(",", ".")
    return f"-Rp {grouped}" if whole < 0 else f"Rp {grouped}"


_NON_AMOUNT = re.compile(r"[^\d.,\-]")


def parse_rupiah(text: str) -> int:
    """Read an amount as Indonesians write it and return whole rupiah.

    `Rp 1.234.567`, `1.234.567,00`, `1234567`, `35.663` (thirty-five thousand: a dot followed
    by exactly three digits groups thousands) and `1,234,567` are all understood. Raises
    ValueError with the original text on anything else.
    """
    cleaned = _NON_AMOUNT.sub("", text.strip().replace("Rp", "").replace("IDR", ""))
    negative = cleaned.startswith("-")
    cleaned = cleaned.lstrip("-")
    if not cleaned or not cleaned[0].isdigit():
        raise ValueError(f"not an amount: {text!r}")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", cleaned):
        number = cleaned.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        number = cleaned.replace(",", "")
    elif re.fullmatch(r"\d+([.,]\d{1,2})?", cleaned):
        number = cleaned.replace(",", ".")
    else:
        raise ValueError(f"not an amount: {text!r}")
    try:
        value = Decimal(number).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    return -int(value) if negative else int(value)


def net_price_hundredths(price, discount_percent, months=1):
    """What `months` months at the monthly `price` cost after a whole-percent discount, in
    hundredths of a rupiah, exactly.

    The same arithmetic works on integers and on query expressions (`F("monthly_price")`), so a
    model property and an aggregate over many rows share this one rule; round once, after any
    sum, with `rupiah_from_hundredths`.
    """
    return price * (100 - discount_percent) * months


def rupiah_from_hundredths(hundredths: int) -> int:
    """Whole rupiah from hundredths of a rupiah, rounded half up."""
    return (hundredths + 50) // 100


def net_price(price: int, discount_percent: int, months: int = 1) -> int:
    """The price of `months` months at the monthly `price` after a whole-percent discount, in
    whole rupiah rounded half up (Rp 349.000 at 15% is Rp 296.650 a month)."""
    return rupiah_from_hundredths(net_price_hundredths(price, discount_percent, months))
