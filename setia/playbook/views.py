from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.files.storage import default_storage
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.customers.models import Category
from setia.lib.dates import today
from setia.playbook import actions
from setia.playbook.forms import EntryForm, ExampleStoreForm, PublishForm
from setia.playbook.models import PlaybookEntry


def _get_category(slug: str) -> Category:
    return get_object_or_404(Category.objects.select_related("playbook__owner"), slug=slug)


def _get_entry(slug: str) -> PlaybookEntry:
    """The category's playbook page; 404 when the category or its page does not exist."""
    entry = PlaybookEntry.objects.select_related("category", "owner").filter(category__slug=slug)
    entry = entry.first()
    if entry is None:
        raise Http404("no playbook page")
    return entry


@login_required
@permission_required("playbook.view_playbookentry", raise_exception=True)
@require_GET
def list_entries(request: HttpRequest) -> HttpResponse:
    categories = (
        Category.objects.filter(is_active=True)
        .select_related("playbook__owner")
        .annotate(last_version=Max("playbook__versions__number"))
    )
    return render(request, "playbook/list.html", {"categories": categories, "today": today()})


@login_required
@permission_required("playbook.view_playbookentry", raise_exception=True)
@require_GET
def entry_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = _get_category(slug)
    entry = getattr(category, "playbook", None)
    context = {"category": category, "entry": entry, "today": today()}
    if entry is not None:
        versions = list(entry.versions.select_related("published_by"))
        current = versions[0] if versions else None
        baseline = actions.month_ago_version(versions)
        working = actions.snapshot(entry)
        context.update(
            versions=versions,
            current=current,
            baseline=baseline,
            monthly_changes=(
                actions.diff_snapshots(baseline.snapshot, current.snapshot) if baseline else []
            ),
            unpublished=actions.diff_snapshots(current.snapshot if current else None, working),
            examples=list(entry.examples.select_related("store__customer")),
            objections=list(entry.objections.all()),
            publish_form=PublishForm(),
        )
    return render(request, "playbook/detail.html", context)


@login_required
@permission_required("playbook.change_playbookentry", raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit_entry(request: HttpRequest, slug: str) -> HttpResponse:
    category = _get_category(slug)
    entry = getattr(category, "playbook", None) or PlaybookEntry(
        category=category, owner=request.user
    )
    form = EntryForm(request.POST or None, instance=entry)
    context = {
        "form": form,
        "category": category,
        "title": _("Playbook: %(category)s") % {"category": category.name},
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "playbook/form.html", context, status=400)
        actions.save_entry(
            entry=entry,
            actor=request.user,
            data=form.model_data(),
            objections=form.cleaned_data["objections_text"],
        )
        messages.success(request, _("Playbook page saved. Publish it when it is ready."))
        return redirect(entry)
    return render(request, "playbook/form.html", context)


@login_required
@permission_required("playbook.change_playbookentry", raise_exception=True)
@require_http_methods(["GET", "POST"])
def add_example(request: HttpRequest, slug: str) -> HttpResponse:
    entry = _get_entry(slug)
    form = ExampleStoreForm(
        request.POST or None, request.FILES or None, user=request.user, entry=entry
    )
    context = {
        "form": form,
        "category": entry.category,
        "title": _("Add an example store"),
        "multipart": True,
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "playbook/form.html", context, status=400)
        actions.add_example(
            entry=entry,
            actor=request.user,
            store=form.cleaned_data["domain"],
            note=form.cleaned_data["note"],
            screenshot=form.cleaned_data["screenshot"],
        )
        messages.success(request, _("Example store added."))
        return redirect(entry)
    return render(request, "playbook/form.html", context)


@login_required
@permission_required("playbook.change_playbookentry", raise_exception=True)
@require_POST
def delete_example(request: HttpRequest, slug: str, example_id: int) -> HttpResponse:
    entry = _get_entry(slug)
    example = get_object_or_404(entry.examples, pk=example_id)
    actions.remove_example(example=example, actor=request.user)
    messages.success(request, _("Example store removed."))
    return redirect(entry)


@login_required
@permission_required("playbook.add_playbookversion", raise_exception=True)
@require_POST
def publish_entry(request: HttpRequest, slug: str) -> HttpResponse:
    entry = _get_entry(slug)
    form = PublishForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    version = actions.publish_entry(entry=entry, actor=request.user, note=note)
    messages.success(request, _("Version %(number)s published.") % {"number": version.number})
    return redirect(entry)


@login_required
@permission_required("playbook.view_playbookentry", raise_exception=True)
@require_GET
def present_entry(request: HttpRequest, slug: str) -> HttpResponse:
    """The published page, large and without the app's chrome, for onboarding calls."""
    entry = _get_entry(slug)
    version = entry.versions.first()
    content = version.snapshot if version else actions.snapshot(entry)
    examples = [
        {**example, "screenshot_url": default_storage.url(example["screenshot"])}
        if example["screenshot"]
        else example
        for example in content["examples"]
    ]
    context = {"entry": entry, "version": version, "content": content, "examples": examples}
    return render(request, "playbook/present.html", context)
