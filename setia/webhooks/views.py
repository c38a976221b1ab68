"""The webhooks pages, for administrators: the list with a new webhook's form (its secret shown
once), a webhook's settings (a new secret, a test event, removal) and its delivery log."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.core.http import AuthenticatedHttpRequest
from setia.webhooks import actions, events
from setia.webhooks.forms import WebhookForm
from setia.webhooks.models import Attempt, Webhook

PERMISSION = "webhooks.change_webhook"


def _secret_page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    # A secret may be in this answer: no cache and no browser may keep it.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def webhook_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = WebhookForm(request.POST or None)
    created, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            created = actions.create_webhook(
                actor=request.user,
                name=form.cleaned_data["name"],
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
            )
            form = WebhookForm()
        else:
            status = 400
    page = Paginator(Webhook.objects.all(), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(events.choices())
    for webhook in page.object_list:
        webhook.event_labels = [str(labels.get(name, name)) for name in webhook.events]
    context = {
        "form": form,
        "page": page,
        "created": created,
        "disabled": [webhook for webhook in page.object_list if webhook.disabled_at],
    }
    return _secret_page(request, "webhooks/webhook_list.html", context, status)


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def webhook_edit(request: AuthenticatedHttpRequest, webhook_id: int) -> HttpResponse:
    webhook = get_object_or_404(Webhook, pk=webhook_id)
    form = WebhookForm(request.POST or None, instance=webhook)
    if request.method == "POST":
        if form.is_valid():
            actions.update_webhook(
                webhook=webhook,
                actor=request.user,
                name=form.cleaned_data["name"],
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                is_active=form.cleaned_data["is_active"],
            )
            messages.success(request, _("The webhook was saved."))
            return redirect("webhooks:webhook-edit", webhook.pk)
        webhook.refresh_from_db()
        return render(
            request, "webhooks/webhook_edit.html", {"form": form, "webhook": webhook}, status=400
        )
    return render(request, "webhooks/webhook_edit.html", {"form": form, "webhook": webhook})


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def webhook_secret(request: AuthenticatedHttpRequest, webhook_id: int) -> HttpResponse:
    webhook = get_object_or_404(Webhook, pk=webhook_id)
    secret = actions.regenerate_secret(webhook=webhook, actor=request.user)
    context = {"form": WebhookForm(instance=webhook), "webhook": webhook, "secret": secret}
    return _secret_page(request, "webhooks/webhook_edit.html", context)


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def webhook_test(request: AuthenticatedHttpRequest, webhook_id: int) -> HttpResponse:
    webhook = get_object_or_404(Webhook, pk=webhook_id)
    actions.send_test(webhook=webhook, actor=request.user)
    messages.success(request, _("A test event was queued; its attempt appears below."))
    return redirect("webhooks:webhook-log", webhook.pk)


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def webhook_delete(request: AuthenticatedHttpRequest, webhook_id: int) -> HttpResponse:
    webhook = get_object_or_404(Webhook, pk=webhook_id)
    actions.delete_webhook(webhook=webhook, actor=request.user)
    messages.success(request, _("The webhook %(name)s was removed.") % {"name": webhook.name})
    return redirect("webhooks:webhook-list")


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_GET
def webhook_log(request: AuthenticatedHttpRequest, webhook_id: int) -> HttpResponse:
    webhook = get_object_or_404(Webhook, pk=webhook_id)
    attempts = (
        Attempt.objects.filter(webhook=webhook)
        .select_related("delivery")
        .only(
            "number",
            "status_code",
            "response_excerpt",
            "duration_ms",
            "error",
            "succeeded",
            "at",
            "delivery__event",
            "delivery__state",
            "delivery__id",
        )
    )
    page = Paginator(attempts, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "webhooks/webhook_log.html", {"webhook": webhook, "page": page})
