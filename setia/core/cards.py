"""A card of a page that several apps contribute to (the customer 360 page)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Card:
    """A card: the template that draws it and the context it needs.

    The card function that builds it runs the queries, in plain Python; the template only
    renders. `{% render_card card %}` draws it on top of the page's own context (the customer,
    the request, `perms`).
    """

    template: str
    context: dict = field(default_factory=dict)
