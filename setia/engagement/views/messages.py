from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.core.http import AuthenticatedHttpRequest, invalid_form_status
from setia.core.middleware import ContentSecurityPolicyMiddleware
from setia.customers.access import get_customer_for_user
from setia.engagement import actions, whatsapp
from setia.engagement.forms import ComposeForm, MessageTemplateForm
from setia.engagement.models import Channel, MessageTemplate
from setia.engagement.templating import VARIABLES, TemplateError, customer_values, variables_in


@login_required
@permission_required("engagement.view_messagetemplate", raise_exception=True)
@require_GET
def list_templates(request: AuthenticatedHttpRequest) -> HttpResponse:
    templates = MessageTemplate.objects.all()
    return render(request, "engagement/templates_list.html", {"templates": templates})


@login_required
@permission_required("engagement.add_messagetemplate", raise_exception=True)
@require_http_methods(["GET", "POST"])
def create_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = MessageTemplateForm(request.POST or None, initial={"language": get_language()})
    context = {"form": form, "title": _("New message template"), "variables": VARIABLES}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "engagement/template_form.html", context, status=400)
        template = MessageTemplate.objects.create(**form.model_data(), created_by=request.user)
        messages.success(request, _("Template %(name)s saved.") % {"name": template.display_name})
        return redirect("engagement:template-list")
    return render(request, "engagement/template_form.html", context)


@login_required
@permission_required("engagement.change_messagetemplate", raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit_template(request: AuthenticatedHttpRequest, template_code) -> HttpResponse:
    template = get_object_or_404(MessageTemplate, code=template_code)
    form = MessageTemplateForm(request.POST or None, instance=template)
    context = {
        "form": form,
        "title": _("Edit template %(name)s") % {"name": template.display_name},
        "variables": VARIABLES,
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "engagement/template_form.html", context, status=400)
        form.save()
        messages.success(request, _("Template %(name)s saved.") % {"name": template.display_name})
        return redirect("engagement:template-list")
    return render(request, "engagement/template_form.html", context)


def get_customer_for_sending(request, code):
    """The customer, if the user may see it (404) and send messages (403)."""
    customer = get_customer_for_user(request, code)
    if not request.user.has_perm("engagement.send_message"):
        raise PermissionDenied
    return customer


def preview(form: ComposeForm, customer) -> dict:
    """Render the chosen template for the customer. Returns `text` and `subject` and
    `ready: True`, or `error` (missing or unknown variables); `{}` while the form is incomplete.
    Nothing is sent or recorded."""
    if not form.is_valid():
        return {}
    template = form.cleaned_data["template"]
    result = {
        "template": template,
        "contact": form.cleaned_data["contact"],
        "promo": form.cleaned_data["promo"],
    }
    if template is None:
        # Without a template WhatsApp opens with what was typed (an agreed answer inserted from
        # the suggestions, say), or an empty chat.
        typed = form.cleaned_data["text"].strip()
        return {**result, "text": typed, "typed": typed, "subject": "", "ready": True}
    values = customer_values(
        customer,
        contact=form.cleaned_data["contact"],
        language=template.language,
        extra={"promo": form.cleaned_data["promo"]},
    )
    try:
        subject, text = template.render(values)
    except TemplateError as error:
        return {**result, "error": error.message}
    return {**result, "subject": subject, "text": text, "ready": True}


@login_required
@require_GET
def compose_message(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    """Choose a template and a contact and preview the message with this customer's values."""
    customer = get_customer_for_sending(request, code)
    channel = request.GET.get("channel") if request.GET.get("channel") in Channel.values else ""
    form = ComposeForm(request.GET or None, customer=customer, channel=channel or None)
    context = {
        "customer": customer,
        "form": form,
        "channel": channel,
        "preview": preview(form, customer),
        "has_contacts": customer.contacts.exists(),
        "cloud_api": whatsapp.is_configured(),
        # A customer's message to answer (the timeline's "Suggest an answer" on an inbound one).
        "question": request.GET.get("question", "")[:5000],
    }
    if request.htmx:
        return render(request, "engagement/_compose_preview.html", context)
    return _allow_whatsapp_form(render(request, "engagement/compose.html", context))


def _allow_whatsapp_form(response):
    # Without JavaScript the "Open in WhatsApp" form posts and is redirected to wa.me; browsers
    # apply the page's CSP form-action to that redirect, so this page allows wa.me as well.
    response["Content-Security-Policy"] = ContentSecurityPolicyMiddleware.POLICY.replace(
        "form-action 'self'", "form-action 'self' https://wa.me"
    )
    return response


@login_required
@require_POST
def open_whatsapp(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    """Record a WhatsApp message on the timeline, then open the click-to-chat link.

    With htmx the link is opened through HX-Redirect (a navigation, which the page's CSP
    allows); without it, through a redirect. A template with a missing variable, or a contact
    without WhatsApp, re-renders the form with 400 and records nothing.
    """
    customer = get_customer_for_sending(request, code)
    form = ComposeForm(request.POST, customer=customer, channel=Channel.WHATSAPP)
    result = preview(form, customer)
    error = result.get("error")
    if form.is_valid() and not error:
        try:
            _message, link = actions.open_whatsapp_chat(
                customer=customer,
                contact=form.cleaned_data["contact"],
                actor=request.user,
                template=form.cleaned_data["template"],
                text=result.get("text", ""),
            )
        except actions.CannotSend as refusal:
            error = refusal.message
        else:
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = link
                return response
            return HttpResponseRedirect(link)
    context = {
        "customer": customer,
        "form": form,
        "channel": Channel.WHATSAPP,
        "preview": {**result, "error": error, "ready": False} if error else result,
        "has_contacts": True,
    }
    if request.htmx:
        return render(
            request,
            "engagement/_compose_preview.html",
            context,
            status=invalid_form_status(request),
        )
    return _allow_whatsapp_form(render(request, "engagement/compose.html", context, status=400))


@login_required
@require_POST
def send_email(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    """Queue the previewed e-mail for sending (a Celery task) and go back to the customer.

    A missing variable or a contact without e-mail re-renders the page with 400 and queues
    nothing.
    """
    customer = get_customer_for_sending(request, code)
    form = ComposeForm(request.POST, customer=customer, channel=Channel.EMAIL)
    result = preview(form, customer)
    error = result.get("error")
    if form.is_valid() and not error:
        if form.cleaned_data["template"] is None:
            error = _("Choose an email template.")
        else:
            try:
                actions.queue_email(
                    customer=customer,
                    contact=form.cleaned_data["contact"],
                    actor=request.user,
                    template=form.cleaned_data["template"],
                    subject=result["subject"],
                    body=result["text"],
                )
            except actions.CannotSend as refusal:
                error = refusal.message
            else:
                messages.success(
                    request,
                    _("Email to %(name)s queued for sending.")
                    % {"name": form.cleaned_data["contact"].name},
                )
                return redirect(customer)
    context = {
        "customer": customer,
        "form": form,
        "channel": Channel.EMAIL,
        "preview": {**result, "error": error, "ready": False} if error else result,
        "has_contacts": True,
    }
    return render(request, "engagement/compose.html", context, status=400)


@login_required
@require_POST
def send_whatsapp(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    """Queue the previewed message for the WhatsApp Business Cloud API (a Celery task).

    Outside the customer's 24-hour window only an approved template goes; when that is not
    possible, or a variable is missing, the page is shown again with 400 and nothing is queued.
    """
    customer = get_customer_for_sending(request, code)
    form = ComposeForm(request.POST, customer=customer, channel=Channel.WHATSAPP)
    result = preview(form, customer)
    error = result.get("error")
    if not whatsapp.is_configured():
        error = _("Sending through the WhatsApp Business API is not set up; use click-to-chat.")
    if form.is_valid() and not error:
        template = form.cleaned_data["template"]
        if template is None:
            error = _("Choose a WhatsApp template.")
        else:
            values = customer_values(
                customer,
                contact=form.cleaned_data["contact"],
                language=template.language,
                extra={"promo": form.cleaned_data["promo"]},
            )
            try:
                actions.queue_whatsapp(
                    customer=customer,
                    contact=form.cleaned_data["contact"],
                    actor=request.user,
                    template=template,
                    text=result["text"],
                    parameters=[values[name] for name in variables_in(template.body)],
                )
            except actions.CannotSend as refusal:
                error = refusal.message
            else:
                messages.success(
                    request,
                    _("WhatsApp message to %(name)s queued for sending.")
                    % {"name": form.cleaned_data["contact"].name},
                )
                return redirect(customer)
    context = {
        "customer": customer,
        "form": form,
        "channel": Channel.WHATSAPP,
        "preview": {**result, "error": error, "ready": False} if error else result,
        "has_contacts": True,
    }
    return _allow_whatsapp_form(render(request, "engagement/compose.html", context, status=400))
