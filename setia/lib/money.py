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
