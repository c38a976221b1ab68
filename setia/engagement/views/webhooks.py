import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from setia.engagement import delivery, whatsapp


@csrf_exempt  # Meta cannot send a CSRF token; the HMAC signature authenticates the request.
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request: HttpRequest) -> HttpResponse:
    """WhatsApp Cloud API webhooks.

    GET: Meta's subscription check (echo `hub.challenge` when `hub.verify_token` matches).
    POST: message status updates, applied only when `X-Hub-Signature-256` is the HMAC of the
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
    for status in whatsapp.statuses_in(payload if isinstance(payload, dict) else {}):
        delivery.apply_status(status["id"], status["status"], status["reason"])
    return HttpResponse(status=200)
