"""The notification pages: the bell's dropdown, every notification (paginated), reading one or
all, and the e-mail preferences. A person only ever sees and changes their own."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.core.http import AuthenticatedHttpRequest, invalid_form_status, local_url
from setia.notifications import actions
from setia.notifications.forms import PreferencesForm
from setia.notifications.models import Notification

# The dropdown shows the newest few; the page has them all.
MENU_SIZE = 8


@login_required
@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    notifications = Notification.objects.for_user(request.user)
    page = Paginator(notifications, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "notifications": page.object_list, "query": ""}
    return render(request, "notifications/list.html", context)


@login_required
@require_GET
def menu(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The bell's dropdown (htmx); opened without JavaScript, the bell is a link to the page."""
    if not request.htmx:
        return redirect("notifications:list")
    notifications = list(Notification.objects.for_user(request.user)[:MENU_SIZE])
    return render(request, "notifications/_menu.html", {"notifications": notifications})


@login_required
@require_POST
def read(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    """Mark one's own notification read; with `go`, follow its link."""
    notification = get_object_or_404(
        Notification.objects.for_user(request.user), pk=notification_id
    )
    actions.mark_read(notification=notification, user=request.user)
    if request.POST.get("go") and local_url(request, notification.link):
        return redirect(notification.link)
    return redirect(local_url(request, request.POST.get("next")) or reverse("notifications:list"))


@login_required
@require_POST
def read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = actions.mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect(local_url(request, request.POST.get("next")) or reverse("notifications:list"))


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = actions.preferences(request.user)
    form = PreferencesForm(
        request.POST if request.method == "POST" else None, initial_choices=current
    )
    if request.method == "POST" and form.is_valid():
        actions.save_preferences(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("notifications:preferences")
    context = {
        "form": form,
        "title": _("Notification e-mails"),
        "back": reverse("notifications:list"),
        "back_label": _("Notifications"),
    }
    status = invalid_form_status(request) if form.is_bound else 200
    return render(request, "form_page.html", context, status=status)
