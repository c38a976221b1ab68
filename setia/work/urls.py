from django.urls import path

from setia.work.automation import views as automation_views
from setia.work.onboarding import views as onboarding_views
from setia.work.schedule import views as schedule_views

app_name = "work"

urlpatterns = [
    path("", schedule_views.my_day, name="my-day"),
    path("tasks/new/", schedule_views.create_task, name="task-create"),
    path("tasks/<uuid:code>/", schedule_views.task_detail, name="task-detail"),
    path("tasks/<uuid:code>/edit/", schedule_views.edit_task, name="task-edit"),
    path("tasks/<uuid:code>/complete/", schedule_views.complete_task, name="task-complete"),
    path(
        "tasks/<uuid:code>/checklist/<int:item_id>/",
        schedule_views.toggle_checklist_item,
        name="checklist-toggle",
    ),
    path("team/", schedule_views.team_board, name="team-board"),
    path("team/assign-fairly/", schedule_views.assign_unassigned, name="assign-fairly"),
    path("calendar/", schedule_views.month_calendar, name="calendar"),
    path("feed/enable/", schedule_views.enable_feed, name="feed-enable"),
    path("feed/revoke/", schedule_views.revoke_feed, name="feed-revoke"),
    path("feed/<str:token>.ics", schedule_views.calendar_feed, name="feed"),
]

urlpatterns += [
    path("onboarding/", onboarding_views.pipeline_board, name="onboarding-board"),
    path("onboarding/list/", onboarding_views.pipeline_list, name="onboarding-list"),
    path("onboarding/intake/", onboarding_views.intake_report, name="intake-report"),
    path("onboarding/<uuid:code>/move/", onboarding_views.move_customer, name="onboarding-move"),
]
urlpatterns += [
    path("triggers/", automation_views.edit_thresholds, name="thresholds"),
    path("call-today/", automation_views.call_today, name="call-today"),
    path("runs/<uuid:code>/", automation_views.run_detail, name="run-detail"),
    path("runs/<uuid:code>/close/", automation_views.close_run, name="run-close"),
]
