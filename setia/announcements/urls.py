from django.urls import path

from setia.announcements import views

app_name = "announcements"

urlpatterns = [
    path("", views.announcement_list, name="list"),
    path("new/", views.announcement_create, name="create"),
    path("<uuid:code>/", views.announcement_detail, name="detail"),
    path("<uuid:code>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<uuid:code>/report/", views.read_report, name="report"),
    path("<uuid:code>/report.csv", views.read_report_csv, name="report-csv"),
]
