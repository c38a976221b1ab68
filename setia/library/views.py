import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.files.storage import default_storage
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.core.http import AuthenticatedHttpRequest
from setia.customers.models import Category, Customer, Store
from setia.lib.dates import today
from setia.library import actions
from setia.library.forms import ExampleStoreForm, GuideForm, PublishForm
from setia.library.models import Guide
from setia.metrics.similar import similar_customers


def _get_category(slug: str) -> Category:
    return get_object_or_404(Category.objects.select_related("guide__owner"), slug=slug)


def _get_guide(slug: str) -> Guide:
    """The category's guide; 404 when the category or its guide does not exist."""
    guide = Guide.objects.select_related("category", "owner").filter(category__slug=slug).first()
    if guide is None:
        raise Http404("no guide")
    return guide


@login_required
@permission_required("library.view_guide", raise_exception=True)
@require_GET
def list_guides(request: AuthenticatedHttpRequest) -> HttpResponse:
    categories = (
        Category.objects.filter(is_active=True)
        .select_related("guide__owner")
        .annotate(last_version=Max("guide__versions__number"))
    )
    return render(request, "library/list.html", {"categories": categories, "today": today()})


@login_required
@permission_required("library.view_guide", raise_exception=True)
@require_GET
def guide_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    category = _get_category(slug)
    guide = getattr(category, "guide", None)
    context = {"category": category, "guide": guide, "today": today()}
    context.update(_stores_like(request, category))
    if guide is not None:
        versions = list(guide.versions.select_related("published_by"))
        current = versions[0] if versions else None
        baseline = actions.month_ago_version(versions)
        working = actions.snapshot(guide)
        context.update(
            versions=versions,
            current=current,
            baseline=baseline,
            monthly_changes=(
                actions.diff_snapshots(baseline.snapshot, current.snapshot)
                if baseline and current
                else []
            ),
            unpublished=actions.diff_snapshots(current.snapshot if current else None, working),
            examples=list(guide.examples.select_related("store__customer")),
            objections=list(guide.objections.all()),
            publish_form=PublishForm(),
        )
    return render(request, "library/detail.html", context)


def _stores_like(request: AuthenticatedHttpRequest, category: Category) -> dict:
    """ "Stores like yours": for `?like=<customer code>`, a customer of this category the reader
    may see, the customers most like it (`setia.metrics.similar`) and their stores, in three
    queries. A code that is malformed, unknown, out of the reader's scope or of another
    category shows nothing."""
    try:
        code = uuid.UUID(request.GET.get("like") or "")
    except ValueError:
        return {}
    like = (
        Customer.objects.visible_to(request.user)
        .alive()
        .filter(code=code, category=category)
        .select_related("rollup")
        .first()
    )
    if like is None:
        return {}
    similar = similar_customers(like, request.user, getattr(like, "rollup", None))
    stores: dict[int, list[Store]] = {}
    for store in Store.objects.filter(customer__in=[row.customer.pk for row in similar]):
        stores.setdefault(store.customer_id, []).append(store)
    for row in similar:
        row.stores = stores.get(row.customer.pk, [])  # type: ignore[attr-defined]
    return {"like": like, "stores_like": similar}


@login_required
@permission_required("library.change_guide", raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit_guide(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    category = _get_category(slug)
    guide = getattr(category, "guide", None) or Guide(category=category, owner=request.user)
    form = GuideForm(request.POST or None, instance=guide)
    context = {
        "form": form,
        "category": category,
        "title": _("Guide: %(category)s") % {"category": category.display_name},
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "library/form.html", context, status=400)
        actions.save_guide(
            guide=guide,
            actor=request.user,
            data=form.model_data(),
            objections=form.cleaned_data["objections_text"],
        )
        messages.success(request, _("Guide saved. Publish it when it is ready."))
        return redirect(guide)
    return render(request, "library/form.html", context)


@login_required
@permission_required("library.change_guide", raise_exception=True)
@require_http_methods(["GET", "POST"])
def add_example(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    guide = _get_guide(slug)
    form = ExampleStoreForm(
        request.POST or None, request.FILES or None, user=request.user, guide=guide
    )
    context = {
        "form": form,
        "category": guide.category,
        "title": _("Add an example store"),
        "multipart": True,
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "library/form.html", context, status=400)
        actions.add_example(
            guide=guide,
            actor=request.user,
            store=form.cleaned_data["domain"],
            note=form.cleaned_data["note"],
            screenshot=form.cleaned_data["screenshot"],
        )
        messages.success(request, _("Example store added."))
        return redirect(guide)
    return render(request, "library/form.html", context)


@login_required
@permission_required("library.change_guide", raise_exception=True)
@require_POST
def delete_example(request: AuthenticatedHttpRequest, slug: str, example_id: int) -> HttpResponse:
    guide = _get_guide(slug)
    example = get_object_or_404(guide.examples, pk=example_id)
    actions.remove_example(example=example, actor=request.user)
    messages.success(request, _("Example store removed."))
    return redirect(guide)


@login_required
@permission_required("library.add_guideversion", raise_exception=True)
@require_POST
def publish_guide(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    guide = _get_guide(slug)
    form = PublishForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    version = actions.publish_guide(guide=guide, actor=request.user, note=note)
    messages.success(request, _("Version %(number)s published.") % {"number": version.number})
    return redirect(guide)


@login_required
@permission_required("library.view_guide", raise_exception=True)
@require_GET
def present_guide(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The published page, large and without the app's chrome, for onboarding calls."""
    guide = _get_guide(slug)
    version = guide.versions.first()
    content = version.snapshot if version else actions.snapshot(guide)
    examples = [
        {**example, "screenshot_url": default_storage.url(example["screenshot"])}
        if example["screenshot"]
        else example
        for example in content["examples"]
    ]
    context = {"guide": guide, "version": version, "content": content, "examples": examples}
    return render(request, "library/present.html", context)
