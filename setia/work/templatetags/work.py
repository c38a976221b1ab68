from django import template

from setia.lib.dates import now
from setia.work.models import Task

register = template.Library()

CUSTOMER_TASKS_LIMIT = 5


@register.inclusion_tag("work/_customer_tasks.html", takes_context=True)
def customer_tasks(context, customer):
    """The 360 page's card of the customer's open tasks the reader may see (one query)."""
    user = context["request"].user
    tasks = list(
        Task.objects.visible_to(user)
        .open()
        .filter(customer=customer)
        .select_related("owner")[:CUSTOMER_TASKS_LIMIT]
    )
    return {
        "customer": customer,
        "tasks": tasks,
        "now": now(),
        "can_add": user.has_perm("work.add_task"),
        "can_view": user.has_perm("work.view_task"),
    }
