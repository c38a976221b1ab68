"""Limits on the free text people type (notes, meeting minutes, offers).

Long enough for any real note, short enough that pasting a whole document is refused with a
message instead of being stored and shown on every page that reads it. The limits are model
validators, not a `maxlength` on the box: a browser silently cuts a paste at `maxlength`,
where a refusal keeps the text in the box for the user to shorten.
"""

from django.core.validators import MaxLengthValidator

# A customer's notes, an interaction's notes: several pages of text.
LONG_TEXT = 10_000
# A task's notes, a meeting's decisions or action items.
MEDIUM_TEXT = 5_000
# What a customer asked for, what we offer, the reason of a decision.
SHORT_TEXT = 2_000


def at_most(limit: int) -> list[MaxLengthValidator]:
    """The validators of a free-text field of at most `limit` characters."""
    return [MaxLengthValidator(limit)]
