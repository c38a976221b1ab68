from django.urls import path

from setia.health import views

app_name = "health"

urlpatterns = [
    path("", views.distribution, name="distribution"),
    path("settings/", views.edit_settings, name="settings"),
    path("at-risk/", views.at_risk, name="at-risk"),
]
