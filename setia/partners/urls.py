from django.urls import path

from setia.partners import views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="partner-list"),
    path("new/", views.partner_create, name="partner-create"),
    path("<int:pk>/", views.partner_detail, name="partner-detail"),
    path("<int:pk>/edit/", views.partner_edit, name="partner-edit"),
    path("<int:pk>/contacts/add/", views.contact_add, name="contact-add"),
    path("<int:pk>/agreements/add/", views.agreement_add, name="agreement-add"),
    path("<int:pk>/programmes/add/", views.programme_add, name="programme-add"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme-detail"),
    path("programmes/<int:pk>/offer/", views.programme_offer, name="programme-offer"),
    path("referrals/<int:pk>/advance/", views.referral_advance, name="referral-advance"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/minutes.pdf", views.meeting_pdf, name="meeting-pdf"),
    path("<int:pk>/rates/", views.rate_card, name="rate-card"),
    path("<int:pk>/rates/import/", views.rate_card_import, name="rate-card-import"),
    path("<int:pk>/rates/changes/", views.rate_card_diff, name="rate-card-diff"),
    path(
        "<int:pk>/rates/changes.<str:extension>",
        views.rate_card_diff_download,
        name="rate-card-diff-download",
    ),
    path("<int:pk>/rates/v<int:number>/", views.rate_card_version, name="rate-card-version"),
    path(
        "<int:pk>/rates/v<int:number>/withdraw/",
        views.rate_card_withdraw,
        name="rate-card-withdraw",
    ),
    path(
        "<int:pk>/rates/v<int:number>/export.<str:extension>",
        views.rate_card_export,
        name="rate-card-export",
    ),
    path("meetings/<int:pk>/items/add/", views.action_item_add, name="action-item-add"),
]
