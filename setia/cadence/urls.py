from django.urls import path

from setia.cadence import views

app_name = "cadence"

urlpatterns = [
    path("", views.home, name="home"),
    path("targets/", views.target_list, name="target-list"),
    path("targets/new/", views.target_create, name="target-create"),
    path("targets/<int:target_id>/edit/", views.target_edit, name="target-edit"),
    path("targets/<int:target_id>/delete/", views.target_delete, name="target-delete"),
    path("weekly/", views.weekly, name="weekly"),
    path("checkpoint/", views.my_checkpoint, name="checkpoint"),
    path("checkpoints/", views.team_checkpoints, name="team-checkpoints"),
]
