from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from setia.customers.access import get_customer_for_user
from setia.engagement.forms import ComposeForm, MessageTemplateForm
from setia.engagement.models import Channel, MessageTemplate
from setia.engagement.templating import VARIABLES, TemplateError, customer_values


@login_required
@permission_required("engagement.view_messagetemplate", raise_exception=True)
@require_GET
def list_templates(request: HttpRequest) -> HttpResponse:
    templates = MessageTemplate.objects.all()
    return render(request, "engagement/templates_list.html", {"templates": templates})


@login_required
@permission_required("engagement.add_messagetemplate", raise_exception=True)
@require_http_methods(["GET", "POST"])
def create_template(request: HttpRequest) -> HttpResponse:
    form = MessageTemplateForm(request.POST or None, initial={"language": get_language()})
    context = {"form": form, "title": _("New message template"), "variables": VARIABLES}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "engagement/template_form.html", context, status=400)
        template = MessageTemplate.objects.create(**form.model_data(), created_by=request.user)
        messages.success(request, _("Template %(name)s saved.") % {"name": template.name})
        return redirect("engagement:template-list")
    return render(request, "engagement/template_form.html", context)


@login_required
@permission_required("engagement.change_messagetemplate", raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit_template(request: HttpRequest, template_code) -> HttpResponse:
    template = get_object_or_404(MessageTemplate, code=template_code)
    form = MessageTemplateForm(request.POST or None, instance=template)
    context = {
        "form": form,
        "title": _("Edit template %(name)s") % {"name": template.name},
        "variables": VARIABLES,
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "engagement/template_form.html", context, status=400)
        form.save()
        messages.success(request, _("Template %(name)s saved.") % {"name": template.name})
        return redirect("engagement:template-list")
    return render(request, "engagement/template_form.html", context)


def get_customer_for_sending(request, code):
    """The customer, if the user may see it (404) and send messages (403)."""
    customer = get_customer_for_user(request, code)
    if not request.user.has_perm("engagement.send_message"):
        raise PermissionDenied
    return customer


def preview(form: ComposeForm, customer) -> dict:
    """Render the chosen template for the customer: `text`/`subject`, or `error` (missing or
    unknown variables). Nothing is sent or recorded."""
    if not form.is_valid():
        return {}
    template = form.cleaned_data["template"]
    values = customer_values(
        customer,
        contact=form.cleaned_data["contact"],
        language=template.language,
        extra={"promo": form.cleaned_data["promo"]},
    )
    try:
        subject, text = template.render(values)
    except TemplateError as error:
        return {"error": error.message, "template": template}
    return {"subject": subject, "text": text, "template": template}


@login_required
@require_GET
def compose_message(request: HttpRequest, code) -> HttpResponse:
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
    }
    if request.htmx:
        return render(request, "engagement/_compose_preview.html", context)
    return render(request, "engagement/compose.html", context)
