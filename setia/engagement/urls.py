from django.urls import path

from setia.engagement.views import bulk, interactions, messages, offers, releases, webhooks

app_name = "engagement"

urlpatterns = [
    path("customers/<uuid:code>/timeline/", interactions.customer_timeline, name="timeline"),
    path("customers/<uuid:code>/message/", messages.compose_message, name="message-compose"),
    path("customers/<uuid:code>/whatsapp/", messages.open_whatsapp, name="whatsapp-open"),
    path("customers/<uuid:code>/email/", messages.send_email, name="email-send"),
    path("customers/<uuid:code>/whatsapp/send/", messages.send_whatsapp, name="whatsapp-send"),
    path("whatsapp/webhook/", webhooks.whatsapp_webhook, name="whatsapp-webhook"),
    path("customers/<uuid:code>/offers/new/", offers.propose_offer, name="offer-propose"),
    path("offers/", offers.offers_report, name="offer-report"),
    path("offers/<uuid:offer_code>/", offers.offer_detail, name="offer-detail"),
    path("offers/<uuid:offer_code>/approve/", offers.approve_offer, name="offer-approve"),
    path("offers/<uuid:offer_code>/reject/", offers.reject_offer, name="offer-reject"),
    path("offers/<uuid:offer_code>/outcome/", offers.record_offer_outcome, name="offer-outcome"),
    path("bulk/", bulk.bulk_send, name="bulk-send"),
    path("bulk/<uuid:bulk_code>/", bulk.bulk_detail, name="bulk-detail"),
    path("interactions/", interactions.interaction_list, name="interaction-list"),
    path("complaints/", interactions.complaints_report, name="complaints-report"),
    path("releases/", releases.release_list, name="release-list"),
    path("releases/new/", releases.create_release, name="release-create"),
    path("releases/<uuid:release_code>/", releases.edit_release, name="release-edit"),
    path("templates/", messages.list_templates, name="template-list"),
    path("templates/new/", messages.create_template, name="template-create"),
    path("templates/<uuid:template_code>/", messages.edit_template, name="template-edit"),
]
