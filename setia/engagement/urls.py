from django.urls import path

from setia.engagement.views import interactions, messages, webhooks

app_name = "engagement"

urlpatterns = [
    path("customers/<uuid:code>/timeline/", interactions.customer_timeline, name="timeline"),
    path("customers/<uuid:code>/log/", interactions.log_interaction, name="interaction-log"),
    path("customers/<uuid:code>/message/", messages.compose_message, name="message-compose"),
    path("customers/<uuid:code>/whatsapp/", messages.open_whatsapp, name="whatsapp-open"),
    path("customers/<uuid:code>/email/", messages.send_email, name="email-send"),
    path("customers/<uuid:code>/whatsapp/send/", messages.send_whatsapp, name="whatsapp-send"),
    path("whatsapp/webhook/", webhooks.whatsapp_webhook, name="whatsapp-webhook"),
    path("templates/", messages.list_templates, name="template-list"),
    path("templates/new/", messages.create_template, name="template-create"),
    path("templates/<uuid:template_code>/", messages.edit_template, name="template-edit"),
]
