import uuid
from io import StringIO

from django.core.management import call_command

from setia.customers.demo import NAMESPACE
from setia.customers.models import Customer
from setia.quality.models import DuplicateCandidate, QualitySnapshot


def _load(customers: int = 12) -> str:
    out = StringIO()
    call_command("load_demo", customers=customers, seed=3, verbosity=0, stdout=out)
    return out.getvalue()


def _customer(index: int) -> Customer:
    return Customer.objects.get(code=uuid.uuid5(NAMESPACE, f"3:{index}:customer"))


def _reasons(first: Customer, second: Customer) -> set[str]:
    return set(
        DuplicateCandidate.objects.filter(customer_a=first, customer_b=second).values_list(
            "reason", flat=True
        )
    )


def test_it_plants_near_duplicates_flags_them_and_records_a_snapshot(db):
    first = _load()
    names = sorted(Customer.objects.values_list("name", flat=True))
    second = _load()

    assert Customer.objects.count() == 12
    assert _customer(2).name == f"{_customer(0).name} (Official)"
    assert _reasons(_customer(0), _customer(2)) == {"name"}
    assert _reasons(_customer(4), _customer(6)) == {"phone"}
    assert _reasons(_customer(8), _customer(10)) == {"domain"}
    assert {c.source for c in DuplicateCandidate.objects.all()} == {"demo"}
    created = DuplicateCandidate.objects.count()
    assert f"quality planted=3 candidates created={created} " in first
    assert "quality planted=0 candidates created=0 " in second
    assert sorted(Customer.objects.values_list("name", flat=True)) == names
    assert QualitySnapshot.objects.filter(team__isnull=True).count() == 1


def test_it_plants_only_the_pairs_that_were_loaded(db):
    output = _load(customers=5)

    assert "quality planted=1 " in output
