from django.urls import path

from setia.quality import views

app_name = "quality"

urlpatterns = [
    path("", views.data_quality, name="data-quality"),
    path("figure/", views.completeness_figure, name="completeness-figure"),
    path("duplicates/", views.list_duplicates, name="duplicate-list"),
    path("duplicates/<uuid:code>/merge/", views.merge_duplicate, name="duplicate-merge"),
    path("duplicates/<uuid:code>/dismiss/", views.dismiss_duplicate, name="duplicate-dismiss"),
    path("merges/<uuid:code>/undo/", views.undo_merge, name="merge-undo"),
    path("merges/<uuid:code>/", views.confirm_undo_merge, name="merge-undo-confirm"),
]
