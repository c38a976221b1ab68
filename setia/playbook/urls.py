from django.urls import path

from setia.playbook import views

app_name = "playbook"

urlpatterns = [
    path("", views.list_entries, name="entry-list"),
    path("<slug:slug>/", views.entry_detail, name="entry-detail"),
    path("<slug:slug>/edit/", views.edit_entry, name="entry-edit"),
    path("<slug:slug>/publish/", views.publish_entry, name="entry-publish"),
    path("<slug:slug>/present/", views.present_entry, name="entry-present"),
    path("<slug:slug>/examples/add/", views.add_example, name="example-add"),
    path(
        "<slug:slug>/examples/<int:example_id>/delete/",
        views.delete_example,
        name="example-delete",
    ),
]
