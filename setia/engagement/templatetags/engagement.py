from django import template

from setia.engagement.timeline import timeline_page

register = template.Library()


@register.inclusion_tag("engagement/_timeline.html", takes_context=True)
def customer_timeline(context):
    """The first page of the 360 page's customer timeline (one query)."""
    request = context["request"]
    customer = context["customer"]
    return {
        "customer": customer,
        "timeline": timeline_page(customer, request.GET.copy() if "kind" in request.GET else None),
        "request": request,
    }
