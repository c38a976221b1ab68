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
