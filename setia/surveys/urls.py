from django.urls import path

from setia.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.report, name="report"),
    path("answers.csv", views.export_csv, name="answers-csv"),
    path("answers.xlsx", views.export_xlsx, name="answers-xlsx"),
]
