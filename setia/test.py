"""Personas and factories shared by every app's tests.

Personas (see conftest.py fixtures): an admin and a manager (no team), an executive, an
intern and a viewer of team A, and an executive of team B who must not see team A's customers.
"""

import datetime
import itertools
import uuid

from django.contrib.auth.models import Group
from django.utils import timezone

from setia.accounts.models import Role, Team, User
from setia.customers.models import Category, Contact, Customer, Store, Subscription
from setia.metrics.models import CustomerRollup
from setia.quality.actions import record_snapshot
from setia.quality.models import DuplicateCandidate
from setia.tiers.actions import assign_tiers
from setia.work.automation.models import Playbook, PlaybookRun
from setia.work.schedule.models import Task

_sequence = itertools.count(1)


# Every user `make_user` makes logs in with it (the browser tests type it).
TEST_PASSWORD = "password-for-tests"


def make_team(name: str | None = None) -> Team:
    return Team.objects.create(name=name or f"Team {next(_sequence)}")


def make_user(role: str, *, team: Team | None = None, email: str | None = None, **fields) -> User:
    number = next(_sequence)
    user = User.objects.create_user(
        email or f"{role}{number}@example.test",
        TEST_PASSWORD,
        full_name=fields.pop("full_name", f"{role.title()} {number}"),
        team=team,
        **fields,
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def make_category(name: str | None = None) -> Category:
    number = next(_sequence)
    name = name or f"Category {number}"
    return Category.objects.create(name=name, slug=f"category-{number}")


def make_customer(*, team: Team | None = None, owner: User | None = None, **fields) -> Customer:
    fields.setdefault("name", f"Toko Contoh {next(_sequence)}")
    fields.setdefault("category", Category.objects.first() or make_category())
    fields.setdefault("city", "Bandung")
    fields.setdefault("province", "Jawa Barat")
    return Customer.objects.create(team=team, owner=owner, **fields)


def make_contact(customer: Customer, **fields) -> Contact:
    number = next(_sequence)
    fields.setdefault("name", f"Kontak {number}")
    fields.setdefault("phone", f"+62812{number:08d}")
    fields.setdefault("whatsapp", fields["phone"])
    fields.setdefault("email", f"kontak{number}@example.test")
    return Contact.objects.create(customer=customer, **fields)


def make_store(customer: Customer, **fields) -> Store:
    number = next(_sequence)
    fields.setdefault("domain", f"toko{number}.example.id")
    fields.setdefault("url", f"https://{fields['domain']}")
    return Store.objects.create(customer=customer, **fields)


def make_customers(
    count: int, *, team: Team | None = None, owner: User | None = None, **fields
) -> list[Customer]:
    """`count` customers in a few INSERTs, each with a primary and a second contact, two stores
    and a subscription: for tests that need a thousand customers quickly."""
    category = fields.pop("category", None) or Category.objects.first() or make_category()
    numbers = [next(_sequence) for _index in range(count)]
    customers = Customer.objects.bulk_create(
        Customer(
            name=f"Toko Contoh {number}",
            category=category,
            city="Bandung",
            province="Jawa Barat",
            team=team,
            owner=owner,
            **fields,
        )
        for number in numbers
    )
    Contact.objects.bulk_create(
        Contact(
            customer=customer,
            name=f"Kontak {number}-{second}",
            phone=f"+6281{second + 2}{number:08d}",
            whatsapp=f"+6281{second + 2}{number:08d}",
            email=f"kontak{number}-{second}@example.test",
            is_primary=not second,
        )
        for customer, number in zip(customers, numbers, strict=True)
        for second in (0, 1)
    )
    Store.objects.bulk_create(
        Store(customer=customer, domain=f"toko{number}-{second}.example.id",
              url=f"https://toko{number}-{second}.example.id")
        for customer, number in zip(customers, numbers, strict=True)
        for second in (0, 1)
    )  # fmt: skip
    Subscription.objects.bulk_create(
        Subscription(
            customer=customer,
            plan_id="growth",
            started_on=datetime.date(2026, 1, 15),
            renews_on=datetime.date(2027, 1, 15),
            monthly_price=349_000,
        )
        for customer in customers
    )
    return customers


def make_workload(customers: list[Customer], *, owner: User, today: datetime.date) -> None:
    """Everything the busiest pages list, for `customers`, in a few bulk INSERTs: a 90-day GMV
    rollup each (spread over the tiers, then the tier run), an open task for `owner` each (due
    from a day ago to three days ahead), an open playbook run each (call today) and a
    duplicate candidate for every other one; then the nightly data-quality snapshot. For the
    tests that check a page stays the same size however many customers there are."""
    moment = timezone.now()
    CustomerRollup.objects.bulk_create(
        CustomerRollup(
            customer=customer,
            gmv_90d=(index % 40) * 50_000_000,
            as_of=today,
            computed_at=moment,
        )
        for index, customer in enumerate(customers)
    )
    assign_tiers(today=today)
    start = moment - datetime.timedelta(days=1)
    Task.objects.bulk_create(
        Task(
            owner=owner,
            team=owner.team,
            customer=customer,
            title="Telepon follow-up",
            due_at=start + datetime.timedelta(hours=(index * 7) % (4 * 24)),
        )
        for index, customer in enumerate(customers)
    )
    playbook = Playbook.objects.order_by("id").first()
    PlaybookRun.objects.bulk_create(
        PlaybookRun(
            customer=customer,
            playbook=playbook,
            kind="gmv_drop",
            reason="GMV -40%",
            value=1_000_000 + index,
            revenue_at_risk=1_000_000 + index,
            batch=uuid.uuid4(),
            started_at=moment,
        )
        for index, customer in enumerate(customers)
    )
    DuplicateCandidate.objects.bulk_create(
        DuplicateCandidate(
            customer_a=first,
            customer_b=second,
            score=80,
            reason=DuplicateCandidate.Reason.NAME,
        )
        for first, second in zip(customers[::2], customers[1::2], strict=False)
    )
    record_snapshot(day=today)


def make_subscription(customer: Customer, **fields) -> Subscription:
    """A subscription of `customer`; `plan` is a plan's code (or a Plan)."""
    fields.setdefault("plan", "growth")
    if isinstance(fields["plan"], str):
        fields["plan_id"] = fields.pop("plan")
    fields.setdefault("started_on", datetime.date(2026, 1, 15))
    fields.setdefault("renews_on", datetime.date(2027, 1, 15))
    fields.setdefault("monthly_price", 349_000)
    return Subscription.objects.create(customer=customer, **fields)


__all__ = [
    "Role",
    "make_category",
    "make_contact",
    "make_customer",
    "make_customers",
    "make_store",
    "make_subscription",
    "make_team",
    "make_user",
    "make_workload",
]
