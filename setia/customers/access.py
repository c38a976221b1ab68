"""Record-level access to customers, in one place for pages and exports."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from setia.core.http import AuthenticatedHttpRequest
from setia.customers.models import Customer


def get_customer_for_user(
    request: AuthenticatedHttpRequest,
    code,
    *,
    permission: str | None = None,
    deleted: bool = False,
    related: tuple[str, ...] = (),
    annotations: Mapping[str, Any] | None = None,
) -> Customer:
    """Return the customer with `code` if the user may see it, else raise Http404.

    A customer outside the user's scope is a 404, not a 403, so that its existence does not
    leak. With `permission` (e.g. "change_customer"), a visible customer the user may not act on
    is a 403. `related` joins more of the customer's one-to-one records into the same query
    (the 360 page's cards read them from the customer); `annotations` adds values computed in
    the same query (the API's representation reads its category and tier slugs so, as its
    list does).
    """
    user = request.user
    customers = Customer.objects.visible_to(user)
    customers = customers.deleted() if deleted else customers.alive()
    customers = customers.select_related(
        "category", "owner", "team", "subscription__plan", *related
    )
    if annotations:
        customers = customers.annotate(**annotations)
    customer = get_object_or_404(customers, code=code)
    if permission and not user.has_perm(f"customers.{permission}"):
        raise PermissionDenied
    return customer


def can_change(user) -> bool:
    """Whether `user` may edit the customers they can see (and their contacts and stores)."""
    return user.has_perm("customers.change_customer")
