import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.campaigns import actions, captions, report, results
from setia.campaigns.forms import (
    CampaignForm,
    CampaignPromotionForm,
    CaptionTemplateForm,
    MilestoneForm,
    PromotionForm,
    PromotionImportForm,
)
from setia.campaigns.models import Campaign, Caption, Milestone, Participant, Promotion
from setia.campaigns.statuses import CampaignKind
from setia.core.http import AuthenticatedHttpRequest, invalid_form_status
from setia.core.pagination import CountedUpToPaginator
from setia.customers.models import Customer
from setia.lib.dates import today
from setia.lib.pdf import PdfUnavailable
from setia.lib.ratelimits import rate_limited
from setia.lib.reading import FileError
from setia.lib.spreadsheets import workbook_download

# An import's row errors shown on the page; the rest are counted.
ERRORS_SHOWN = 200


@login_required
@permission_required("campaigns.view_campaign", raise_exception=True)
@require_GET
def campaign_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    campaigns = Campaign.objects.filter(kind=CampaignKind.CAMPAIGN).select_related("segment")
    page = CountedUpToPaginator(campaigns.order_by("-starts_on", "-id"), settings.PAGE_SIZE)
    context = {"page": page.get_page(request.GET.get("page")), "query": "", "today": today()}
    return render(request, "campaigns/list.html", context)


@login_required
@permission_required("campaigns.view_campaign", raise_exception=True)
@require_GET
def initiative_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The initiatives with their milestones done of all, counted in the page's query."""
    initiatives = (
        Campaign.objects.filter(kind=CampaignKind.INITIATIVE)
        .annotate(
            milestones_total=Count("milestones"),
            milestones_done=Count("milestones", filter=Q(milestones__done_at__isnull=False)),
        )
        .order_by("-starts_on", "-id")
    )
    page = CountedUpToPaginator(initiatives, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "campaigns/initiative_list.html", {"page": page, "query": "", "today": today()}
    )


def _save_form(request: AuthenticatedHttpRequest, form: CampaignForm) -> Campaign:
    return actions.save_campaign(
        campaign=form.save(commit=False),
        partners=form.cleaned_data["partners"],
        audience_tiers=form.cleaned_data["audience_tiers"],
        audience_categories=form.cleaned_data["audience_categories"],
        actor=request.user,
    )


def _saved(campaign: Campaign) -> str:
    return _("Initiative saved.") if campaign.is_initiative else _("Campaign saved.")


def _list_of(campaign: Campaign) -> tuple[str, str]:
    """The list a campaign or initiative belongs to: its address and its name."""
    if campaign.is_initiative:
        return reverse("campaigns:initiative-list"), _("Initiatives")
    return reverse("campaigns:campaign-list"), _("Campaigns")


@login_required
@permission_required("campaigns.add_campaign", raise_exception=True)
@require_http_methods(["GET", "POST"])
def campaign_create(
    request: AuthenticatedHttpRequest, kind: str = CampaignKind.CAMPAIGN
) -> HttpResponse:
    blank = Campaign(kind=kind)
    form = CampaignForm(request.POST or None, instance=blank, user=request.user)
    if request.method == "POST" and form.is_valid():
        campaign = _save_form(request, form)
        messages.success(request, _saved(campaign))
        return redirect(campaign)
    back, back_label = _list_of(blank)
    title = _("New initiative") if blank.is_initiative else _("New campaign")
    context = {"form": form, "title": title, "back": back, "back_label": back_label}
    return render(request, "campaigns/form.html", context)


@login_required
@permission_required("campaigns.change_campaign", raise_exception=True)
@require_http_methods(["GET", "POST"])
def campaign_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        _save_form(request, form)
        messages.success(request, _saved(campaign))
        return redirect(campaign)
    context = {
        "form": form,
        "title": campaign.name,
        "back": campaign.get_absolute_url(),
        "back_label": campaign.name,
    }
    return render(request, "campaigns/form.html", context)


@login_required
@permission_required("campaigns.view_campaign", raise_exception=True)
@require_GET
def campaign_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(
        Campaign.objects.select_related("segment").prefetch_related(
            "partners", "audience_tiers", "audience_categories", "milestones"
        ),
        pk=pk,
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
        "message_counts": results.message_counts(campaign, visible),
        "reply_days": results.REPLY_DAYS,
        "list": _list_of(campaign),
        "milestone_form": MilestoneForm(),
        "today": today(),
    }
    return render(request, "campaigns/detail.html", context)


def _report(request: AuthenticatedHttpRequest, pk: int) -> report.Figures:
    campaign = get_object_or_404(Campaign.objects.prefetch_related("partners"), pk=pk)
    return report.figures(campaign, Customer.objects.visible_to(request.user), today())


@login_required
@permission_required("campaigns.view_campaign", raise_exception=True)
@require_GET
@rate_limited("campaign-report", rate_setting="RATE_LIMIT_EXPORT")
def campaign_report_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The partner report as a PDF; a page saying why when PDFs cannot be made here."""
    figures = _report(request, pk)
    try:
        content = report.pdf(figures)
    except PdfUnavailable as error:
        context = {"message": error.message, "campaign": figures.campaign}
        return render(request, "campaigns/report_unavailable.html", context, status=503)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{report.filename(figures.campaign, "pdf")}"'
    )
    return response


@login_required
@permission_required("campaigns.view_campaign", raise_exception=True)
@require_GET
@rate_limited("campaign-report", rate_setting="RATE_LIMIT_EXPORT")
def campaign_report_xlsx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The partner report as an XLSX workbook with charts."""
    figures = _report(request, pk)
    return workbook_download(report.workbook(figures), report.filename(figures.campaign, "xlsx"))


@login_required
@permission_required("campaigns.add_participant", raise_exception=True)
@require_POST
def campaign_invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.select_related("segment"), pk=pk)
    try:
        invited = actions.invite_audience(campaign=campaign, actor=request.user)
    except actions.CampaignError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Invited %(count)s merchants.") % {"count": invited})
    return redirect(campaign)


@login_required
@permission_required("campaigns.add_milestone", raise_exception=True)
@require_POST
def milestone_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        actions.add_milestone(
            campaign=campaign,
            title=form.cleaned_data["title"],
            due_on=form.cleaned_data["due_on"],
            actor=request.user,
        )
        messages.success(request, _("Milestone added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(f"{campaign.get_absolute_url()}#milestones")


@login_required
@permission_required("campaigns.change_milestone", raise_exception=True)
@require_POST
def milestone_mark(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Tick a milestone off (`done=1`) or open it again (anything else)."""
    milestone = get_object_or_404(Milestone.objects.select_related("campaign"), pk=pk)
    actions.mark_milestone(
        milestone=milestone, done=request.POST.get("done") == "1", actor=request.user
    )
    return redirect(f"{milestone.campaign.get_absolute_url()}#milestones")


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


def _week(request: AuthenticatedHttpRequest) -> datetime.date:
    """The ISO week of `?week=2026-W50` (its Monday); the current week in Jakarta when absent
    or unreadable, the latter said to the user."""
    text = request.GET.get("week", "")
    if text:
        try:
            return captions.parse_week(text)
        except ValueError:
            messages.error(request, _("Enter a week as YYYY-Www, e.g. 2026-W47."))
    return captions.week_start(today())


def _visible_promotions(user):
    """The promotions of the live merchants `user` may see."""
    visible = Customer.objects.visible_to(user).alive()
    return Promotion.objects.filter(customer__in=visible.values("pk"))


def _week_context(monday: datetime.date) -> dict:
    return {
        "week": captions.week_code(monday),
        "week_label": captions.week_label(monday),
        "previous_week": captions.week_code(monday - datetime.timedelta(days=7)),
        "next_week": captions.week_code(monday + datetime.timedelta(days=7)),
    }


@login_required
@permission_required("campaigns.view_promotion", raise_exception=True)
@require_GET
def promotion_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    monday = _week(request)
    promotions = captions.running_in_week(_visible_promotions(request.user), monday)
    promotions = promotions.select_related("customer", "campaign").order_by(
        "starts_on", "customer__name", "id"
    )
    page = CountedUpToPaginator(promotions, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "query": f"week={captions.week_code(monday)}", **_week_context(monday)}
    return render(request, "campaigns/promotion_list.html", context)


@login_required
@permission_required("campaigns.add_promotion", raise_exception=True)
@require_http_methods(["GET", "POST"])
def promotion_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial = {"merchant": request.GET.get("merchant", "")}
    form = PromotionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        promotion = actions.save_promotion(promotion=form.save(commit=False), actor=request.user)
        messages.success(request, _("Promotion saved."))
        week = captions.week_code(captions.week_start(promotion.starts_on))
        return redirect(f"{reverse('campaigns:promotion-list')}?week={week}")
    return render(
        request,
        "campaigns/form.html",
        {
            "form": form,
            "title": _("New promotion"),
            "back": reverse("campaigns:promotion-list"),
        },
    )


@login_required
@permission_required("campaigns.change_promotion", raise_exception=True)
@require_http_methods(["GET", "POST"])
def promotion_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Edit a promotion of a merchant the user may see (another team's is a 404)."""
    promotion = get_object_or_404(
        _visible_promotions(request.user).select_related("customer"), pk=pk
    )
    form = PromotionForm(
        request.POST or None,
        instance=promotion,
        user=request.user,
        initial={"merchant": promotion.customer.name},
    )
    week = captions.week_code(captions.week_start(promotion.starts_on))
    back = f"{reverse('campaigns:promotion-list')}?week={week}"
    if request.method == "POST" and form.is_valid():
        promotion = actions.save_promotion(promotion=form.save(commit=False), actor=request.user)
        messages.success(request, _("Promotion saved."))
        week = captions.week_code(captions.week_start(promotion.starts_on))
        return redirect(f"{reverse('campaigns:promotion-list')}?week={week}")
    context = {"form": form, "title": promotion.name, "back": back, "back_label": _("Promotions")}
    status = invalid_form_status(request) if request.method == "POST" else 200
    return render(request, "campaigns/form.html", context, status=status)


@login_required
@permission_required("campaigns.add_promotion", raise_exception=True)
@require_http_methods(["GET", "POST"])
@rate_limited("upload", rate_setting="RATE_LIMIT_UPLOAD", applies=lambda r: r.method == "POST")
def promotion_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Import promotions from a CSV or XLSX file: all or nothing, with the row errors."""
    form = (
        PromotionImportForm(request.POST, request.FILES)
        if request.method == "POST"
        else PromotionImportForm()
    )
    outcome = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome = actions.import_promotions(file=form.cleaned_data["file"], actor=request.user)
        except FileError as error:
            form.add_error("file", error.message)
        else:
            if not outcome.errors:
                messages.success(
                    request,
                    _(
                        "Promotions imported: %(created)s added, %(updated)s updated, "
                        "%(unchanged)s unchanged."
                    )
                    % {
                        "created": outcome.created,
                        "updated": outcome.updated,
                        "unchanged": outcome.unchanged,
                    },
                )
                return redirect("campaigns:promotion-list")
    failed = request.method == "POST" and (not form.is_valid() or outcome is not None)
    context = {
        "form": form,
        "title": _("Import promotions"),
        "multipart": True,
        "outcome": outcome,
        "errors": outcome.errors[:ERRORS_SHOWN] if outcome else [],
        "errors_hidden": max(len(outcome.errors) - ERRORS_SHOWN, 0) if outcome else 0,
    }
    status = invalid_form_status(request) if failed else 200
    return render(request, "campaigns/promotion_import.html", context, status=status)


@login_required
@permission_required("campaigns.add_promotion", raise_exception=True)
@require_http_methods(["GET", "POST"])
def campaign_promotions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Add the same promotion for every joined participant of a campaign the user may see."""
    campaign = get_object_or_404(Campaign, pk=pk)
    form = CampaignPromotionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        added = actions.add_campaign_promotions(
            campaign=campaign, actor=request.user, **form.cleaned_data
        )
        messages.success(request, _("Promotion added for %(count)s merchants.") % {"count": added})
        return redirect(campaign)
    context = {
        "form": form,
        "title": _("Promotion for the participants of %(campaign)s") % {"campaign": campaign.name},
        "back": campaign.get_absolute_url(),
        "back_label": campaign.name,
    }
    status = invalid_form_status(request) if request.method == "POST" else 200
    return render(request, "campaigns/form.html", context, status=status)


@login_required
@permission_required("campaigns.view_caption", raise_exception=True)
@require_http_methods(["GET", "POST"])
def caption_week(request: AuthenticatedHttpRequest) -> HttpResponse:
    monday = _week(request)
    week = captions.week_code(monday)
    if request.method == "POST":
        if not request.user.has_perm("campaigns.add_caption"):
            raise PermissionDenied
        actions.generate_captions(
            monday=monday, actor=request.user, promotions=_visible_promotions(request.user)
        )
        messages.success(request, _("Caption generated."))
        return redirect(f"{reverse('campaigns:caption-week')}?week={week}")
    history = Caption.objects.filter(week=monday).select_related("created_by")
    page = CountedUpToPaginator(history, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    # The newest version in each language: one indexed read per language.
    newest = {
        code: Caption.objects.filter(week=monday, language=code)
        .order_by("-created_at", "-id")
        .first()
        for code, _label in settings.LANGUAGES
    }
    context = {
        "page": page,
        "query": f"week={week}",
        "latest": [(code, label, newest[code]) for code, label in settings.LANGUAGES],
        **_week_context(monday),
    }
    return render(request, "campaigns/caption.html", context)


@login_required
@permission_required("campaigns.change_captiontemplate", raise_exception=True)
@require_http_methods(["GET", "POST"])
def caption_templates(request: AuthenticatedHttpRequest) -> HttpResponse:
    texts = {code: captions.template_text(code) for code, _label in settings.LANGUAGES}
    form = CaptionTemplateForm(request.POST or None, initial_texts=texts)
    if request.method == "POST" and form.is_valid():
        actions.save_caption_templates(texts=form.cleaned_data, actor=request.user)
        messages.success(request, _("Caption templates saved."))
        return redirect("campaigns:caption-week")
    return render(
        request,
        "campaigns/form.html",
        {
            "form": form,
            "title": _("Weekly caption templates"),
            "back": reverse("campaigns:caption-week"),
        },
    )
