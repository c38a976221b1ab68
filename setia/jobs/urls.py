from django.urls import path

from setia.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="job-list"),
    path("<int:job_id>/retry/", views.retry, name="job-retry"),
    path("<int:job_id>/cancel/", views.cancel, name="job-cancel"),
]
