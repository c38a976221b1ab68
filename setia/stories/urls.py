from django.urls import path

from setia.stories import views

app_name = "stories"

urlpatterns = [
    path("", views.story_board, name="story-board"),
    path("list/", views.story_list, name="story-list"),
    path("candidates/", views.candidate_list, name="candidate-list"),
    path("new/", views.story_create, name="story-create"),
    path("<uuid:code>/", views.story_detail, name="story-detail"),
    path("<uuid:code>/move/", views.story_move, name="story-move"),
    path("<uuid:code>/consent/", views.story_consent, name="story-consent"),
    path("<uuid:code>/schedule/", views.story_schedule, name="story-schedule"),
    path("<uuid:code>/answers/", views.story_answers, name="story-answers"),
    path("<uuid:code>/article/", views.story_article, name="story-article"),
    path("<uuid:code>/publish/", views.story_publish, name="story-publish"),
    path("<uuid:code>/coverage/", views.story_coverage, name="story-coverage"),
    path("questionnaires/", views.questionnaire_list, name="questionnaire-list"),
    path("questionnaires/new/", views.questionnaire_create, name="questionnaire-create"),
    path("questionnaires/<int:pk>/", views.questionnaire_edit, name="questionnaire-edit"),
]
