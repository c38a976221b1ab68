"""Log records that can be traced to one request and that carry no customer's phone or address.

The request id lives in a context variable that `setia.core.middleware.RequestIdMiddleware` sets
for the length of a request (and that Celery jobs or commands may set themselves); the
`RequestIdFilter` copies it onto every record so the log format can print it. `MaskingFilter`
rewrites every record's message: search terms put phone numbers in URLs, and exceptions quote
the values that failed. Both filters are attached to every handler in `settings.LOGGING`.

This module is imported while logging is configured, before any app is loaded: it must import
nothing that needs the app registry.
"""

import logging
import re
from contextvars import ContextVar

# "-" outside a request (jobs, commands, start-up), so a log line always has the field.
NO_REQUEST = "-"
request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)

MASK = "***"
PHONE_MASK = "[phone]"

# `Bearer <token>`, and `name=value` / `name: value` for names that hold secrets.
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[^\s,;\"']+")
_SECRET_PAIR = re.compile(
    r"(?i)\b([a-z_]*(?:token|secret|password|passwd|api_?key|signature|sig|auth))"
    r"(\"?\s*[=:]\s*\"?)([^\s&,;\"']+)"
)
# A UUID (customer and batch codes) is an identifier to keep, not a secret.
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HEX_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F]{32,}(?![0-9A-Za-z])")
# URL-safe base64 (signed tokens, API keys): 32 or more characters mixing digits, lower- and
# upper-case letters; a run without all three is a word. The colons of Django's signed values
# (`value:timestamp:signature`) are part of the run; a slash is not, so a URL keeps its path.
_BASE64_RUN = re.compile(r"(?<![A-Za-z0-9+_:-])[A-Za-z0-9+_:-]{32,}={0,2}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")
# Indonesian numbers as people write them: +62 / 62 / 0 then groups split by spaces, dots,
# dashes or the `+` of a URL-encoded space; `(021) 555-1234`. At least 8 digits in all.
_PHONE = re.compile(r"(?<!\w)(?:(?:\+|%2B)?62|\(?0)(?:[\s.+)-]{0,2}\d{2,}){1,5}(?!\w)")
_DIGIT_RUN = re.compile(r"\d{8,}")


def _mask_base64(match: re.Match[str]) -> str:
    text = match.group(0)
    has_all_kinds = all(re.search(kind, text) for kind in (r"\d", "[a-z]", "[A-Z]"))
    return MASK if has_all_kinds else text


def _mask_phone(match: re.Match[str]) -> str:
    text = match.group(0)
    return PHONE_MASK if sum(char.isdigit() for char in text) >= 8 else text


def mask(text: str) -> str:
    """Return `text` with secrets, e-mail mailboxes and phone numbers replaced.

    Secrets (`Bearer …`, `token=…`, long hex or base64 runs) become `***`; an e-mail address
    keeps its domain (`***@example.com`), which says which customer's provider failed without
    naming the person; phone numbers and any run of 8 or more digits become `[phone]`. UUIDs
    (customer and batch codes) are identifiers, kept whole.
    """
    pieces = _UUID.split(text)
    codes = _UUID.findall(text)
    masked = [_mask_piece(piece) for piece in pieces]
    return "".join(
        piece + (codes[index] if index < len(codes) else "") for index, piece in enumerate(masked)
    )


def _mask_piece(text: str) -> str:
    text = _BEARER.sub(lambda match: f"{match.group(1)} {MASK}", text)
    text = _SECRET_PAIR.sub(lambda match: f"{match.group(1)}{match.group(2)}{MASK}", text)
    text = _EMAIL.sub(lambda match: f"{MASK}@{match.group(1)}", text)
    text = _HEX_RUN.sub(MASK, text)
    text = _BASE64_RUN.sub(_mask_base64, text)
    text = _PHONE.sub(_mask_phone, text)
    return _DIGIT_RUN.sub(PHONE_MASK, text)


class MaskingFilter(logging.Filter):
    """Masks the message, its arguments and the traceback of every record (see `mask`).

    The message is formatted here and stored without arguments: masking an argument on its own
    would break a `%d` placeholder, and a phone split across message and argument would escape.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a broken format string: keep what there is
            message = f"{record.msg} {record.args}"
        record.msg = mask(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record as `request_id` (`-` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True
