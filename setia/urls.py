from django.contrib import admin
from django.urls import include, path

from setia.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("setia.accounts.urls")),
    path("customers/", include("setia.customers.urls")),
    path("imports/", include("setia.imports.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "setia.core.views.bad_request"
handler403 = "setia.core.views.forbidden"
handler404 = "setia.core.views.not_found"
handler500 = "setia.core.views.server_error"
