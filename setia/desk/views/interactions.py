"""Logging an interaction, here because its follow-up becomes tasks: the page that knows
both engagement (the interaction) and work (the tasks) makes the explicit call."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from setia.core.http import AuthenticatedHttpRequest, invalid_form_status, local_url
from setia.customers.access import get_customer_for_user
from setia.engagement import actions
from setia.engagement.forms import InteractionForm
from setia.work.schedule.actions import create_follow_up_tasks

# Where an htmx log form sits: a card on the 360 page, or a row under the customer in the list.
_PLACES = ("card", "row")


def _get_customer_for_logging(request, code):
    customer = get_customer_for_user(request, code)
    if not request.user.has_perm("engagement.add_interaction"):
        raise PermissionDenied
    return customer


@login_required
@require_http_methods(["GET", "POST"])
def log_interaction(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    """Log a call, WhatsApp, email, meeting, note or website issue.

    With htmx the form and its result are fragments placed on the 360 page (`place=card`) or
    under the customer's row in the list (`place=row`); the timeline reloads itself on the
    `timelineChanged` event. Without htmx it is an ordinary page that redirects back.
    """
    customer = _get_customer_for_logging(request, code)
    params = request.POST if request.method == "POST" else request.GET
    place = params.get("place") if params.get("place") in _PLACES else "card"
    form = InteractionForm(
        request.POST or None, customer=customer, kind=request.GET.get("kind"), prefix="log"
    )
    context = {"customer": customer, "form": form, "place": place}
    partial = "engagement/_log_form.html" if place == "card" else "engagement/_log_form_row.html"
    template = partial if request.htmx else "engagement/log_form.html"
    if request.method == "GET":
        return render(request, template, context)
    if not form.is_valid():
        return render(request, template, context, status=invalid_form_status(request))
    # One transaction: an interaction is never saved without the follow-up tasks it asks for.
    with transaction.atomic():
        interaction = actions.log_interaction(
            customer=customer,
            actor=request.user,
            data=form.model_data(),
            themes=form.cleaned_data["themes"],
        )
        follow_ups = create_follow_up_tasks(interaction=interaction, actor=request.user)
    message = _("%(kind)s with %(name)s logged.") % {
        "kind": interaction.get_kind_display(),
        "name": customer.name,
    }
    if follow_ups and interaction.follow_up_on is not None:
        message += " " + ngettext(
            "%(count)d follow-up task is due on %(day)s.",
            "%(count)d follow-up tasks are due on %(day)s.",
            len(follow_ups),
        ) % {"count": len(follow_ups), "day": date_format(interaction.follow_up_on)}
    if request.htmx:
        context["interaction"] = interaction
        context["message"] = message
        done = "engagement/_logged.html" if place == "card" else "engagement/_logged_row.html"
        response = render(request, done, context)
        response["HX-Trigger"] = "timelineChanged"
        return response
    messages.success(request, message)
    next_url = local_url(request, request.POST.get("next"))
    return redirect(next_url) if next_url else redirect(customer)
