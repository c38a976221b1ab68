"""How complete a customer record is, computed in SQL for any queryset of customers.

Each check is a condition on the customer row or an EXISTS over its contacts, stores or
subscription; `with_completeness` annotates one 0/1 column per check and their sum (`filled`),
so a page can order 100k customers by completeness without loading them. Which checks count
is the setting QUALITY_COMPLETENESS_FIELDS.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value, When
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from setia.core.http import code_url_parts
from setia.customers.models import Contact, Store, Subscription
from setia.lib.dates import now


@dataclass(frozen=True)
class Check:
    label: Promise
    fix: str  # which page fixes it: "edit", "contacts", "store" or "subscription"

    def condition(self, key: str):
        return _CONDITIONS[key]()


def _primary_with_number():
    return Exists(
        Contact.objects.filter(customer=OuterRef("pk"), is_primary=True).exclude(
            phone="", whatsapp=""
        )
    )


_CONDITIONS = {
    "category": lambda: Q(category__isnull=False),
    "city": lambda: ~Q(city=""),
    "province": lambda: ~Q(province=""),
    "owner": lambda: Q(owner__isnull=False),
    "team": lambda: Q(team__isnull=False),
    "contact_phone": _primary_with_number,
    "email": lambda: Exists(Contact.objects.filter(customer=OuterRef("pk")).exclude(email="")),
    "store": lambda: Exists(Store.objects.filter(customer=OuterRef("pk"))),
    "subscription": lambda: Exists(Subscription.objects.filter(customer=OuterRef("pk"))),
}

CHECKS = {
    "category": Check(_("category"), "edit"),
    "city": Check(_("city"), "edit"),
    "province": Check(_("province"), "edit"),
    "owner": Check(_("account owner"), "edit"),
    "team": Check(_("team"), "edit"),
    "contact_phone": Check(_("primary contact with a phone or WhatsApp"), "contacts"),
    "email": Check(_("an email address"), "contacts"),
    "store": Check(_("a store"), "store"),
    "subscription": Check(_("a subscription"), "subscription"),
}


def active_checks() -> list[str]:
    """The keys of the checks that count, from the setting, in its order."""
    keys = list(settings.QUALITY_COMPLETENESS_FIELDS)
    unknown = [key for key in keys if key not in CHECKS]
    if unknown or not keys:
        raise ImproperlyConfigured(
            f"QUALITY_COMPLETENESS_FIELDS has unknown or no checks: {unknown}; "
            f"choose among {', '.join(CHECKS)}."
        )
    return keys


def stale_before():
    """Records not updated since this moment are stale (QUALITY_STALE_DAYS, default 90)."""
    return now() - timedelta(days=settings.QUALITY_STALE_DAYS)


def with_completeness(customers):
    """Annotate `has_<check>` (0/1) for each active check, `filled` (how many are met) and
    `is_stale` (0/1)."""
    keys = active_checks()
    annotations = {
        f"has_{key}": Case(
            When(CHECKS[key].condition(key), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        for key in keys
    }
    customers = customers.annotate(**annotations)
    total = F(f"has_{keys[0]}")
    for key in keys[1:]:
        total = total + F(f"has_{key}")
    return customers.annotate(
        filled=total,
        is_stale=Case(
            When(updated_at__lt=stale_before(), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )


def totals(customers) -> dict:
    """Count, average completeness (0-100), complete and stale records of `customers`, in one
    aggregate query."""
    count = len(active_checks())
    # Aggregate names must differ from the annotations they read ("filled", "is_stale").
    figures = with_completeness(customers).aggregate(
        number=Count("pk"),
        total_filled=Sum("filled"),
        number_complete=Count("pk", filter=Q(filled=count)),
        number_stale=Count("pk", filter=Q(is_stale=1)),
    )
    number = figures["number"] or 0
    return {
        "customers": number,
        "average_completeness": (
            100 * (figures["total_filled"] or 0) / (number * count) if number else 0.0
        ),
        "complete": figures["number_complete"] or 0,
        "stale": figures["number_stale"] or 0,
    }


def percent(filled: int) -> int:
    """A customer's completeness as a whole percentage."""
    return round(100 * filled / len(active_checks()))


def fix_url_parts() -> dict[str, tuple[str, str]]:
    """For each page that fixes a check, its URL as the text before and after a customer's
    code: a 50-row list joins them instead of reversing four URLs a row."""
    return {
        "edit": code_url_parts("customers:customer-edit"),
        "contacts": code_url_parts("customers:customer-detail"),
        "store": code_url_parts("customers:store-add"),
        "subscription": code_url_parts("customers:subscription-edit"),
    }


def missing(
    customer,
    *,
    keys: list[str] | None = None,
    urls: dict[str, tuple[str, str]] | None = None,
) -> list[tuple[str, str]]:
    """(what is missing, the page that fixes it) for a customer from `with_completeness`, or
    for the check `keys` given (a snapshot's, `CustomerCompleteness.missing_keys`). `urls`:
    `fix_url_parts()`, once for a whole list."""
    urls = urls or fix_url_parts()
    if keys is None:
        keys = [key for key in active_checks() if not getattr(customer, f"has_{key}")]
    result = []
    for key in keys:
        if key in CHECKS:
            fix = CHECKS[key].fix
            before, after = urls[fix]
            anchor = "#contacts" if fix == "contacts" else ""
            result.append((str(CHECKS[key].label), f"{before}{customer.code}{after}{anchor}"))
    return result
