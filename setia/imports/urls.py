from django.urls import path

from setia.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.list_imports, name="import-list"),
    path("new/", views.upload_import, name="import-upload"),
    path("samples/<str:name>", views.download_sample, name="import-sample"),
    path("<uuid:code>/", views.import_detail, name="import-detail"),
    path("<uuid:code>/mapping/", views.map_columns, name="import-mapping"),
    path("<uuid:code>/preview/", views.preview_import, name="import-preview"),
    path("<uuid:code>/dry-run/", views.dry_run_import, name="import-dry-run"),
    path("<uuid:code>/dry-run/errors.csv", views.dry_run_errors, name="import-dry-run-errors"),
    path("<uuid:code>/values/", views.choose_values, name="import-values"),
    path("<uuid:code>/run/", views.commit_import, name="import-commit"),
    path("<uuid:code>/progress/", views.import_progress, name="import-progress"),
    path("<uuid:code>/file", views.download_file, name="import-file"),
    path("<uuid:code>/errors.csv", views.download_errors, name="import-errors"),
    path("<uuid:code>/undo/", views.undo, name="import-undo"),
]
