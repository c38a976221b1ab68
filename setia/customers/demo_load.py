"""Write the demo data: people first, then customers in batches with set-based inserts."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import Group
from django.db.models import F

from setia.accounts.models import Role, Team, User
from setia.customers.demo import generate_customer
from setia.customers.models import (
    Category,
    Contact,
    Customer,
    CustomerQuerySet,
    Store,
    Subscription,
)
from setia.history.actions import new_change, record_changes
from setia.history.models import AuditEntry
from setia.lib.copy import insert_rows

DEMO_PASSWORD = "setia-demo"
# The audit source of the demo customers' creation: how `demo_customers` knows them.
DEMO_SOURCE = "demo"
BATCH = 1000  # customers per INSERT round; keeps memory flat at 100k customers

TEAMS = ["Tim Barat", "Tim Timur"]
# (email, full name, role, team index or None, leads the team)
PEOPLE = [
    ("admin@setia.test", "Adi Nugroho", Role.ADMIN, None, False),
    ("manager@setia.test", "Maya Kusuma", Role.MANAGER, None, False),
    ("executive@setia.test", "Rina Wulandari", Role.EXECUTIVE, 0, True),
    ("executive2@setia.test", "Dimas Pratama", Role.EXECUTIVE, 0, False),
    ("intern@setia.test", "Intan Permata", Role.INTERN, 0, False),
    ("viewer@setia.test", "Vina Halim", Role.VIEWER, 0, False),
    ("executive.timur@setia.test", "Bayu Saputra", Role.EXECUTIVE, 1, True),
    ("executive2.timur@setia.test", "Sari Lestari", Role.EXECUTIVE, 1, False),
    ("intern.timur@setia.test", "Yoga Siregar", Role.INTERN, 1, False),
]


def demo_customers() -> CustomerQuerySet:
    """The customers the demo created: those whose creation entry in the audit table came from
    the demo. Every app's demo writes only on these, never on customers from a page, an
    import or the API, so that loading the demo into a real database changes nothing of it."""
    created = AuditEntry.objects.filter(
        source=DEMO_SOURCE,
        action=AuditEntry.Action.CREATE,
        object_type=Customer._meta.label_lower,
        object_id=F("customer_id"),
    ).values("customer_id")
    return Customer.objects.filter(pk__in=created)


def only_demo_customers() -> bool:
    """True when every customer in the database is one the demo created (or there are none):
    then the demo may run the jobs that work over all customers (tiers, duplicate scans)."""
    return not Customer.objects.exclude(pk__in=demo_customers()).exists()


@dataclass
class DemoPeople:
    users: list[User]
    teams: list[Team]
    owners_by_team: list[list[User]]


def load_demo_people() -> DemoPeople:
    """Create the demo teams and users if missing; existing ones are left as they are."""
    teams = [Team.objects.get_or_create(name=name)[0] for name in TEAMS]
    users = []
    for email, full_name, role, team_index, leads in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email,
                DEMO_PASSWORD,
                full_name=full_name,
                team=teams[team_index] if team_index is not None else None,
                is_staff=role == Role.ADMIN,
                is_superuser=role == Role.ADMIN,
            )
            user.groups.add(Group.objects.get(name=role))
            if leads and team_index is not None:
                Team.objects.filter(pk=teams[team_index].pk, lead__isnull=True).update(lead=user)
        users.append(user)
    owners_by_team = [
        [
            user
            for (email, _n, role, index, _l), user in zip(PEOPLE, users, strict=True)
            if index == team_index and role == Role.EXECUTIVE
        ]
        + [users[1]]  # the manager owns some customers of each team too
        for team_index in range(len(TEAMS))
    ]
    return DemoPeople(users=users, teams=teams, owners_by_team=owners_by_team)


def load_demo_customers(
    *,
    count: int,
    seed: int,
    people: DemoPeople,
    reference: date,
    on_progress: Callable[[int], None],
) -> int:
    """Insert the first `count` demo customers for `seed` that are not there yet; return how many."""
    categories = {category.slug: category for category in Category.objects.all()}
    taken_domains: set[str] = set()
    created = 0
    for start in range(0, count, BATCH):
        batch = [
            generate_customer(seed, index, reference=reference)
            for index in range(start, min(start + BATCH, count))
        ]
        for demo in batch:
            for store in demo.stores:
                # Two brands can slug to one domain; the later one gets the first free numbered
                # variant. Generation order is fixed, so a re-run picks the same variants.
                original, number = store.domain, 1
                while store.domain in taken_domains:
                    store.domain = (
                        original.replace("/", f"/n{number}-", 1)
                        if "/" in original
                        else f"n{number}-{original}"
                    )
                    number += 1
                store.url = f"https://{store.domain}"
                taken_domains.add(store.domain)
        existing = set(
            Customer.objects.filter(code__in=[demo.code for demo in batch]).values_list(
                "code", flat=True
            )
        )
        fresh = [demo for demo in batch if demo.code not in existing]
        if fresh:
            _insert(fresh, categories, people)
            created += len(fresh)
        on_progress(min(start + BATCH, count))
    return created


def _insert(batch, categories, people: DemoPeople) -> None:
    """Write one batch of new demo customers with their contacts, stores and subscription,
    each table in one statement (`insert_rows`: nothing reads the ids of the rows back but the
    customers', found by their codes)."""
    customers = [
        Customer(
            code=demo.code,
            name=demo.name,
            category=categories[demo.category_slug],
            city=demo.city,
            province=demo.province,
            status=demo.status,
            team=people.teams[demo.team_index],
            owner=people.owners_by_team[demo.team_index][
                demo.owner_index % len(people.owners_by_team[demo.team_index])
            ],
            notes=demo.notes,
        )
        for demo in batch
    ]
    insert_rows(Customer, customers)
    ids = dict(
        Customer.objects.filter(code__in=[demo.code for demo in batch]).values_list("code", "pk")
    )
    for customer in customers:
        customer.pk = ids[customer.code]
    by_code = {customer.code: customer for customer in customers}
    insert_rows(
        Contact,
        [
            Contact(customer=by_code[demo.code], **vars(contact))
            for demo in batch
            for contact in demo.contacts
        ],
    )
    taken = set(
        Store.objects.filter(
            domain__in=[s.domain for demo in batch for s in demo.stores]
        ).values_list("domain", flat=True)
    )
    insert_rows(
        Store,
        [
            Store(customer=by_code[demo.code], **vars(store))
            for demo in batch
            for store in demo.stores
            if store.domain not in taken
        ],
    )
    insert_rows(
        Subscription,
        [
            Subscription(
                customer=by_code[demo.code],
                plan_id=demo.plan,
                started_on=demo.started_on,
                renews_on=demo.renews_on,
                monthly_price=demo.monthly_price,
                discount_percent=demo.discount_percent,
                ended_on=demo.ended_on,
            )
            for demo in batch
        ],
    )
    # Their creation is in their history and on their timeline, as a customer created on a
    # page would be.
    entries = (
        new_change(
            customer=customer,
            actor=None,
            action=AuditEntry.Action.CREATE,
            instance=customer,
            source=DEMO_SOURCE,
        )
        for customer in customers
    )
    record_changes([entry for entry in entries if entry is not None])
