"""Work's card on the customer 360 page (listed in setia/desk/cards.py)."""

from setia.core.cards import Card
from setia.core.http import AuthenticatedHttpRequest
from setia.customers.models import Customer
from setia.lib.dates import now
from setia.work.schedule.models import Task

CUSTOMER_TASKS_LIMIT = 5


def tasks_card(customer: Customer, request: AuthenticatedHttpRequest) -> Card | None:
    """The customer's open tasks the reader may see (one query); nothing for those who may not
    see tasks."""
    user = request.user
    if not user.has_perm("work.view_task"):
        return None
    tasks = list(
        Task.objects.visible_to(user)
        .open()
        .filter(customer=customer)
        .select_related("owner")[:CUSTOMER_TASKS_LIMIT]
    )
    return Card(
        "work/_customer_tasks.html",
        {
            "customer": customer,
            "tasks": tasks,
            "now": now(),
            "can_add": user.has_perm("work.add_task"),
        },
    )
