from django.urls import path

from setia.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.webhook_list, name="webhook-list"),
    path("<int:webhook_id>/", views.webhook_edit, name="webhook-edit"),
    path("<int:webhook_id>/secret/", views.webhook_secret, name="webhook-secret"),
    path("<int:webhook_id>/test/", views.webhook_test, name="webhook-test"),
    path("<int:webhook_id>/delete/", views.webhook_delete, name="webhook-delete"),
    path("<int:webhook_id>/log/", views.webhook_log, name="webhook-log"),
]
