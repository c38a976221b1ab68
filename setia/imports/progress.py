"""Live progress of running imports, readable by another process while the import's transaction
is still open (its own rows are invisible until it commits).

With REDIS_URL the worker writes to Redis, where the web process reads it; without it, imports
run in the web process itself, so a dictionary in memory is enough.
"""

import json
import threading

import redis
from django.conf import settings

_KEY = "setia:import-progress:{code}"
_TTL = 24 * 60 * 60  # seconds; a finished import's progress is read from its row anyway
_memory: dict[str, dict] = {}
_lock = threading.Lock()


def _redis():
    return redis.Redis.from_url(settings.REDIS_URL)


def set_progress(code, *, phase: str, done: int, total: int) -> None:
    value = {"phase": phase, "done": done, "total": total}
    if settings.REDIS_URL:
        _redis().set(_KEY.format(code=code), json.dumps(value), ex=_TTL)
    else:
        with _lock:
            _memory[str(code)] = value


def get_progress(code) -> dict | None:
    if settings.REDIS_URL:
        raw = _redis().get(_KEY.format(code=code))
        return json.loads(raw) if raw else None
    with _lock:
        return _memory.get(str(code))


def percent(value: dict | None) -> int:
    """Overall percentage: reading is the first half of the work, writing the second."""
    if not value or not value.get("total"):
        return 0
    share = min(value["done"] / value["total"], 1)
    if value["phase"] == "read":
        return int(share * 50)
    if value["phase"] in ("match", "plan"):
        return 50
    return 50 + int(share * 50)
