"""The jobs page: every background job a user may see, its state and failure reason, with
retry and cancel for those allowed to."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from setia.core.http import AuthenticatedHttpRequest, InvalidParameter
from setia.jobs import actions
from setia.jobs.models import Job


@login_required
@require_GET
def job_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state and state not in Job.State.values:
        raise InvalidParameter(_("Unknown job state."))
    jobs = Job.objects.visible_to(request.user).select_related("created_by")
    if state:
        jobs = jobs.filter(state=state)
    page = Paginator(jobs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    for job in page.object_list:
        job.changeable = job.can_be_changed_by(request.user)
    context = {
        "page": page,
        "jobs": page.object_list,
        "state": state,
        "states": Job.State.choices,
        "query": request.GET,
        "runner_is_alive": actions.runner_is_alive(),
        "uses_celery": bool(settings.REDIS_URL),
    }
    return render(request, "jobs/list.html", context)


def _back(request, job: Job):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("jobs:job-list")


def _job_for(request: AuthenticatedHttpRequest, job_id: int) -> Job:
    # 404 for a job the user may not see, so that its existence does not leak.
    return get_object_or_404(Job.objects.visible_to(request.user), pk=job_id)


@login_required
@require_POST
def retry(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    job = _job_for(request, job_id)
    if not job.can_be_changed_by(request.user):
        return HttpResponse(status=403)
    if actions.retry(job, actor=request.user):
        messages.success(request, _("The job is queued again."))
    else:
        messages.error(request, _("Only a failed or cancelled job can be retried."))
    return _back(request, job)


@login_required
@require_POST
def cancel(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    job = _job_for(request, job_id)
    if not job.can_be_changed_by(request.user):
        return HttpResponse(status=403)
    if actions.cancel(job, actor=request.user):
        messages.success(request, _("The job is cancelled."))
    else:
        messages.error(request, _("Only a job that has not started can be cancelled."))
    return _back(request, job)
