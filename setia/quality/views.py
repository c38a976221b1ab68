from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.core.http import AuthenticatedHttpRequest
from setia.core.pagination import CountedUpToPaginator
from setia.customers.models import Contact, Customer, Store, Subscription
from setia.quality import actions, completeness
from setia.quality.forms import MergeForm
from setia.quality.models import (
    CustomerCompleteness,
    DuplicateCandidate,
    Merge,
    QualitySnapshot,
)

TREND_DAYS = 30


def get_candidate_for_user(
    request: AuthenticatedHttpRequest, code, *, alive: bool = True
) -> DuplicateCandidate:
    """The candidate with `code` if the user may see both of its customers, else Http404;
    Http403 when they may see them but not merge (change and delete) customers."""
    candidate = get_object_or_404(
        DuplicateCandidate.objects.visible_to(request.user, alive=alive).select_related(
            "customer_a__category",
            "customer_a__owner",
            "customer_a__team",
            "customer_b__category",
            "customer_b__owner",
            "customer_b__team",
        ),
        code=code,
    )
    if not (
        request.user.has_perm("customers.change_customer")
        and request.user.has_perm("customers.delete_customer")
    ):
        raise PermissionDenied
    return candidate


@login_required
@permission_required("customers.change_customer", raise_exception=True)
@require_GET
def data_quality(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The figures and the worst records from the last nightly snapshot (milliseconds at any
    size); computed on the spot only before the first snapshot, which a new installation has."""
    visible = Customer.objects.visible_to(request.user).alive()
    candidates = DuplicateCandidate.objects.visible_to(request.user).open()
    duplicate_code = Subquery(
        candidates.filter(Q(customer_a=OuterRef("pk")) | Q(customer_b=OuterRef("pk")))
        .order_by("-score", "id")
        .values("code")[:1]
    )
    latest = QualitySnapshot.objects.for_user(request.user).order_by("-day").first()
    # When the last snapshot's run wrote the customers' rows (not before the first one, nor
    # between an upgrade that adds them and the next night).
    computed_at = CustomerCompleteness.objects.values_list("computed_at", flat=True).first()
    if latest is None or computed_at is None:
        latest = computed_at = None
    if latest is not None:
        totals = {
            "customers": latest.customers,
            "average_completeness": latest.average_completeness,
            "complete": latest.complete,
            "stale": latest.stale,
        }
        # Fewest checks met first; among equals, the longest untouched (index order).
        worst = (
            visible.filter(completeness__isnull=False)
            .select_related("owner", "completeness")
            .annotate(duplicate_code=duplicate_code)
            .order_by("completeness__filled", "completeness__record_updated_at", "id")
        )
    else:
        totals = completeness.totals(visible)
        worst = (
            completeness.with_completeness(visible)
            .select_related("owner")
            .annotate(duplicate_code=duplicate_code)
            .order_by("filled", "updated_at", "id")
        )
    totals["percent_complete"] = (
        100 * totals["complete"] / totals["customers"] if totals["customers"] else 0.0
    )
    totals["open_duplicates"] = candidates.count()
    # A worklist read from the top: counted ten pages ahead at most (the figures above give
    # the totals), where counting every visible record was most of the page's time.
    page = CountedUpToPaginator(
        worst, settings.PAGE_SIZE, count_limit=10 * settings.PAGE_SIZE
    ).get_page(request.GET.get("page"))
    stale_before = completeness.stale_before()
    urls = completeness.fix_url_parts()
    for customer in page.object_list:
        if latest is not None:
            saved = customer.completeness
            customer.filled = saved.filled
            customer.missing = completeness.missing(customer, keys=saved.missing_keys, urls=urls)
            customer.is_stale = saved.record_updated_at < stale_before
        else:
            customer.missing = completeness.missing(customer, urls=urls)
        customer.percent = completeness.percent(customer.filled)
    trend = list(QualitySnapshot.objects.for_user(request.user).order_by("-day")[:TREND_DAYS])
    trend.reverse()
    context = {
        "totals": totals,
        "computed_at": computed_at,
        "page": page,
        "query": "",
        "trend": trend,
        "stale_days": settings.QUALITY_STALE_DAYS,
        "checks": [completeness.CHECKS[key].label for key in completeness.active_checks()],
    }
    return render(request, "quality/data_quality.html", context)


@login_required
@require_GET
def completeness_figure(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The latest daily completeness figure of the user's scope, as a fragment for the customers
    list (fetched by htmx after the list loads). Empty when there is no figure yet."""
    snapshot = QualitySnapshot.objects.for_user(request.user).order_by("-day").first()
    return render(request, "quality/_completeness_figure.html", {"snapshot": snapshot})


@login_required
@permission_required("customers.change_customer", raise_exception=True)
@require_GET
def list_duplicates(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status") or DuplicateCandidate.Status.OPEN
    if status not in DuplicateCandidate.Status.values:
        status = DuplicateCandidate.Status.OPEN
    # Merged pairs have a deleted customer; the others only list live ones.
    candidates = (
        DuplicateCandidate.objects.visible_to(
            request.user, alive=status != DuplicateCandidate.Status.MERGED
        )
        .filter(status=status)
        .with_identity()
        .select_related("customer_a", "customer_b", "resolved_by")
        .prefetch_related(
            Prefetch(
                "merges",
                queryset=Merge.objects.filter(undone_at__isnull=True),
                to_attr="open_merges",
            )
        )
        .order_by("-score", "-created_at", "id")
    )
    page = Paginator(candidates, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": DuplicateCandidate.Status.choices,
        "query": f"status={status}",
    }
    return render(request, "quality/duplicates.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def merge_duplicate(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    candidate = get_candidate_for_user(request, code)
    if candidate.status != DuplicateCandidate.Status.OPEN:
        messages.info(request, _("This pair was already handled."))
        return redirect("quality:duplicate-list")
    form = MergeForm(request.POST or None, candidate=candidate)
    sides = {}
    for side, customer in (("a", candidate.customer_a), ("b", candidate.customer_b)):
        sides[side] = {
            "customer": customer,
            "contacts": Contact.objects.filter(customer=customer),
            "stores": Store.objects.filter(customer=customer),
            "subscription": Subscription.objects.filter(customer=customer)
            .select_related("plan")
            .first(),
        }
    context = {"candidate": candidate, "form": form, "sides": sides}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "quality/merge.html", context, status=400)
        survivor = form.survivor_customer()
        try:
            merge = actions.merge_customers(
                candidate=candidate,
                survivor=survivor,
                choices=form.choices(),
                actor=request.user,
                expected_versions=form.expected_versions(),
            )
        except actions.MergeError as error:
            # Show the records as they are now, with their current versions.
            messages.error(request, error.message)
            candidate = get_candidate_for_user(request, code)
            context.update(candidate=candidate, form=MergeForm(candidate=candidate))
            return render(request, "quality/merge.html", context, status=409)
        names = {"loser": merge.loser.name, "survivor": merge.survivor.name}
        undo_url = reverse("quality:merge-undo-confirm", args=[merge.code])
        text = _("%(loser)s was merged into %(survivor)s.") % names
        if request.user.has_perm("quality.undo_merge"):
            link = _("Undo")
        else:
            link = _("A manager can undo it.")
        messages.success(request, format_html('{} <a href="{}">{}</a>', text, undo_url, link))
        return redirect(merge.survivor)
    return render(request, "quality/merge.html", context)


@login_required
@require_POST
def dismiss_duplicate(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    candidate = get_candidate_for_user(request, code)
    try:
        actions.dismiss_candidate(candidate=candidate, actor=request.user)
    except actions.MergeError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(first)s and %(second)s are marked as different customers.")
            % {"first": candidate.customer_a.name, "second": candidate.customer_b.name},
        )
    return redirect("quality:duplicate-list")


def _get_merge_for_user(request, code) -> Merge:
    """A merge of two customers the user may see (404 otherwise)."""
    visible = Customer.objects.visible_to(request.user)
    return get_object_or_404(
        Merge.objects.select_related("survivor", "loser").filter(
            survivor__in=visible.values("pk"), loser__in=visible.values("pk")
        ),
        code=code,
    )


@login_required
@require_GET
def confirm_undo_merge(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    """The page the merge's success message links to: what the undo restores, and its button
    (for a manager; the others see who can press it)."""
    merge = _get_merge_for_user(request, code)
    context = {"merge": merge, "can_undo": request.user.has_perm("quality.undo_merge")}
    return render(request, "quality/undo_merge.html", context)


@login_required
@require_POST
def undo_merge(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    merge = _get_merge_for_user(request, code)
    if not request.user.has_perm("quality.undo_merge"):
        raise PermissionDenied
    try:
        actions.undo_merge(merge=merge, actor=request.user)
    except actions.MergeError as error:
        messages.error(request, error.message)
        return redirect(f"{_duplicates_url()}?status=merged")
    messages.success(
        request,
        _("The merge was undone: %(loser)s is back.") % {"loser": merge.loser.name},
    )
    return redirect(merge.loser)


def _duplicates_url() -> str:
    return reverse("quality:duplicate-list")
