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
from setia.customers.actions import StaleEditError
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


def _detail(request, offer, *, status: int = 200, **context) -> HttpResponse:
    """The offer's page, with its step forms made from the version shown (or those given)."""
    user = request.user
    page = {
        "offer": offer,
        "customer": offer.customer,
        "can_approve": offer.status == OfferStatus.PROPOSED
        and user.has_perm("engagement.approve_retentionoffer"),
        "can_record": offer.status == OfferStatus.APPROVED
        and user.has_perm("engagement.change_retentionoffer"),
        "decision_form": DecisionForm(instance=offer),
        "outcome_form": OutcomeForm(instance=offer),
        **context,
    }
    return render(request, "engagement/offer_detail.html", page, status=status)


@login_required
@require_GET
def offer_detail(request: AuthenticatedHttpRequest, offer_code) -> HttpResponse:
    return _detail(request, get_offer_for_user(request, offer_code))


def _refused(request, offer, error):
    messages.error(request, error.message)
    return redirect("engagement:offer-detail", offer_code=offer.code)


def _stale(request, offer_code, error: StaleEditError) -> HttpResponse:
    """409: the step was taken from an older version; the page as it is now, with what
    changed next to what the user tried."""
    messages.error(request, error.message)
    return _detail(request, get_offer_for_user(request, offer_code), status=409, conflict=error)


def _step(request, offer_code, *, permission: str, form_class, take) -> HttpResponse | None:
    """Bind the step's form to the offer and take the step; a response when it could not be
    taken (400 with the form, 409 when stale, the page with the reason), None when done."""
    offer = get_offer_for_user(request, offer_code, permission=permission)
    form = form_class(request.POST, instance=offer)
    if not form.is_valid():
        name = "outcome_form" if form_class is OutcomeForm else "decision_form"
        fresh = get_offer_for_user(request, offer_code)
        return _detail(request, fresh, status=400, **{name: form})
    try:
        take(offer, form.cleaned_data)
    except StaleEditError as error:
        return _stale(request, offer_code, error)
    except offers.OfferError as error:
        return _refused(request, offer, error)
    return None


@login_required
@require_POST
def approve_offer(request: AuthenticatedHttpRequest, offer_code) -> HttpResponse:
    refused = _step(
        request,
        offer_code,
        permission="approve_retentionoffer",
        form_class=DecisionForm,
        take=lambda offer, data: offers.approve_offer(
            offer=offer, actor=request.user, expected_version=data["version"]
        ),
    )
    if refused is not None:
        return refused
    messages.success(request, _("Offer approved."))
    return redirect("engagement:offer-detail", offer_code=offer_code)


@login_required
@require_POST
def reject_offer(request: AuthenticatedHttpRequest, offer_code) -> HttpResponse:
    refused = _step(
        request,
        offer_code,
        permission="approve_retentionoffer",
        form_class=DecisionForm,
        take=lambda offer, data: offers.reject_offer(
            offer=offer,
            actor=request.user,
            reason=data["reason"],
            expected_version=data["version"],
        ),
    )
    if refused is not None:
        return refused
    messages.success(request, _("Offer not approved."))
    return redirect("engagement:offer-detail", offer_code=offer_code)


@login_required
@require_POST
def record_offer_outcome(request: AuthenticatedHttpRequest, offer_code) -> HttpResponse:
    refused = _step(
        request,
        offer_code,
        permission="change_retentionoffer",
        form_class=OutcomeForm,
        take=lambda offer, data: offers.record_outcome(
            offer=offer,
            actor=request.user,
            outcome=data["outcome"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
    )
    if refused is not None:
        return refused
    messages.success(request, _("The customer's answer is recorded."))
    return redirect("engagement:offer-detail", offer_code=offer_code)


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
