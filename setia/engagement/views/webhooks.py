import datetime
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from setia.engagement import actions, delivery, whatsapp
from setia.lib.dates import now
from setia.lib.ratelimits import rate_limited


@csrf_exempt  # Meta cannot send a CSRF token; the HMAC signature authenticates the request.
@require_http_methods(["GET", "POST"])
@rate_limited("whatsapp-webhook", rate_setting="RATE_LIMIT_WEBHOOK", key="ip")
def whatsapp_webhook(request: HttpRequest) -> HttpResponse:
    """WhatsApp Cloud API webhooks.

    GET: Meta's subscription check (echo `hub.challenge` when `hub.verify_token` matches).
    POST: message status updates and the customers' own messages (logged as inbound
    interactions, which open the 24-hour window), applied only when `X-Hub-Signature-256` is the HMAC of the
    raw body with the app secret; anything else is a 403 and changes nothing.
    """
    if request.method == "GET":
        token = settings.WHATSAPP_VERIFY_TOKEN
        if (
            token
            and request.GET.get("hub.mode") == "subscribe"
            and request.GET.get("hub.verify_token") == token
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponseForbidden()
    if not whatsapp.signature_is_valid(request.body, request.headers.get("X-Hub-Signature-256")):
        return HttpResponseForbidden()
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponse(status=400)
    payload = payload if isinstance(payload, dict) else {}
    for status in whatsapp.statuses_in(payload):
        delivery.apply_status(status["id"], status["status"], status["reason"])
    for message in whatsapp.inbound_messages_in(payload):
        actions.record_inbound_whatsapp(
            provider_id=message["id"],
            sender=message["from"],
            text=message["text"],
            sent_at=_from_timestamp(message["timestamp"]),
        )
    return HttpResponse(status=200)


def _from_timestamp(value: str):
    try:
        return datetime.datetime.fromtimestamp(int(value), tz=datetime.UTC)
    except (TypeError, ValueError, OverflowError):
        return now()
