from django.urls import path

from setia.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.list_articles, name="article-list"),
    path("new/", views.create_article, name="article-create"),
    path("suggest/", views.suggest_answers, name="suggest"),
    path("synonyms/", views.list_synonyms, name="synonym-list"),
    path("synonyms/<int:synonym_id>/delete/", views.delete_synonym, name="synonym-delete"),
    path("<uuid:code>/", views.article_detail, name="article-detail"),
    path("<uuid:code>/edit/", views.edit_article, name="article-edit"),
    path("<uuid:code>/approve/", views.approve_article, name="article-approve"),
    path("<uuid:code>/send-back/", views.send_back, name="article-send-back"),
    path("<uuid:code>/reviewed/", views.mark_reviewed, name="article-reviewed"),
    path("<uuid:code>/used/", views.record_use, name="article-used"),
]
