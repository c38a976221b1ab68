from django.urls import path

from setia.work import onboarding_views, trigger_views, views

app_name = "work"

urlpatterns = [
    path("", views.my_day, name="my-day"),
    path("tasks/new/", views.create_task, name="task-create"),
    path("tasks/<uuid:code>/", views.task_detail, name="task-detail"),
    path("tasks/<uuid:code>/edit/", views.edit_task, name="task-edit"),
    path("tasks/<uuid:code>/complete/", views.complete_task, name="task-complete"),
    path(
        "tasks/<uuid:code>/checklist/<int:item_id>/",
        views.toggle_checklist_item,
        name="checklist-toggle",
    ),
    path("team/", views.team_board, name="team-board"),
    path("team/assign-fairly/", views.assign_unassigned, name="assign-fairly"),
    path("calendar/", views.month_calendar, name="calendar"),
    path("feed/enable/", views.enable_feed, name="feed-enable"),
    path("feed/revoke/", views.revoke_feed, name="feed-revoke"),
    path("feed/<str:token>.ics", views.calendar_feed, name="feed"),
]

urlpatterns += [
    path("onboarding/", onboarding_views.pipeline_board, name="onboarding-board"),
    path("onboarding/list/", onboarding_views.pipeline_list, name="onboarding-list"),
    path("onboarding/intake/", onboarding_views.intake_report, name="intake-report"),
    path("onboarding/<uuid:code>/move/", onboarding_views.move_customer, name="onboarding-move"),
]
urlpatterns += [
    path("triggers/", trigger_views.edit_thresholds, name="thresholds"),
    path("call-today/", trigger_views.call_today, name="call-today"),
    path("runs/<uuid:code>/", trigger_views.run_detail, name="run-detail"),
    path("runs/<uuid:code>/close/", trigger_views.close_run, name="run-close"),
]
