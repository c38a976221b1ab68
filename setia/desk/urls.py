from django.urls import path

from setia.desk.views import customers as views
from setia.desk.views import interactions

app_name = "customers"

urlpatterns = [
    path("", views.list_customers, name="customer-list"),
    path("new/", views.create_customer, name="customer-create"),
    path("deleted/", views.list_deleted_customers, name="customer-deleted-list"),
    path("<uuid:code>/", views.customer_detail, name="customer-detail"),
    path("<uuid:code>/edit/", views.edit_customer, name="customer-edit"),
    path("<uuid:code>/delete/", views.delete_customer, name="customer-delete"),
    path("<uuid:code>/log/", interactions.log_interaction, name="interaction-log"),
    path("<uuid:code>/restore/", views.restore_customer, name="customer-restore"),
    path("<uuid:code>/contacts/add/", views.add_contact, name="contact-add"),
    path("<uuid:code>/contacts/<int:contact_id>/edit/", views.edit_contact, name="contact-edit"),
    path(
        "<uuid:code>/contacts/<int:contact_id>/delete/", views.delete_contact, name="contact-delete"
    ),
    path("<uuid:code>/stores/add/", views.add_store, name="store-add"),
    path("<uuid:code>/stores/<uuid:store_code>/edit/", views.edit_store, name="store-edit"),
    path("<uuid:code>/stores/<uuid:store_code>/delete/", views.delete_store, name="store-delete"),
    path("<uuid:code>/subscription/", views.edit_subscription, name="subscription-edit"),
]
