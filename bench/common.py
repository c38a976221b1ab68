"""What the benches share: a Django set up on a database of the bench's own, and lap times."""

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lap(started: float) -> str:
    return f"{time.perf_counter() - started:.1f}"


def setup_django(database_url: str) -> None:
    """Point Django at `database_url` (production-like settings, no debug) and migrate it."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault(
        "SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    )
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("HTTPS", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "setia.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


@contextmanager
def scratch_database(server: str, name: str, *, keep: bool) -> Iterator[None]:
    """A fresh PostgreSQL database `name` on `server`, migrated and set as Django's; dropped
    afterwards unless `keep`."""
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    try:
        setup_django(f"{server}/{name}")
        yield
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name}")
