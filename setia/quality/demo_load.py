"""Demo data for data quality: a few planted near-duplicates, the candidates, today's figures."""

import uuid
from datetime import date

from django.db import transaction

from setia.customers.demo import NAMESPACE
from setia.customers.demo_load import DemoPeople, only_demo_customers
from setia.customers.models import Contact, Customer
from setia.quality.actions import flag_duplicates, record_snapshot
from setia.quality.models import DuplicateCandidate

# Pairs of demo customers (generator indexes, both in team "Tim Barat") of which the second
# is made a near-duplicate of the first: the same name with a suffix in the same city, the same
# mobile number, an e-mail at the first's store domain. Fixed indexes keep it deterministic and idempotent
# whatever --customers says; pairs beyond the loaded count are skipped.
PAIRS = [(0, 2, "name"), (4, 6, "phone"), (8, 10, "domain")]


def load(*, seed: int, people: DemoPeople, reference: date, progress) -> str:
    """Turn a few demo customers into near-duplicates of others (once), flag candidates among
    all customers and record today's data-quality snapshot. Idempotent: a second run creates
    nothing new and changes no customer. Next to customers the demo did not create there is no
    scan: it would pair them with demo customers."""
    with transaction.atomic():
        planted = _plant(seed)
        task = progress.add_task("Duplicate candidates", total=1)
        created = flag_duplicates(source="demo") if only_demo_customers() else 0
        progress.update(task, completed=1)
        # The customers' completeness rows only for a database of demo customers: the demo
        # writes nothing on customers it did not create (the nightly snapshot will).
        snapshots = record_snapshot(day=reference, per_customer=only_demo_customers())
    open_count = DuplicateCandidate.objects.open().count()
    overall = next(s for s in snapshots if s.team_id is None)
    return (
        f"quality planted={planted} candidates created={created} open={open_count} "
        f"completeness={overall.average_completeness:.1f}%"
    )


def _plant(seed: int) -> int:
    """Make the second customer of each pair a near-duplicate of the first; return how many
    customers were changed (0 when already done)."""
    codes = {
        index: uuid.uuid5(NAMESPACE, f"{seed}:{index}:customer")
        for pair in PAIRS
        for index in pair[:2]
    }
    customers = {
        customer.code: customer
        for customer in Customer.objects.filter(code__in=codes.values()).prefetch_related(
            "contacts", "stores"
        )
    }
    changed = 0
    for first_index, second_index, how in PAIRS:
        first = customers.get(codes[first_index])
        second = customers.get(codes[second_index])
        if first is None or second is None:
            continue
        primary = next((c for c in second.contacts.all() if c.is_primary), None)
        if how == "name":
            # The same shop entered twice: its name with a suffix, in its own city (a similar
            # name in another city is another business, and is not flagged).
            planted = {"name": f"{first.name} (Official)", "city": first.city}
            planted["province"] = first.province
            if any(getattr(second, key) != value for key, value in planted.items()):
                Customer.objects.filter(pk=second.pk).update(**planted)
                changed += 1
        elif how == "phone" and primary is not None:
            source = next((c for c in first.contacts.all() if c.is_primary), None)
            if source is not None and primary.phone != source.phone:
                # Entered twice from one WhatsApp chat: the same number for calls and chats.
                Contact.objects.filter(pk=primary.pk).update(
                    phone=source.phone, whatsapp=source.phone
                )
                changed += 1
        elif how == "domain" and primary is not None:
            domain = next((s.domain for s in first.stores.all() if "/" not in s.domain), None)
            email = f"sales@{domain}"
            if domain and primary.email != email:
                Contact.objects.filter(pk=primary.pk).update(email=email)
                changed += 1
    return changed
