from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from setia.core import views as core_views
from setia.desk.views import search as desk_search

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("setia.accounts.urls")),
    # The customer and segment pages compose several apps (setia/desk/README.md).
    path("customers/", include("setia.desk.urls")),
    path("segments/", include("setia.desk.segment_urls")),
    path("tiers/", include("setia.tiers.urls")),
    path("health/", include("setia.health.urls")),
    path("library/", include("setia.library.urls")),
    path("answers/", include("setia.knowledge.urls")),
    # The sales library lived at /playbook/ before it had its own name; bookmarks keep working.
    re_path(
        r"^playbook/(?P<rest>.*)$",
        RedirectView.as_view(url="/library/%(rest)s", permanent=True, query_string=True),
    ),
    path("engagement/", include("setia.engagement.urls")),
    path("work/", include("setia.work.urls")),
    path("partners/", include("setia.partners.urls")),
    path("campaigns/", include("setia.campaigns.urls")),
    path("stories/", include("setia.stories.urls")),
    path("exports/", include("setia.exports.urls")),
    path("quality/", include("setia.quality.urls")),
    path("imports/", include("setia.imports.urls")),
    path("jobs/", include("setia.jobs.urls")),
    path("notifications/", include("setia.notifications.urls")),
    path("cadence/", include("setia.cadence.urls")),
    path("announcements/", include("setia.announcements.urls")),
    path("search/", desk_search.search, name="search"),
    path("surveys/", include("setia.surveys.urls")),
    # The public survey pages of signed invitation links (no login).
    path("s/", include("setia.surveys.public_urls")),
    # The REST API, and its schema, readers and tokens page (setia/api/README.md).
    path("api/v1/", include("setia.api.urls")),
    path("api/", include("setia.api.page_urls")),
    # Outgoing webhooks, for administrators (setia/webhooks/README.md).
    path("webhooks/", include("setia.webhooks.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    # Public uploads (library screenshots); in production the reverse proxy serves MEDIA_ROOT
    # (docs/deploy.md). Import files are in PRIVATE_ROOT, which no URL serves.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "setia.core.views.bad_request"
handler403 = "setia.core.views.forbidden"
handler404 = "setia.core.views.not_found"
handler500 = "setia.core.views.server_error"
