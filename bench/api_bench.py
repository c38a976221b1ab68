"""The API's customers list at 100k customers, against a minimal DRF list view.

    .venv/bin/python bench/api_bench.py [--customers 100000 --days 7] [--keep]
        [--seconds 4 --rounds 3 --connections 16] [--profile 200]

Builds the PostgreSQL database `setia_api_bench` with pages_bench.py's builder (the same
set-based INSERT ... SELECT of customers, contacts, stores, subscriptions, tasks and D days of
metrics, then the nightly recompute, which scores every customer's health); `--keep` reuses it
when it holds the asked number of customers. Starts gunicorn as docs/deploy.md does (2 sync
workers) with pages_bench.py's bench-only settings, whose URLconf has the reference: DRF's
plainest ListAPIView over the customers table (no authentication, permission or throttle, a
ModelSerializer of five fields, cursor pages of the product's page size in name order), and
"reference + token", the same view behind the API's token authentication, role check and rate
limit: what those checks alone cost, a floor for the API's endpoints.

Then measures, interleaved (each round runs every endpoint for --seconds, the reference first),
with --connections concurrent clients each sending a manager's (or an executive's) read token:
req/s, p50/p99, the ratio to the reference's req/s (goal for "api list": >= 0.8), the answer's
size and the queries one request makes. `--profile N` first runs N requests of the API's list in
this process under cProfile and prints where the time goes.
"""

import argparse
import cProfile
import io
import pstats
import sys
import time
from typing import cast

import psycopg
from common import lap
from pages_bench import (
    SERVER,
    Page,
    count_queries,
    measure,
    prepare_database,
)

DATABASE = "setia_api_bench"


def bearer(email: str) -> str:
    """A new read token of the demo person `email`, as an Authorization header value."""
    from setia.accounts.models import User
    from setia.api.actions import create_token

    _token, secret = create_token(
        user=User.objects.get(email=email), name="bench", scope="read", expires_at=None
    )
    return f"Bearer {secret}"


def endpoints() -> list[Page]:
    from django.test import Client

    from setia.customers.models import Customer

    manager = bearer("manager@setia.test")
    executive = bearer("executive@setia.test")
    first = Client(SERVER_NAME="127.0.0.1", HTTP_AUTHORIZATION=manager)
    following = first.get("/api/v1/customers/").json()["next"].split("127.0.0.1", 1)[1]
    codes = list(Customer.objects.order_by("?").values_list("code", flat=True)[:200])
    return [
        Page("reference", "", ["/bench/api-reference/"]),
        Page("reference + token", "", ["/bench/api-reference-token/"], authorization=manager),
        Page("api list", "", ["/api/v1/customers/"], authorization=manager),
        Page("api list executive", "", ["/api/v1/customers/"], authorization=executive),
        Page("api list page 2", "", [following], authorization=manager),
        Page(
            "api list 5 fields",
            "",
            ["/api/v1/customers/?fields=code,name,city,status,updated_at"],
            authorization=manager,
        ),
        Page("api list -health", "", ["/api/v1/customers/?sort=-health"], authorization=manager),
        Page("api list grade p", "", ["/api/v1/customers/?health=p"], authorization=manager),
        Page(
            "api health",
            "",
            [f"/api/v1/customers/{code}/health/" for code in codes],
            authorization=manager,
        ),
    ]


def profile(pages: list[Page], requests: int) -> None:
    """Where one worker's time goes on the API's list: `requests` requests in this process."""
    from django.test import Client

    page = next(page for page in pages if page.name == "api list")
    client = Client(SERVER_NAME="127.0.0.1", HTTP_AUTHORIZATION=page.authorization)
    client.get(page.urls[0])
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _request in range(requests):
        client.get(page.urls[0])
    profiler.disable()
    print(f"profile: {requests} requests of {page.urls[0]} in {lap(started)} s")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="reuse setia_api_bench if it fits")
    parser.add_argument("--seconds", type=float, default=4.0, help="per endpoint and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--profile", type=int, default=0, help="requests to profile first")
    args = parser.parse_args()
    cast(io.TextIOWrapper, sys.stdout).reconfigure(line_buffering=True)
    url = prepare_database(args.customers, args.days, args.keep, DATABASE)
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.RATE_LIMIT_API = "1000000/m"
    pages = endpoints()
    count_queries(pages)
    if args.profile:
        profile(pages, args.profile)
    measure(
        pages,
        url,
        args,
        f"{args.customers:,} customers; {args.rounds} rounds × {len(pages)} endpoints",
    )
    rates = {page.name: len(page.latencies) / page.seconds for page in pages}
    print(f"api list / reference: {rates['api list'] / rates['reference']:.2f} (goal >= 0.8)")
    if not args.keep:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    main()
