from django.urls import path

from setia.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.report, name="report"),
]
