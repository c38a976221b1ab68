import re
import uuid

from setia.lib.logs import request_id


class RequestIdMiddleware:
    """Gives every request an id: in `request.request_id`, the `X-Request-ID` response header,
    every log line written while it runs, and the error pages, so a user can quote it.

    An id sent by a reverse proxy or a client (`X-Request-ID`) is kept when it is short and
    plain, so one id follows a request through the proxy's log and ours; anything else is
    replaced, as it would be written into the log verbatim.
    """

    HEADER = "X-Request-ID"
    _SANE = re.compile(r"[A-Za-z0-9._-]{8,64}")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(self.HEADER, "")
        request.request_id = incoming if self._SANE.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response[self.HEADER] = request.request_id
        return response


class NoStoreMiddleware:
    """`Cache-Control: private, no-store` on every response the application renders.

    Pages, htmx fragments, exports and the calendar feed all carry customer data; no browser,
    proxy or shared computer should keep a copy. Static files never reach this middleware
    (whitenoise answers them first, with its own long-lived caching). A view that already sends
    `no-store` (Django's `never_cache`) keeps its header; anything weaker is replaced.
    """

    VALUE = "private, no-store"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = self.VALUE
        return response


class ContentSecurityPolicyMiddleware:
    """A strict CSP: every script, style and image comes from this site; no inline scripts.

    htmx's inline-style indicator is disabled in base.html (`htmx.config.includeIndicatorStyles`
    via meta), so no 'unsafe-inline' is needed for styles either.
    """

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'self'; object-src 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.POLICY)
        return response
