from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.campaigns import actions, results
from setia.campaigns.forms import CampaignForm
from setia.campaigns.models import Campaign, Participant
from setia.core.http import AuthenticatedHttpRequest
from setia.core.pagination import CountedUpToPaginator
from setia.customers.models import Customer
from setia.lib.dates import today


@login_required
@permission_required("campaigns.view_campaign", raise_exception=True)
@require_GET
def campaign_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    campaigns = Campaign.objects.select_related("segment").order_by("-starts_on", "-id")
    page = CountedUpToPaginator(campaigns, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaigns/list.html", {"page": page, "query": "", "today": today()})


@login_required
@permission_required("campaigns.add_campaign", raise_exception=True)
@require_http_methods(["GET", "POST"])
def campaign_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        campaign = actions.save_campaign(
            campaign=form.save(commit=False),
            partners=form.cleaned_data["partners"],
            actor=request.user,
        )
        messages.success(request, _("Campaign saved."))
        return redirect(campaign)
    return render(
        request,
        "campaigns/form.html",
        {"form": form, "title": _("New campaign"), "back": reverse("campaigns:campaign-list")},
    )


@login_required
@permission_required("campaigns.change_campaign", raise_exception=True)
@require_http_methods(["GET", "POST"])
def campaign_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        actions.save_campaign(
            campaign=form.save(commit=False),
            partners=form.cleaned_data["partners"],
            actor=request.user,
        )
        messages.success(request, _("Campaign saved."))
        return redirect(campaign)
    return render(
        request,
        "campaigns/form.html",
        {"form": form, "title": campaign.name, "back": campaign.get_absolute_url()},
    )


@login_required
@permission_required("campaigns.view_campaign", raise_exception=True)
@require_GET
def campaign_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(
        Campaign.objects.select_related("segment").prefetch_related("partners"), pk=pk
    )
    # Only the merchants the reader may see: in the rows, the counts and the results, which
    # one query reads (the rows' count included).
    visible = Customer.objects.visible_to(request.user)
    tally = results.tally(campaign, visible, today())
    participants = campaign.participants.filter(customer__in=visible.alive().values("pk"))
    page = CountedUpToPaginator(
        participants.select_related("customer").order_by("customer__name", "id"),
        settings.PAGE_SIZE,
        known_count=tally.invited,
    ).get_page(request.GET.get("page"))
    context = {
        "campaign": campaign,
        "counts": {"invited": tally.invited, "joined": tally.joined},
        "page": page,
        "query": "",
        "uplift": tally.uplift,
    }
    return render(request, "campaigns/detail.html", context)


@login_required
@permission_required("campaigns.add_participant", raise_exception=True)
@require_POST
def campaign_invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.select_related("segment"), pk=pk)
    try:
        invited = actions.invite_segment(campaign=campaign, actor=request.user)
    except actions.CampaignError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Invited %(count)s merchants.") % {"count": invited})
    return redirect(campaign)


@login_required
@permission_required("campaigns.change_participant", raise_exception=True)
@require_POST
def participant_join(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visible = Customer.objects.visible_to(request.user).alive()
    participant = (
        Participant.objects.select_related("campaign", "customer")
        .filter(pk=pk, customer__in=visible.values("pk"))
        .first()
    )
    if participant is None:
        # Another team's merchant answers as one that does not exist.
        raise Http404("no participant")
    try:
        actions.join(participant=participant, actor=request.user)
    except actions.CampaignError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(customer)s joined.") % {"customer": participant.customer.name}
        )
    return redirect(participant.campaign)
