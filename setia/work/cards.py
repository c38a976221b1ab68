"""Work's card on the customer 360 page (listed in setia/desk/cards.py)."""

from setia.core.cards import Card, read_once
from setia.core.http import AuthenticatedHttpRequest
from setia.customers.models import Customer
from setia.lib.dates import now
from setia.work.schedule.models import Task

CUSTOMER_TASKS_LIMIT = 5


def open_tasks(customer: Customer, user) -> list[Task]:
    """The customer's first CUSTOMER_TASKS_LIMIT open tasks `user` may see, soonest due first,
    with their owners (one query; none, and no task, for those who may not see tasks). The
    tasks card lists them and the account brief the first few: the 360 page reads them once
    for both (`read_once`)."""
    return list(
        Task.objects.visible_to(user)
        .open()
        .filter(customer=customer)
        .select_related("owner")
        .order_by("due_at", "id")[:CUSTOMER_TASKS_LIMIT]
    )


def tasks_card(customer: Customer, request: AuthenticatedHttpRequest) -> Card | None:
    """The customer's open tasks the reader may see (`open_tasks`, read once for the page's
    cards); nothing for those who may not see tasks."""
    user = request.user
    if not user.has_perm("work.view_task"):
        return None
    return Card(
        "work/_customer_tasks.html",
        {
            "customer": customer,
            "tasks": read_once(request, open_tasks, customer, user),
            "now": now(),
            "can_add": user.has_perm("work.add_task"),
        },
    )
