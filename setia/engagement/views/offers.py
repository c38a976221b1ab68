from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.core.http import AuthenticatedHttpRequest
from setia.customers.access import get_customer_for_user
from setia.engagement import offers
from setia.engagement.forms import DecisionForm, OfferFilterForm, OfferForm, OutcomeForm
from setia.engagement.models import OfferStatus, RetentionOffer


def get_offer_for_user(
    request: AuthenticatedHttpRequest, offer_code, *, permission: str | None = None
) -> RetentionOffer:
    """The offer with `offer_code` if its customer is visible to the user (else 404); with
    `permission`, a 403 when the user may see it but not take that step."""
    offer = get_object_or_404(
        RetentionOffer.objects.visible_to(request.user).select_related(
            "customer", "proposed_by", "approved_by"
        ),
        code=offer_code,
    )
    if permission and not request.user.has_perm(f"engagement.{permission}"):
        raise PermissionDenied
    return offer


@login_required
@require_http_methods(["GET", "POST"])
def propose_offer(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    customer = get_customer_for_user(request, code)
    if not request.user.has_perm("engagement.add_retentionoffer"):
        raise PermissionDenied
    form = OfferForm(request.POST or None)
    context = {"form": form, "customer": customer, "title": _("Propose a retention offer")}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "customers/form.html", context, status=400)
        try:
            offer = offers.propose_offer(customer=customer, actor=request.user, **form.model_data())
        except offers.OfferError as error:
            form.add_error(None, error.message)
            return render(request, "customers/form.html", context, status=400)
        if offer.status == OfferStatus.PROPOSED:
            messages.success(
                request, _("Offer proposed; a manager approves it before it is offered.")
            )
        else:
            messages.success(
                request, _("Offer approved; record the customer's answer when it comes.")
            )
        return redirect("engagement:offer-detail", offer_code=offer.code)
    return render(request, "customers/form.html", context)


@login_required
@require_GET
def offer_detail(request: AuthenticatedHttpRequest, offer_code) -> HttpResponse:
    offer = get_offer_for_user(request, offer_code)
    user = request.user
    context = {
        "offer": offer,
        "customer": offer.customer,
        "can_approve": offer.status == OfferStatus.PROPOSED
        and user.has_perm("engagement.approve_retentionoffer"),
        "can_record": offer.status == OfferStatus.APPROVED
        and user.has_perm("engagement.change_retentionoffer"),
        "decision_form": DecisionForm(),
        "outcome_form": OutcomeForm(),
    }
    return render(request, "engagement/offer_detail.html", context)


def _refused(request, offer, error):
    messages.error(request, error.message)
    return redirect("engagement:offer-detail", offer_code=offer.code)


@login_required
@require_POST
def approve_offer(request: AuthenticatedHttpRequest, offer_code) -> HttpResponse:
    offer = get_offer_for_user(request, offer_code, permission="approve_retentionoffer")
    try:
        offers.approve_offer(offer=offer, actor=request.user)
    except offers.OfferError as error:
        return _refused(request, offer, error)
    messages.success(request, _("Offer approved."))
    return redirect("engagement:offer-detail", offer_code=offer.code)


@login_required
@require_POST
def reject_offer(request: AuthenticatedHttpRequest, offer_code) -> HttpResponse:
    offer = get_offer_for_user(request, offer_code, permission="approve_retentionoffer")
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        offers.reject_offer(
            offer=offer, actor=request.user, reason=form.cleaned_data.get("reason", "")
        )
    except offers.OfferError as error:
        return _refused(request, offer, error)
    messages.success(request, _("Offer not approved."))
    return redirect("engagement:offer-detail", offer_code=offer.code)


@login_required
@require_POST
def record_offer_outcome(request: AuthenticatedHttpRequest, offer_code) -> HttpResponse:
    offer = get_offer_for_user(request, offer_code, permission="change_retentionoffer")
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        context = {
            "offer": offer,
            "customer": offer.customer,
            "can_record": True,
            "outcome_form": form,
            "decision_form": DecisionForm(),
        }
        return render(request, "engagement/offer_detail.html", context, status=400)
    try:
        offers.record_outcome(
            offer=offer,
            actor=request.user,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
        )
    except offers.OfferError as error:
        return _refused(request, offer, error)
    messages.success(request, _("The customer's answer is recorded."))
    return redirect("engagement:offer-detail", offer_code=offer.code)


@login_required
@permission_required("engagement.view_retentionoffer", raise_exception=True)
@require_GET
def offers_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Offers on the user's customers: counts, acceptance rate and revenue kept, and the list."""
    filters = OfferFilterForm(request.GET or None)
    rows = RetentionOffer.objects.visible_to(request.user)
    summary = rows.summary()
    if filters.is_valid() and filters.cleaned_data["status"]:
        rows = rows.filter(status=filters.cleaned_data["status"])
    rows = rows.select_related("customer", "proposed_by", "approved_by")
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "summary": summary,
        "page": page,
        "query": query.urlencode(),
        "statuses": OfferStatus,
    }
    return render(request, "engagement/offers_report.html", context)
