import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from setia.core.http import AuthenticatedHttpRequest, InvalidParameter
from setia.customers.models import Customer
from setia.engagement import whatsapp
from setia.engagement.bulk import BulkError, bulk_templates, plan_bulk_send, start_bulk_send
from setia.engagement.forms import BulkConfirmForm, BulkSendForm
from setia.engagement.models import BulkSend
from setia.jobs.actions import runner_is_alive
from setia.lib.display import format_number
from setia.lib.ratelimits import rate_limited
from setia.segments.models import Segment

# Keys of a query string that are not filters of the customers list: its page and sort, and
# the bulk form's own fields. They are dropped; every other key is a filter of the list.
_LIST_KEYS = ("page", "sort", "template", "promo")


def _customers(request, query: QueryDict):
    segment_query = Segment.objects.usable_by(request.user).saved_query(query.get("segment", ""))
    visible = Customer.objects.visible_to(request.user).alive()
    try:
        return visible.listed(query, segment_query=segment_query)
    except ValidationError as error:
        # A search the list refuses: say so rather than send to every visible customer.
        raise InvalidParameter.refusing(error) from error


def _list_query(params: QueryDict) -> str:
    query = params.copy()
    for key in _LIST_KEYS:
        query.pop(key, None)
    return query.urlencode()


def _previews_or_confirms(request) -> bool:
    # Choosing a template is free; each preview renders the message for every customer.
    return request.method == "POST" or "template" in request.GET


@login_required
@permission_required("engagement.bulk_send_message", raise_exception=True)
@require_http_methods(["GET", "POST"])
@rate_limited("bulk-send", rate_setting="RATE_LIMIT_BULK_SEND", applies=_previews_or_confirms)
def bulk_send(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send a template to the customers of a filtered list: choose, preview and count, confirm.

    The list is the customers list's query string, read as the list reads it
    (`CustomerQuerySet.listed`), so a saved segment works here too.
    """
    form: BulkConfirmForm | BulkSendForm
    if request.method == "POST":
        form = BulkConfirmForm(request.POST, templates=bulk_templates())
        query = QueryDict(request.POST.get("query", ""))
    else:
        form = BulkSendForm(
            request.GET if "template" in request.GET else None, templates=bulk_templates()
        )
        query = QueryDict(_list_query(request.GET))
    customers = _customers(request, query)
    context = {
        "form": form,
        "list_query": query,
        "query": query.urlencode(),
        "plan": None,
        "whatsapp_ready": whatsapp.is_configured(),
    }
    if form.is_bound and form.is_valid():
        if request.method == "POST" and (repeat := _confirmed_send(request, form)):
            return repeat
        template, promo = form.cleaned_data["template"], form.cleaned_data["promo"]
        try:
            plan = plan_bulk_send(customers, template=template, promo=promo)
        except BulkError as error:
            context["error"] = error.message
            return render(request, "engagement/bulk_send.html", context, status=400)
        context["plan"] = plan
        context["skipped"] = _skipped_rows(plan.skipped)
        context["first"] = plan.recipients[0] if plan.recipients else None
        context["confirm_form"] = BulkConfirmForm(
            initial={
                "template": template.code,
                "promo": promo,
                "query": query.urlencode(),
                "expected": len(plan.recipients),
                "confirmation": uuid.uuid4(),
            }
        )
        if request.method == "POST":
            if form.cleaned_data["expected"] != len(plan.recipients):
                context["error"] = _(
                    "The list changed since the preview: check the number again and confirm."
                )
                return render(request, "engagement/bulk_send.html", context, status=409)
            try:
                bulk = start_bulk_send(
                    actor=request.user,
                    customers=customers,
                    template=template,
                    promo=promo,
                    query=query.urlencode(),
                    confirmation=form.cleaned_data["confirmation"],
                )
            except IntegrityError:
                # The same confirmation, posted twice at once: the other post started the send.
                if repeat := _confirmed_send(request, form):
                    return repeat
                raise
            except BulkError as error:
                context["error"] = error.message
                return render(request, "engagement/bulk_send.html", context, status=400)
            messages.success(
                request, _("%(count)s messages queued.") % {"count": format_number(bulk.total)}
            )
            return redirect("engagement:bulk-detail", bulk_code=bulk.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "engagement/bulk_send.html", context, status=status)


def _confirmed_send(request, form: BulkSendForm) -> HttpResponse | None:
    """The redirect to the send this confirmation already started, if it did (its page is a
    404 to anyone but its sender and those who see every customer)."""
    bulk = BulkSend.objects.filter(confirmation=form.cleaned_data["confirmation"]).first()
    if bulk is None:
        return None
    messages.info(request, _("This bulk send was already confirmed; nothing was queued again."))
    return redirect("engagement:bulk-detail", bulk_code=bulk.code)


def _skipped_rows(skipped: dict) -> list[tuple[str, int]]:
    rows = []
    for key, count in sorted(skipped.items()):
        if key == "no_address":
            rows.append((_("no primary contact with an address for this channel"), count))
        else:
            names = ", ".join("{" + name + "}" for name in key.removeprefix("missing:").split(","))
            rows.append((_("no value for %(names)s") % {"names": names}, count))
    return rows


@login_required
@permission_required("engagement.bulk_send_message", raise_exception=True)
@require_GET
def bulk_detail(request: AuthenticatedHttpRequest, bulk_code) -> HttpResponse:
    """Progress and the sent/failed report; the progress part refreshes itself (htmx)."""
    bulk = get_object_or_404(
        BulkSend.objects.select_related("template", "created_by", "job"), code=bulk_code
    )
    if bulk.created_by_id != request.user.pk and not request.user.has_perm(
        "customers.view_all_customers"
    ):
        raise Http404
    progress = bulk.progress()
    if bulk.job:
        bulk.job.changeable = bulk.job.can_be_changed_by(request.user)
    context = {
        "bulk": bulk,
        "job": bulk.job,
        "skipped": _skipped_rows(bulk.skipped),
        "progress": progress,
        # Waiting messages go with the every-minute schedule: say so when nothing runs it.
        "runner_is_alive": progress["finished"] or runner_is_alive(),
        "failures": bulk.messages.filter(status="failed").select_related("customer")[:200],
    }
    if request.htmx:
        return render(request, "engagement/_bulk_progress.html", context)
    return render(request, "engagement/bulk_detail.html", context)
