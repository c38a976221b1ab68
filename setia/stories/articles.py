"""The draft article assembled from a story's answers, in Indonesian and English: a heading,
a lead naming the merchant, then each answered question with its answer, in the
questionnaire's order. A starting point that the writer edits, not the finished text."""

from django.utils import translation
from django.utils.translation import gettext as _

LANGUAGES = ("id", "en")


def default_title(customer) -> str:
    """The story's title when none was given, in the active language."""
    return _("How %(merchant)s grew with its online store") % {"merchant": customer.name}


def assemble(customer, answers, language: str) -> str:
    """The article in `language` from `answers` (Answer rows with their questions, in order);
    empty answers are left out."""
    with translation.override(language):
        parts = [default_title(customer)]
        values = {"merchant": customer.name, "category": customer.category.display_name}
        if customer.city:
            lead = _(
                "%(merchant)s is a %(category)s merchant from %(city)s. We asked them how they "
                "built their business online."
            ) % {**values, "city": customer.city}
        else:
            lead = (
                _(
                    "%(merchant)s is a %(category)s merchant. We asked them how they built their "
                    "business online."
                )
                % values
            )
        parts.append(lead)
        for answer in answers:
            if answer.text.strip():
                parts.append(f"{answer.question.text(language)}\n{answer.text.strip()}")
    return "\n\n".join(parts)
