"""The rows of a customers export: exactly the list's rows, in its order, in batches.

The importer recognises these column headers (English and Indonesian), so their wording and
order are part of the file format.
"""

from collections.abc import Iterator
from itertools import islice

from django.utils import timezone
from django.utils.translation import pgettext

from setia.customers.models import Contact, Customer, CustomerQuerySet, Store
from setia.lib.spreadsheets import neutralise
from setia.segments.models import Segment

CHUNK_SIZE = 2000  # customers per database round trip: three queries per chunk


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


def customers_for(user, query) -> CustomerQuerySet:
    """The customers list's queryset for `user` and its query string: same filters, same order.
    A search the list refuses raises its ValidationError (`CustomerQuerySet.listed`)."""
    segment_query = Segment.objects.usable_by(user).saved_query(query.get("segment", ""))
    return Customer.objects.visible_to(user).alive().listed(query, segment_query=segment_query)


# The customer's own cells, read as tuples: building model instances cost more than the query.
_CUSTOMER_FIELDS = [
    "pk",
    "code",
    "name",
    "category__name",
    "status",
    "city",
    "province",
    "owner__email",
    "team__name",
    "subscription__plan",
    "subscription__monthly_price",
    "subscription__renews_on",
    "subscription__started_on",
    "created_at",
]


def rows(customers, *, chunk_size: int = CHUNK_SIZE) -> Iterator[list]:
    """One list per customer, in the queryset's order, cells already neutralised.

    Customers are read with a server-side cursor where the database has one, `chunk_size` at a
    time; each chunk's primary contacts and first stores come from two batched queries (the
    subscription rides along in the customer query), never one query per row.
    """
    cursor = customers.values_list(*_CUSTOMER_FIELDS).iterator(chunk_size=chunk_size)
    while chunk := list(islice(cursor, chunk_size)):
        ids = [row[0] for row in chunk]
        contacts = {
            customer_id: rest
            for customer_id, *rest in Contact.objects.filter(
                customer_id__in=ids, is_primary=True
            ).values_list("customer_id", "name", "position", "phone", "whatsapp", "email")
        }
        stores: dict[int, str] = {}
        for customer_id, url in (
            Store.objects.filter(customer_id__in=ids)
            .order_by("customer_id", "id")
            .values_list("customer_id", "url")
        ):
            stores.setdefault(customer_id, url)  # the first store added
        for (
            pk,
            code,
            name,
            category,
            status,
            city,
            province,
            owner_email,
            team,
            plan,
            price,
            renews_on,
            started_on,
            created_at,
        ) in chunk:
            contact = contacts.get(pk) or ["", "", "", "", ""]
            yield [
                neutralise(value)
                for value in (
                    str(code),
                    name,
                    category,
                    status,
                    city,
                    province,
                    owner_email or "",
                    team or "",
                    *contact,
                    stores.get(pk, ""),
                    plan or "",
                    price if price is not None else "",
                    renews_on.isoformat() if renews_on else "",
                    # Joined: when the subscription started, else when the record was created.
                    (started_on or timezone.localdate(created_at)).isoformat(),
                )
            ]
