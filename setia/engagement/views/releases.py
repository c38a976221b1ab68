"""The managed list of releases: managers add and edit them; everyone reads them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from setia.core.http import AuthenticatedHttpRequest, invalid_form_status
from setia.engagement import actions
from setia.engagement.forms import ReleaseForm
from setia.engagement.models import Release


@login_required
@permission_required("engagement.view_release", raise_exception=True)
@require_GET
def release_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    # A handful of rows a year: the whole list, newest first.
    return render(request, "engagement/releases.html", {"releases": Release.objects.all()})


@login_required
@permission_required("engagement.add_release", raise_exception=True)
@require_http_methods(["GET", "POST"])
def create_release(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ReleaseForm(request.POST or None)
    context = {"form": form, "title": _("New release")}
    if request.method == "POST":
        if not form.is_valid():
            status = invalid_form_status(request)
            return render(request, "engagement/release_form.html", context, status=status)
        release = actions.save_release(data=form.model_data())
        messages.success(request, _("Release %(name)s saved.") % {"name": release.name})
        return redirect("engagement:release-list")
    return render(request, "engagement/release_form.html", context)


@login_required
@permission_required("engagement.change_release", raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit_release(request: AuthenticatedHttpRequest, release_code) -> HttpResponse:
    release = get_object_or_404(Release, code=release_code)
    form = ReleaseForm(request.POST or None, instance=release)
    context = {"form": form, "title": _("Edit release %(name)s") % {"name": release.name}}
    if request.method == "POST":
        if not form.is_valid():
            status = invalid_form_status(request)
            return render(request, "engagement/release_form.html", context, status=status)
        actions.save_release(release=release, data=form.model_data())
        messages.success(request, _("Release %(name)s saved.") % {"name": release.name})
        return redirect("engagement:release-list")
    return render(request, "engagement/release_form.html", context)
