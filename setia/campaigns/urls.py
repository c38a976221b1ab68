from django.urls import path

from setia.campaigns import views
from setia.campaigns.statuses import CampaignKind

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="campaign-list"),
    path("new/", views.campaign_create, name="campaign-create"),
    path("<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign-edit"),
    path("<int:pk>/invite/", views.campaign_invite, name="campaign-invite"),
    path("<int:pk>/report.pdf", views.campaign_report_pdf, name="campaign-report-pdf"),
    path("<int:pk>/report.xlsx", views.campaign_report_xlsx, name="campaign-report-xlsx"),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone-add"),
    path("milestones/<int:pk>/mark/", views.milestone_mark, name="milestone-mark"),
    path("initiatives/", views.initiative_list, name="initiative-list"),
    path(
        "initiatives/new/",
        views.campaign_create,
        {"kind": CampaignKind.INITIATIVE},
        name="initiative-create",
    ),
    path("participants/<int:pk>/join/", views.participant_join, name="participant-join"),
    path("promotions/", views.promotion_list, name="promotion-list"),
    path("promotions/new/", views.promotion_create, name="promotion-create"),
    path("promotions/<int:pk>/edit/", views.promotion_edit, name="promotion-edit"),
    path("promotions/import/", views.promotion_import, name="promotion-import"),
    path("<int:pk>/promotions/", views.campaign_promotions, name="campaign-promotions"),
    path("captions/", views.caption_week, name="caption-week"),
    path("captions/templates/", views.caption_templates, name="caption-templates"),
]
