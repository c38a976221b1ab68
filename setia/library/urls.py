from django.urls import path

from setia.library import views

app_name = "library"

urlpatterns = [
    path("", views.list_guides, name="guide-list"),
    path("<slug:slug>/", views.guide_detail, name="guide-detail"),
    path("<slug:slug>/edit/", views.edit_guide, name="guide-edit"),
    path("<slug:slug>/publish/", views.publish_guide, name="guide-publish"),
    path("<slug:slug>/present/", views.present_guide, name="guide-present"),
    path("<slug:slug>/examples/add/", views.add_example, name="example-add"),
    path(
        "<slug:slug>/examples/<int:example_id>/delete/",
        views.delete_example,
        name="example-delete",
    ),
]
