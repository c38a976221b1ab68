"""Request limits, per user, client address or typed value, on the views that are costly or
can be abused.

A thin layer over django-ratelimit: the rate of each limit is a setting (``"10/m"``), read on
every request so a deployment, or a test, can change it; the count lives in the cache named by
``RATELIMIT_USE_CACHE``. A request over the limit gets a 429 with ``Retry-After`` (the seconds
until the window frees) and a page in the user's language, or a short fragment for htmx.
"""

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)


Key = str | Callable[[str, HttpRequest], str]


def rate_limited(
    group: str,
    *,
    rate_setting: str,
    key: Key = "user",
    applies: Callable[[HttpRequest], bool] | None = None,
    respond: Callable[[HttpRequest, int], HttpResponse] | None = None,
) -> Callable:
    """Limit a view to the rate in ``settings.<rate_setting>`` per ``key`` (django-ratelimit's
    ``"user"`` or ``"ip"``, or a function of the group and the request giving the value to
    count by, such as an address typed in a form), counting only the requests for which
    ``applies`` is true (all of them without it); the requests over the limit get
    ``respond(request, retry_after)``, `too_many_requests` without it.

    Put it below ``@login_required`` when keyed by user, so only signed-in requests count.
    """
    answer = respond or too_many_requests

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if applies is None or applies(request):
                retry_after = count_request(request, group, getattr(settings, rate_setting), key)
                if retry_after is not None:
                    return answer(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def count_request(request: HttpRequest, group: str, rate: str, key: Key) -> int | None:
    """Count this request against `rate` per `key` in `group`; the seconds until its window
    frees when it is over the limit, None when it may go on (or the cache is down). The API's
    throttle calls it with the token as the key."""
    try:
        usage = get_usage(request, group=group, key=key, rate=rate, method=ALL, increment=True)
    except Exception:
        # The cache (Redis) is down: serve the request rather than fail every limited page.
        logger.warning("Rate limit %s not checked: the cache is unavailable.", group, exc_info=True)
        return None
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, usage["time_left"])


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The 429 response: a page, or a fragment for htmx, saying when to try again."""
    template = "core/_too_many_requests.html" if request.headers.get("HX-Request") else "429.html"
    response = render(request, template, {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
