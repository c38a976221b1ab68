"""Record-level access to tasks, in one place."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from setia.core.http import AuthenticatedHttpRequest
from setia.work.schedule.models import Task


def get_task_for_user(request: AuthenticatedHttpRequest, code, *, change: bool = False) -> Task:
    """The task with `code` if the user may see it: 403 without the task permission, 404 for a
    task outside their scope (its existence does not leak)."""
    user = request.user
    if not user.has_perm("work.change_task" if change else "work.view_task"):
        raise PermissionDenied
    tasks = Task.objects.visible_to(user).select_related("owner", "customer", "team")
    return get_object_or_404(tasks, code=code)
