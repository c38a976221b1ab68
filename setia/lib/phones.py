"""Indonesian phone numbers: normalise anything a person or a spreadsheet writes to E.164.

Facts (docs/indonesia.md): `0812-3456-7890`, `+62 812 3456 7890` and `6281234567890` are one
number; `8123456789` is a mobile number whose leading 0 Excel dropped; `62812345678` (11 digits,
no plus) is a Kabanjahe landline to phonenumbers, so a number that "looked mobile" but parsed as a
landline is refused for review instead of stored wrongly.
"""

import functools
import re
from dataclasses import dataclass
from urllib.parse import quote

import phonenumbers
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

REGION = "ID"
_EXTENSION = re.compile(r"\s*(ext\.?|x|#|pes\.?)\s*\d+\s*$", re.IGNORECASE)
_SCIENTIFIC = re.compile(r"^\s*[+-]?\d+([.,]\d+)?\s*[eE]\s*\+?\d+\s*$")


class PhoneError(ValueError):
    """A phone number that cannot be stored; `message` is translatable and user-facing."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Phone:
    e164: str
    is_mobile: bool
    repaired: bool  # a leading 0 lost by a spreadsheet was put back


def parse_phone(text: str) -> Phone:
    """Parse `text` as an Indonesian (or international, with +) number; raise PhoneError."""
    if quick := _quick_mobile(text):
        return quick
    raw = (text or "").strip()
    if not raw:
        raise PhoneError(_("Enter a phone number."))
    if raw.startswith("="):
        raise PhoneError(_("This looks like a spreadsheet formula, not a phone number."))
    if _SCIENTIFIC.match(raw):
        raise PhoneError(
            _(
                "The spreadsheet turned this number into scientific notation (%(value)s); format the column as text."
            )
            % {"value": raw}
        )
    raw = _EXTENSION.sub("", raw)
    digits = re.sub(r"\D", "", raw)
    if len(digits) < 8 or len(digits) > 15:
        raise PhoneError(
            _("%(value)s is not a phone number: it has %(count)s digits.")
            % {"value": text, "count": len(digits)}
        )
    repaired = False
    if raw.startswith("+"):
        number = _parse_or_none(raw)
    elif digits.startswith("62"):
        # `62…` without a plus is either +62… or a national number in the 062x area codes
        # (docs/indonesia.md: `62812345678` is a Kabanjahe landline). Take the reading that is valid;
        # when both are, a person must decide.
        international = _parse_or_none("+" + digits)
        national = _parse_or_none(digits)
        if international and national and international != national:
            raise PhoneError(
                _("%(value)s is ambiguous: write it with +62 or with a leading 0.")
                % {"value": text}
            )
        number = international or national
    elif digits.startswith("8"):
        # Excel drops the trunk 0 of `0812…` when the column is numeric.
        number = _parse_or_none("0" + digits)
        repaired = True
    else:
        number = _parse_or_none(digits)
    if number is None:
        raise PhoneError(_("%(value)s is not a valid phone number.") % {"value": text})
    number_type = phonenumbers.number_type(number)
    is_mobile = number_type in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(e164=e164, is_mobile=is_mobile, repaired=repaired)


# The common spellings of an Indonesian mobile number (`0812-3456-7890`, `+62 812 3456 7890`,
# `6281234567890`, `812…` without its trunk 0) are read with one regular expression taken from
# phonenumbers' own metadata for Indonesia: the full parse costs ~40 µs, and an import of
# 100,000 rows reads as many numbers. Anything else goes through the full parse below, which
# gives the same answer (a test compares both ways).
def _id_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(mobile, any valid number): the national number patterns of phonenumbers' metadata for
    Indonesia, which it ships with."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(REGION)
    mobile = metadata and metadata.mobile and metadata.mobile.national_number_pattern
    general = metadata and metadata.general_desc and metadata.general_desc.national_number_pattern
    if not (mobile and general):
        raise ImproperlyConfigured("phonenumbers has no patterns of Indonesian numbers")
    return re.compile(mobile), re.compile(general)


_ID_MOBILE, _ID_ANY = _id_patterns()
_PLAIN = re.compile(r"\+?[0-9][0-9 ().-]*")
_FORMATTING = re.compile(r"[ ().-]")


def _quick_mobile(text: str) -> Phone | None:
    """The Phone of a plainly written Indonesian mobile number, or None to parse in full."""
    raw = (text or "").strip()
    if not _PLAIN.fullmatch(raw):
        return None
    compact = _FORMATTING.sub("", raw)
    repaired = False
    if compact.startswith("+62"):
        national = compact[3:]
    elif compact[:1] == "0":
        national = compact[1:]
    elif compact[:1] == "8":
        national, repaired = compact, True  # the trunk 0 Excel dropped
    elif compact.startswith("62") and not _ID_ANY.fullmatch(compact):
        # `62…` is +62… only when it is not also a valid national number (the Kabanjahe trap,
        # left to the full parse, which reports it as ambiguous).
        national = compact[2:]
    else:
        return None
    if national.isdigit() and _ID_MOBILE.fullmatch(national):
        return Phone(e164="+62" + national, is_mobile=True, repaired=repaired)
    return None


def _parse_or_none(candidate: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(candidate, REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalise_phone(text: str) -> str:
    """Return the E.164 form of `text`; raise PhoneError with a user-facing reason."""
    return parse_phone(text).e164


# Parsing and formatting a number is ~0.1 ms, a column of a 50-row list; the same numbers are
# shown again and again (the list's first pages, the contacts of the customers at hand).
@functools.lru_cache(maxsize=8192)
def format_phone(e164: str) -> str:
    """Show a stored number as Indonesians write it: `0812-3456-7890`; foreign ones international."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, REGION)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 62:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def search_prefix(text: str) -> str | None:
    """Turn a typed number (any format, possibly partial) into an E.164 prefix for searching.

    Returns None when the text is not mostly digits, so names like "Toko 88" are not read as
    numbers.
    """
    stripped = text.strip()
    digits = re.sub(r"\D", "", stripped)
    if len(digits) < 4 or re.search(r"[^\d\s+\-().]", stripped):
        return None
    if stripped.startswith("+"):
        return "+" + digits
    if digits.startswith("62"):
        return "+" + digits
    if digits.startswith("0"):
        return "+62" + digits[1:]
    if digits.startswith("8"):
        return "+62" + digits
    return None


def whatsapp_link(e164: str, text: str = "") -> str:
    """Click-to-chat link built from a stored E.164 number, never from raw input."""
    if not e164.startswith("+"):
        raise ValueError("whatsapp_link needs a stored E.164 number")
    link = f"https://wa.me/{e164[1:]}"
    return f"{link}?text={quote(text)}" if text else link
