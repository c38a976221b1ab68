from django.urls import path

from setia.engagement import views

app_name = "engagement"

urlpatterns = [
    path("customers/<uuid:code>/timeline/", views.customer_timeline, name="timeline"),
    path("customers/<uuid:code>/log/", views.log_interaction, name="interaction-log"),
]
