"""E-mail addresses: one normalised form (trimmed, lower-case, without `mailto:`), checked by
Django's own validator."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

MAX_LENGTH = 254  # the model field's length: an address is one line of an SMTP command

# Addresses of the everyday form `name.part@host.example.id`, which Django's validator accepts
# whatever it checks (it costs ~10 µs, and an import reads 100,000 addresses): a dot-atom local
# part and host labels of letters, digits and inner hyphens. Anything else goes to the validator
# (a test compares both ways).
_PLAIN = re.compile(
    r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}"
)


def normalise_email(text: str) -> str:
    """Return `text` as stored: trimmed, lower-case, without a `mailto:` prefix.

    Raises ValueError when it is not an e-mail address (or is longer than 254 characters).
    """
    value = (text or "").strip().lower()
    if value.startswith("mailto:"):
        value = value[len("mailto:") :]
    if len(value) > MAX_LENGTH:
        raise ValueError("too long")
    if not _PLAIN.fullmatch(value):
        try:
            validate_email(value)
        except ValidationError:
            raise ValueError(f"not an e-mail address: {text!r}") from None
    return value
