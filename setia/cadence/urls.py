from django.urls import path

from setia.cadence import views, weekly_views
from setia.cadence.oneonones import views as oneonones
from setia.cadence.org import views as org
from setia.cadence.reassign import views as reassign

app_name = "cadence"

urlpatterns = [
    path("", views.home, name="home"),
    path("targets/", views.target_list, name="target-list"),
    path("targets/new/", views.target_create, name="target-create"),
    path("targets/<int:target_id>/edit/", views.target_edit, name="target-edit"),
    path("targets/<int:target_id>/delete/", views.target_delete, name="target-delete"),
    path("weekly/", weekly_views.weekly, name="weekly"),
    path("weekly/update.pdf", weekly_views.weekly_pdf_download, name="weekly-pdf"),
    path("weekly/update.xlsx", weekly_views.weekly_xlsx_download, name="weekly-xlsx"),
    path("weekly/recipients/", weekly_views.weekly_recipients, name="weekly-recipients"),
    path(
        "weekly/recipients/<int:recipient_id>/delete/",
        weekly_views.weekly_recipient_delete,
        name="weekly-recipient-delete",
    ),
    path("checkpoint/", views.my_checkpoint, name="checkpoint"),
    path("checkpoints/", views.team_checkpoints, name="team-checkpoints"),
    path("reassign/", reassign.reassignment_list, name="reassignment-list"),
    path("reassign/new/", reassign.reassign, name="reassign"),
    path("reassign/handover/", reassign.handover, name="handover"),
    path("reassign/<uuid:code>/", reassign.reassignment_detail, name="reassignment-detail"),
    path("reassign/<uuid:code>/undo/", reassign.reassignment_undo, name="reassignment-undo"),
    path("one-on-ones/", oneonones.one_on_ones, name="one-on-ones"),
    path("one-on-ones/<uuid:code>/", oneonones.one_on_one, name="one-on-one"),
    path(
        "one-on-ones/meetings/<uuid:code>/",
        oneonones.meeting_detail,
        name="one-on-one-meeting",
    ),
    path("org/", org.chart, name="org-chart"),
    path("org/history/", org.history, name="org-history"),
    path("org/move/", org.change, name="org-change"),
    path("org/lead/", org.lead, name="org-lead"),
    path("people/", org.directory, name="people"),
    path("people/<int:person_id>/", org.person, name="person"),
]
