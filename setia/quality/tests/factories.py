"""Factories for the quality app's tests."""

from setia.quality.models import DuplicateCandidate


def make_candidate(first, second, **fields) -> DuplicateCandidate:
    """A duplicate candidate for two customers, in the stored order (lower id first)."""
    first, second = sorted([first, second], key=lambda customer: customer.pk)
    fields.setdefault("reason", DuplicateCandidate.Reason.NAME)
    fields.setdefault("score", 95)
    return DuplicateCandidate.objects.create(customer_a=first, customer_b=second, **fields)
