from django.urls import path

from setia.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="campaign-list"),
    path("new/", views.campaign_create, name="campaign-create"),
    path("<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign-edit"),
    path("<int:pk>/invite/", views.campaign_invite, name="campaign-invite"),
    path("<int:pk>/report.pdf", views.campaign_report_pdf, name="campaign-report-pdf"),
    path("<int:pk>/report.xlsx", views.campaign_report_xlsx, name="campaign-report-xlsx"),
    path("participants/<int:pk>/join/", views.participant_join, name="participant-join"),
    path("promotions/", views.promotion_list, name="promotion-list"),
    path("promotions/new/", views.promotion_create, name="promotion-create"),
    path("captions/", views.caption_week, name="caption-week"),
    path("captions/templates/", views.caption_templates, name="caption-templates"),
]
