"""Message templates with `{variable}` placeholders, rendered strictly.

A template names variables such as `{customer}` or `{promo}`; rendering with a value missing
raises MissingVariables listing every missing name, instead of sending "Halo , …" to a merchant.
Only plain names from VARIABLES are allowed: no attribute access, indexing or format specs, so a
template cannot reach into Python objects. Literal braces are written `{{` and `}}`.
"""

import string

from django.db.models import F
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

from setia.customers.models import Customer

# Variable name → what it holds (shown to template authors).
VARIABLES = {
    "customer": _("the business name"),
    "contact": _("the contact's name (the primary contact unless another is chosen)"),
    "store": _("the main store's domain"),
    "city": _("the customer's city"),
    "owner": _("the account owner's name"),
    "tier": _("the customer's tier"),
    "plan": _("the subscription plan"),
    "renews_on": _("the renewal date"),
    "promo": _("the current promo, typed when sending"),
}


# The customer's current tier's names (English, Indonesian), read through the relations the
# tiers app declares on the customer (its tier assignment, that assignment's tier), so this
# app needs no import of it.
TIER_NAME = "tier_assignment__tier__name"
TIER_NAME_ID = "tier_assignment__tier__name_id"


class TemplateError(ValueError):
    """A template that cannot be rendered; `message` is translatable and user-facing."""

    def __init__(self, message, names=()):
        super().__init__(str(message))
        self.message = message
        self.names = list(names)


class UnknownVariables(TemplateError):
    pass


class MissingVariables(TemplateError):
    pass


def variables_in(text: str) -> list[str]:
    """The variable names `text` uses, in order of first use.

    Raises TemplateError on a malformed template (a lone brace) and UnknownVariables on a name
    that is not in VARIABLES or that uses attribute access, indexing, conversion or a format spec.
    """
    names: list[str] = []
    unknown: list[str] = []
    try:
        parsed = list(string.Formatter().parse(text or ""))
    except ValueError:
        raise TemplateError(
            _(
                "A brace is not closed. Write variables as {customer}, and a literal brace as {{ or }}."
            )
        ) from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in VARIABLES or spec or conversion:
            shown = (
                "{"
                + name
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
            if shown not in unknown:
                unknown.append(shown)
        elif name not in names:
            names.append(name)
    if unknown:
        raise UnknownVariables(
            _("Unknown variables: %(names)s. Use only: %(known)s.")
            % {
                "names": ", ".join(unknown),
                "known": ", ".join("{" + name + "}" for name in VARIABLES),
            },
            unknown,
        )
    return names


def render(text: str, values: dict[str, str]) -> str:
    """Fill `text`'s variables from `values`; raise MissingVariables naming every empty one."""
    names = variables_in(text)
    missing = [name for name in names if not str(values.get(name) or "").strip()]
    if missing:
        raise MissingVariables(
            _("No value for %(names)s for this customer.")
            % {"names": ", ".join("{" + name + "}" for name in missing)},
            missing,
        )
    return (text or "").format(**{name: str(values[name]).strip() for name in names})


def with_tier_name(customers):
    """`customers` with each one's current tier names as `tier_name` and `tier_name_id` (None
    without a tier), so that `customer_values` reads them without a query per customer."""
    return customers.annotate(tier_name=F(TIER_NAME), tier_name_id=F(TIER_NAME_ID))


def _tier_name(customer, language: str) -> str | None:
    """The customer's tier named in `language` (the English name when it has no Indonesian)."""
    if hasattr(customer, "tier_name"):
        english, indonesian = customer.tier_name, getattr(customer, "tier_name_id", "")
    else:
        english, indonesian = (
            Customer.objects.filter(pk=customer.pk).values_list(TIER_NAME, TIER_NAME_ID).first()
        ) or (None, None)
    return indonesian if language == "id" and indonesian else english


def customer_values(customer, *, contact=None, language: str = "id", extra=None) -> dict:
    """The variables' values for `customer`, formatted in `language`.

    Reads the customer's loaded relations (owner, subscription, contacts, stores) and its tier
    name from `with_tier_name`, else in one query; `extra` supplies values typed by the sender
    (`promo`) and overrides the others. A customer without a tier has no `{tier}` value, like
    any other missing value.
    """
    if contact is None:
        contact = next((c for c in customer.contacts.all() if c.is_primary), None)
    store = next(iter(customer.stores.all()), None)
    # A missing one-to-one raises RelatedObjectDoesNotExist, an AttributeError.
    subscription = getattr(customer, "subscription", None)
    tier = _tier_name(customer, language)
    with translation.override(language):
        values = {
            "customer": customer.name,
            "contact": contact.name if contact else "",
            "store": store.domain if store else "",
            "city": customer.city,
            "owner": customer.owner.full_name if customer.owner else "",
            "tier": tier or "",
            "plan": subscription.plan.display_name if subscription else "",
            "renews_on": formats.date_format(subscription.renews_on, "DATE_FORMAT")
            if subscription
            else "",
            "promo": "",
        }
    values.update({key: value for key, value in (extra or {}).items() if key in VARIABLES})
    return values
