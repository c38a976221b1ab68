from django.urls import path

from setia.desk.views import segments as views

app_name = "segments"

urlpatterns = [
    path("", views.list_segments, name="segment-list"),
    path("new/", views.create_segment, name="segment-create"),
    path("<uuid:code>/edit/", views.edit_segment, name="segment-edit"),
    path("<uuid:code>/delete/", views.delete_segment, name="segment-delete"),
]
