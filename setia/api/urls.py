from django.urls import path
from rest_framework.routers import SimpleRouter

from setia.api import views

app_name = "api"

router = SimpleRouter()
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("tiers", views.TierViewSet, basename="tier")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("segments", views.SegmentViewSet, basename="segment")
router.register("surveys", views.SurveyViewSet, basename="survey")

customer = "customers/<uuid:customer_code>"
contacts = views.ContactViewSet
stores = views.StoreViewSet
subscription = views.SubscriptionViewSet.as_view({"get": "retrieve", "put": "update"})

urlpatterns = [
    *router.urls,
    path(
        f"{customer}/contacts/",
        contacts.as_view({"get": "list", "post": "create"}),
        name="contact-list",
    ),
    path(
        f"{customer}/contacts/<int:pk>/",
        contacts.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}),
        name="contact-detail",
    ),
    path(
        f"{customer}/stores/",
        stores.as_view({"get": "list", "post": "create"}),
        name="store-list",
    ),
    path(
        f"{customer}/stores/<uuid:store_code>/",
        stores.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}),
        name="store-detail",
    ),
    path(f"{customer}/subscription/", subscription, name="subscription"),
    path("metrics/", views.MetricsPushViewSet.as_view({"post": "create"}), name="metrics"),
    path(
        "metrics/jobs/<int:pk>/",
        views.MetricsPushViewSet.as_view({"get": "retrieve"}),
        name="metrics-job",
    ),
    path(
        f"{customer}/interactions/",
        views.InteractionViewSet.as_view({"get": "list", "post": "create"}),
        name="interaction-list",
    ),
]
