"""Bench-only URLconf: the product's URLs plus the minimal reference view pages_bench.py
compares every page with (a plain 50-row HTML table over the customers table)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from setia.customers.models import Customer
from setia.urls import handler400, handler403, handler404, handler500  # noqa: F401
from setia.urls import urlpatterns as product_urlpatterns

TABLE = engines["django"].from_string(
    "<!doctype html><html><head><title>Customers</title></head><body><table>"
    "<tr><th>Name</th><th>City</th><th>Status</th><th>Updated</th></tr>"
    '{% for c in customers %}<tr><td><a href="/customers/{{ c.code }}/">{{ c.name }}</a></td>'
    "<td>{{ c.city }}</td><td>{{ c.status }}</td><td>{{ c.updated_at|date:'d/m/Y' }}</td></tr>"
    "{% endfor %}</table></body></html>"
)


def reference(request):
    customers = Customer.objects.order_by("name", "id")[:50]
    return HttpResponse(TABLE.render({"customers": customers}, request))


urlpatterns = [path("bench/reference/", reference), *product_urlpatterns]
