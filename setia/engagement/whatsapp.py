"""The WhatsApp Business Cloud API: sending one message, and verifying status webhooks.

The API's shape: `POST /{version}/{phone_number_id}/messages` with a bearer token; error
131047 when more than 24 hours passed since the customer last wrote (only approved templates
may be sent then), 131026 undeliverable, 130429/HTTP 429 rate limited, 5xx. Status webhooks are
signed with `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body with the app secret>`.
"""

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.conf import settings

# Error codes that mean "try again later" rather than "this message cannot be sent".
_RATE_LIMITED = {4, 80007, 130429, 131048, 131056}
_UNAVAILABLE = {1, 2, 131000, 133004}


class CloudAPIError(Exception):
    """A refused or failed request; `temporary` says whether a retry may succeed."""

    def __init__(self, reason: str, *, temporary: bool, code: int | None = None):
        super().__init__(reason)
        self.temporary = temporary
        self.code = code


def is_configured() -> bool:
    return bool(settings.WHATSAPP_ACCESS_TOKEN and settings.WHATSAPP_PHONE_NUMBER_ID)


def payload_for(message) -> dict:
    """The request body for `message`: an approved template with its parameters, or text."""
    body = {"messaging_product": "whatsapp", "to": message.recipient.lstrip("+")}
    if message.whatsapp_template_name:
        return {
            **body,
            "type": "template",
            "template": {
                "name": message.whatsapp_template_name,
                "language": {"code": message.template.language if message.template else "id"},
                "components": [
                    {
                        "type": "body",
                        "parameters": [
                            {"type": "text", "text": value} for value in message.parameters
                        ],
                    }
                ],
            },
            # Comes back in the status webhooks, tying them to this message.
            "biz_opaque_callback_data": str(message.code),
        }
    return {
        **body,
        "type": "text",
        "text": {"body": message.body},
        "biz_opaque_callback_data": str(message.code),
    }


def send(payload: dict, *, idempotency_key: str) -> str:
    """Send one message and return its WhatsApp message ID; raise CloudAPIError."""
    url = (
        f"{settings.WHATSAPP_API_URL.rstrip('/')}/{settings.WHATSAPP_API_VERSION}/"
        f"{settings.WHATSAPP_PHONE_NUMBER_ID}/messages"
    )
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {settings.WHATSAPP_ACCESS_TOKEN}",
            "Content-Type": "application/json",
            "Idempotency-Key": idempotency_key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WHATSAPP_TIMEOUT) as response:
            answer = json.load(response)
    except urllib.error.HTTPError as error:
        raise _refusal(error) from None
    except TimeoutError as error:
        raise CloudAPIError(f"timeout: {error}", temporary=True) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            raise CloudAPIError(f"timeout: {reason}", temporary=True) from None
        raise CloudAPIError(f"connection failed: {reason}", temporary=True) from None
    except ValueError:
        raise CloudAPIError("the API answered with invalid JSON", temporary=True) from None
    try:
        return answer["messages"][0]["id"]
    except (KeyError, IndexError, TypeError):
        raise CloudAPIError("the API answer has no message ID", temporary=True) from None


def _refusal(error: urllib.error.HTTPError) -> CloudAPIError:
    try:
        details = json.loads(error.read() or b"{}").get("error", {})
    except ValueError:
        details = {}
    code = details.get("code")
    text = details.get("message") or error.reason or "error"
    extra = (details.get("error_data") or {}).get("details")
    reason = f"{code or error.code} {text}" + (f": {extra}" if extra else "")
    temporary = error.code == 429 or error.code >= 500 or code in _RATE_LIMITED | _UNAVAILABLE
    return CloudAPIError(reason, temporary=temporary, code=code)


def signature_is_valid(body: bytes, header: str | None) -> bool:
    """Whether `header` is `sha256=<HMAC-SHA256 of body with the app secret>`."""
    secret = settings.WHATSAPP_APP_SECRET
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


def statuses_in(payload: dict) -> list[dict]:
    """The status updates of a webhook payload: [{"id", "status", "reason"}]."""
    found = []
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            for status in (change.get("value") or {}).get("statuses") or []:
                errors = status.get("errors") or []
                reason = "; ".join(
                    f"{error.get('code')} {error.get('title') or error.get('message') or ''}".strip()
                    for error in errors
                )
                found.append(
                    {
                        "id": status.get("id", ""),
                        "status": status.get("status", ""),
                        "reason": reason,
                    }
                )
    return found


def inbound_messages_in(payload: dict) -> list[dict]:
    """The customers' own messages in a webhook payload: [{"id", "from", "text", "timestamp"}]."""
    found = []
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            for message in (change.get("value") or {}).get("messages") or []:
                text = (message.get("text") or {}).get("body") or message.get("type", "")
                found.append(
                    {
                        "id": message.get("id", ""),
                        "from": message.get("from", ""),
                        "text": text,
                        "timestamp": message.get("timestamp", ""),
                    }
                )
    return found
