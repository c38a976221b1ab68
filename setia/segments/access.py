from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from setia.core.http import AuthenticatedHttpRequest
from setia.segments.models import Segment


def get_segment_for_user(
    request: AuthenticatedHttpRequest, code, *, change: bool = False
) -> Segment:
    """The segment with `code` if the user may use it (their own or a shared one), else 404.

    With `change`, a usable segment the user may not change (someone else's, unless they are a
    manager) is a 403.
    """
    segment = get_object_or_404(
        Segment.objects.usable_by(request.user).select_related("owner"), code=code
    )
    if change and not segment.can_change(request.user):
        raise PermissionDenied
    return segment
