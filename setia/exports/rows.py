"""The rows of a customers export: exactly the list's rows, in its order, in batches.

The importer recognises these column headers (English and Indonesian), so their wording and
order are part of the file format.
"""

from collections.abc import Iterator

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import pgettext

from setia.customers.forms import CustomerFilterForm
from setia.customers.models import Contact, Customer, Store

CHUNK_SIZE = 2000  # customers per database round trip: three queries per chunk

# Leading characters that make a spreadsheet read a cell as a formula (or, for tab and
# carriage return, hide one): such cells get a `'` prefix; the importer strips it again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def headers() -> list[str]:
    """The column headers in the active language."""
    return [
        pgettext("export column", "Code"),
        pgettext("export column", "Name"),
        pgettext("export column", "Category"),
        pgettext("export column", "Status"),
        pgettext("export column", "City"),
        pgettext("export column", "Province"),
        pgettext("export column", "Account owner"),
        pgettext("export column", "Team"),
        pgettext("export column", "Primary contact"),
        pgettext("export column", "Position"),
        pgettext("export column", "Phone"),
        pgettext("export column", "WhatsApp"),
        pgettext("export column", "Email"),
        pgettext("export column", "Store URL"),
        pgettext("export column", "Plan"),
        pgettext("export column", "Monthly price"),
        pgettext("export column", "Renewal date"),
        pgettext("export column", "Joined"),
    ]


def neutralise(value):
    """Text a spreadsheet would run as a formula gets a `'` prefix; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def customers_for(user, query) -> "Customer.objects":
    """The customers list's queryset for `user` and its query string: same filters, same order."""
    filters = CustomerFilterForm(query or None)
    return filters.filter(Customer.objects.visible_to(user).alive())


def rows(customers, *, chunk_size: int = CHUNK_SIZE) -> Iterator[list]:
    """One list per customer, cells already neutralised.

    Customers are read with a server-side cursor where the database has one; each chunk's
    primary contacts, first stores and subscriptions come from two batched queries (the
    subscription rides along in the customer query), never one per row.
    """
    customers = customers.select_related(
        "category", "owner", "team", "subscription"
    ).prefetch_related(
        Prefetch(
            "contacts", queryset=Contact.objects.filter(is_primary=True), to_attr="primary_contacts"
        ),
        Prefetch(
            "stores", queryset=Store.objects.order_by("customer_id", "id"), to_attr="ordered_stores"
        ),
    )
    for customer in customers.iterator(chunk_size=chunk_size):
        contact = customer.primary_contacts[0] if customer.primary_contacts else None
        store = customer.ordered_stores[0] if customer.ordered_stores else None
        subscription = getattr(customer, "subscription", None)
        yield [
            neutralise(value)
            for value in (
                str(customer.code),
                customer.name,
                customer.category.name,
                customer.status,
                customer.city,
                customer.province,
                customer.owner.email if customer.owner else "",
                customer.team.name if customer.team else "",
                contact.name if contact else "",
                contact.position if contact else "",
                contact.phone if contact else "",
                contact.whatsapp if contact else "",
                contact.email if contact else "",
                store.url if store else "",
                subscription.plan if subscription else "",
                subscription.monthly_price if subscription else "",
                subscription.renews_on.isoformat() if subscription else "",
                # Joined: when the subscription started, else when the record was created.
                (
                    subscription.started_on
                    if subscription
                    else timezone.localdate(customer.created_at)
                ).isoformat(),
            )
        ]
