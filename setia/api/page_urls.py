from django.urls import path

from setia.api import docs, pages

app_name = "api-pages"

urlpatterns = [
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.SwaggerView.as_view(url_name="api-pages:schema"), name="swagger"),
    path("redoc/", docs.RedocView.as_view(url_name="api-pages:schema"), name="redoc"),
    path("tokens/", pages.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", pages.revoke, name="token-revoke"),
]
