"""The busiest pages stay small however many customers there are: every list is paged, every
board and queue is bounded. Each page's HTML is measured at N customers and at ten times N (all
owned by the same team, all with an open task of the manager's, a playbook run, a tier and
half with a duplicate candidate) and must stay under 300 KB and not grow with N."""

import datetime

import time_machine
from django.urls import reverse

from setia.customers.models import Category
from setia.lib.dates import today
from setia.test import make_customers, make_workload
from setia.tiers.models import Tier

LIMIT = 300 * 1024
SMALL = 200


def _pages() -> list[tuple[str, dict]]:
    category = Category.objects.order_by("position").values_list("slug", flat=True).first()
    tier = Tier.objects.order_by("position").values_list("slug", flat=True)[1]
    customers = reverse("customers:customer-list")
    return [
        (customers, {}),
        (customers, {"sort": "tier"}),
        (customers, {"sort": "-gmv", "page": "2"}),
        (customers, {"tier": tier, "category": category}),
        (customers, {"q": "Toko Contoh", "sort": "-updated"}),
        (reverse("work:my-day"), {}),
        (reverse("work:team-board"), {}),
        (reverse("work:call-today"), {}),
        (reverse("work:calendar"), {}),
        (reverse("tiers:tier-report"), {}),
        (reverse("quality:data-quality"), {}),
        (reverse("quality:duplicate-list"), {}),
    ]


def _sizes(client) -> dict[str, int]:
    sizes = {}
    for url, params in _pages():
        response = client.get(url, params)
        assert response.status_code == 200, url
        sizes[f"{url}?{'&'.join(f'{k}={v}' for k, v in params.items())}"] = len(response.content)
    return sizes


@time_machine.travel("2026-11-10 08:00 +0700", tick=False)
def test_the_busiest_pages_stay_under_300_kb_and_do_not_grow_with_the_customers(
    client, manager, team_a
):
    manager.team = team_a  # the team board lists the manager's own team
    manager.save(update_fields=["team"])
    client.force_login(manager)
    day = today()

    make_workload(make_customers(SMALL, team=team_a, owner=manager), owner=manager, today=day)
    small = _sizes(client)
    more = make_customers(9 * SMALL, team=team_a, owner=manager)
    make_workload(more, owner=manager, today=day + datetime.timedelta(days=1))
    large = _sizes(client)

    for page, size in large.items():
        assert size <= LIMIT, (page, size)
        # The same page with ten times the rows behind it: a few digits longer at most.
        assert size <= small[page] * 1.05 + 2048, (page, small[page], size)
