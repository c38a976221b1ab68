"""A card of a page that several apps contribute to (the customer 360 page)."""

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TypeVar

from django.http import HttpRequest

T = TypeVar("T")


@dataclass(frozen=True)
class Card:
    """A card: the template that draws it and the context it needs.

    The card function that builds it runs the queries, in plain Python; the template only
    renders. `{% render_card card %}` draws it on top of the page's own context (the customer,
    the request, `perms`).
    """

    template: str
    context: dict = field(default_factory=dict)


def read_once(request: HttpRequest, read: Callable[..., T], *args: Hashable) -> T:
    """`read(*args)`, run once per request: the first card of a page that needs these rows
    reads them, the page's other cards get the same result (the health settings, which the
    brief and the health card both show; a customer's open tasks, in the brief and on the
    tasks card). Kept on the request, by the function and its arguments, and gone with it, so
    no request sees another's rows.

    `read` must not depend on anything but its arguments (the user among them when what it
    returns depends on who reads)."""
    reads = request.__dict__.setdefault("_reads", {})
    key = (read, *args)
    if key not in reads:
        reads[key] = read(*args)
    return reads[key]
