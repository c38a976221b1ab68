"""Bench-only URLconf: the product's URLs plus the minimal reference views the benches compare
with: pages_bench.py's plain 50-row HTML table over the customers table, and api_bench.py's
minimal DRF list view over the same table, alone and behind the API's token, role and rate
limit checks."""

from django.conf import settings
from django.http import HttpResponse
from django.template import engines
from django.urls import path
from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination

from setia.api.rest import RoleAndScope, TokenAuthentication, TokenRateThrottle
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


class ReferenceCursor(CursorPagination):
    page_size = settings.PAGE_SIZE
    ordering = ("name", "id")


class ReferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["code", "name", "city", "status", "updated_at"]


class ApiReference(generics.ListAPIView):
    """DRF's plainest list: no authentication, permission or throttle, a ModelSerializer of a
    few fields, cursor pages of the product's page size in name order."""

    queryset = Customer.objects.all()
    serializer_class = ReferenceSerializer
    pagination_class = ReferenceCursor
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []


class ApiReferenceWithToken(ApiReference):
    """The same list behind the API's checks (token, role, rate limit; no record rule): what
    those checks alone cost, which the reference does not pay."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [RoleAndScope]
    throttle_classes = [TokenRateThrottle]
    required_permissions = {"GET": "customers.view_customer"}


urlpatterns = [
    path("bench/reference/", reference),
    path("bench/api-reference/", ApiReference.as_view()),
    path("bench/api-reference-token/", ApiReferenceWithToken.as_view()),
    *product_urlpatterns,
]
