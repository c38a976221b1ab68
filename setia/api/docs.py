"""The OpenAPI schema and its two readers, Swagger UI and Redoc, served from the
drf-spectacular-sidecar package (no CDN)."""

from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.permissions import AllowAny

# Both readers style their pages from script (inline styles, Redoc's style elements): the
# site's strict policy allows them on these two pages only, scripts still from this site.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


class SchemaView(SpectacularAPIView):
    """The schema is public, as is the code it describes: clients generate from it."""

    permission_classes = [AllowAny]
    throttle_classes: list = []


class SwaggerView(SpectacularSwaggerSplitView):
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_POLICY
        return response


class RedocView(SpectacularRedocView):
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_POLICY
        return response
