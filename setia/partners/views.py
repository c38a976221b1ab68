from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.core.http import AuthenticatedHttpRequest
from setia.core.pagination import CountedUpToPaginator
from setia.customers.models import Customer
from setia.lib.dates import today
from setia.lib.pdf import PdfUnavailable, render_pdf
from setia.lib.ratelimits import rate_limited
from setia.lib.reading import FileError
from setia.lib.spreadsheets import csv_download, xlsx_download
from setia.partners import actions, ratecards
from setia.partners.forms import (
    ActionItemForm,
    ActionItemFormSet,
    AgreementForm,
    MeetingForm,
    PartnerContactForm,
    PartnerForm,
    ProgrammeForm,
    RateCardUploadForm,
)
from setia.partners.models import (
    ActionItem,
    Meeting,
    Partner,
    Programme,
    RateCardRow,
    RateCardVersion,
    Referral,
)
from setia.partners.stages import Stage


def _form_page(request, *, form, title: str, back: str, back_label: str, formset=None):
    return render(
        request,
        "partners/form.html",
        {"form": form, "formset": formset, "title": title, "back": back, "back_label": back_label},
    )


# Partners


@login_required
@permission_required("partners.view_partner", raise_exception=True)
@require_GET
def partner_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    partners = Partner.objects.annotate(programme_count=Count("programmes")).order_by("name", "id")
    if kind in Partner.Kind.values:
        partners = partners.filter(kind=kind)
    else:
        kind = ""
    page = CountedUpToPaginator(partners, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "partners/partner_list.html",
        {
            "page": page,
            "kind": kind,
            "kinds": Partner.Kind.choices,
            "query": f"kind={kind}" if kind else "",
        },
    )


@login_required
@permission_required("partners.view_partner", raise_exception=True)
@require_GET
def partner_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(Partner, pk=pk)
    context = {
        "partner": partner,
        "contacts": list(partner.contacts.all()),
        "agreements": list(partner.agreements.all()),
        "programmes": list(partner.programmes.select_related("min_tier")),
        "meetings": list(partner.meetings.all()[:10]),
        "today": today(),
    }
    return render(request, "partners/partner_detail.html", context)


@login_required
@permission_required("partners.add_partner", raise_exception=True)
@require_http_methods(["GET", "POST"])
def partner_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        partner = form.save()
        messages.success(request, _("Partner saved."))
        return redirect(partner)
    back = reverse("partners:partner-list")
    return _form_page(
        request, form=form, title=_("New partner"), back=back, back_label=_("Partners")
    )


@login_required
@permission_required("partners.change_partner", raise_exception=True)
@require_http_methods(["GET", "POST"])
def partner_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(Partner, pk=pk)
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Partner saved."))
        return redirect(partner)
    return _form_page(
        request,
        form=form,
        title=_("Edit %(name)s") % {"name": partner.name},
        back=partner.get_absolute_url(),
        back_label=partner.name,
    )


def _add_to_partner(request, pk: int, form_class, title: str, done: str) -> HttpResponse:
    partner = get_object_or_404(Partner, pk=pk)
    form = form_class(request.POST or None, instance=form_class._meta.model(partner=partner))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, done)
        return redirect(partner)
    return _form_page(
        request, form=form, title=title, back=partner.get_absolute_url(), back_label=partner.name
    )


@login_required
@permission_required("partners.change_partner", raise_exception=True)
@require_http_methods(["GET", "POST"])
def contact_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _add_to_partner(request, pk, PartnerContactForm, _("New contact"), _("Contact saved."))


@login_required
@permission_required("partners.change_partner", raise_exception=True)
@require_http_methods(["GET", "POST"])
def agreement_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _add_to_partner(request, pk, AgreementForm, _("New agreement"), _("Agreement saved."))


@login_required
@permission_required("partners.add_programme", raise_exception=True)
@require_http_methods(["GET", "POST"])
def programme_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _add_to_partner(request, pk, ProgrammeForm, _("New programme"), _("Programme saved."))


# Programmes and their funnel


@login_required
@permission_required("partners.view_partner", raise_exception=True)
@require_GET
def programme_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(
        Programme.objects.select_related("partner", "min_tier").prefetch_related("categories"),
        pk=pk,
    )
    visible = Customer.objects.visible_to(request.user).alive()
    # Only the merchants the reader may see, in the funnel's figures as in its rows.
    referrals = programme.referrals.filter(customer__in=visible.values("pk"))
    counts = referrals.aggregate(
        **{stage: Count("pk", filter=Q(stage=stage)) for stage in Stage.values}
    )
    stage = request.GET.get("stage", "")
    if stage in Stage.values:
        referrals = referrals.filter(stage=stage)
    else:
        stage = ""
    page = CountedUpToPaginator(
        referrals.select_related("customer").order_by("-offered_at", "-id"), settings.PAGE_SIZE
    ).get_page(request.GET.get("page"))
    eligible_new = (
        programme.eligible_customers()
        .filter(pk__in=visible.values("pk"))
        .exclude(partner_referrals__programme=programme)
        .count()
    )
    context = {
        "programme": programme,
        "funnel": [(value, label, counts[value]) for value, label in Stage.choices],
        "stage": stage,
        "page": page,
        "query": f"stage={stage}" if stage else "",
        "eligible_new": eligible_new,
        "is_open": programme.is_open(today()),
    }
    return render(request, "partners/programme_detail.html", context)


@login_required
@permission_required("partners.add_referral", raise_exception=True)
@require_POST
def programme_offer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.select_related("partner", "min_tier"), pk=pk)
    offered = actions.offer_programme(programme=programme, actor=request.user)
    messages.success(request, _("Offered to %(count)s merchants.") % {"count": offered})
    return redirect(programme)


@login_required
@permission_required("partners.change_referral", raise_exception=True)
@require_POST
def referral_advance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visible = Customer.objects.visible_to(request.user).alive()
    referral = (
        Referral.objects.select_related("programme__partner", "customer")
        .filter(pk=pk, customer__in=visible.values("pk"))
        .first()
    )
    if referral is None:
        # Another team's merchant answers as one that does not exist.
        raise Http404("no referral")
    try:
        actions.advance_referral(
            referral=referral, stage=request.POST.get("stage", ""), actor=request.user
        )
    except actions.PartnerError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(customer)s: %(stage)s.")
            % {"customer": referral.customer.name, "stage": Stage(referral.stage).label},
        )
    return redirect(referral.programme)


# Meetings


@login_required
@permission_required("partners.view_meeting", raise_exception=True)
@require_GET
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    meetings = (
        Meeting.objects.select_related("partner")
        .annotate(item_count=Count("action_items"))
        .order_by("-held_at", "-id")
    )
    page = CountedUpToPaginator(meetings, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "partners/meeting_list.html", {"page": page, "query": ""})


@login_required
@permission_required("partners.add_meeting", raise_exception=True)
@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial = {}
    partner_id = request.GET.get("partner", "")
    # isdecimal, not isdigit: "²" is a digit int() refuses; 18 digits fit the database's integer.
    if (
        partner_id.isdecimal()
        and len(partner_id) <= 18
        and Partner.objects.filter(pk=partner_id).exists()
    ):
        initial["partner"] = int(partner_id)
    form = MeetingForm(request.POST or None, initial=initial)
    formset = ActionItemFormSet(
        request.POST or None, prefix="items", form_kwargs={"user": request.user}
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        items = [
            actions.NewActionItem(text=row["text"], owner=row["owner"], due_on=row["due_on"])
            for row in formset.cleaned_data
            if row.get("text")
        ]
        meeting = actions.record_meeting(
            meeting=form.save(commit=False),
            attendees=form.cleaned_data["attendees"],
            action_items=items,
            actor=request.user,
        )
        messages.success(
            request,
            _("Meeting saved; %(count)s action items are tasks now.") % {"count": len(items)},
        )
        return redirect(meeting)
    return _form_page(
        request,
        form=form,
        formset=formset,
        title=_("New meeting"),
        back=reverse("partners:meeting-list"),
        back_label=_("Meetings"),
    )


@login_required
@permission_required("partners.change_meeting", raise_exception=True)
@require_http_methods(["GET", "POST"])
def meeting_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Meeting saved."))
        return redirect(meeting)
    return _form_page(
        request,
        form=form,
        title=_("Edit %(name)s") % {"name": meeting.title},
        back=meeting.get_absolute_url(),
        back_label=meeting.title,
    )


@login_required
@permission_required("partners.change_meeting", raise_exception=True)
@require_http_methods(["GET", "POST"])
def action_item_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("partner"), pk=pk)
    form = ActionItemForm(request.POST or None, user=request.user)
    form.fields["text"].required = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.add_action_item(
            meeting=meeting,
            item=actions.NewActionItem(
                text=data["text"], owner=data["owner"], due_on=data["due_on"]
            ),
            actor=request.user,
        )
        messages.success(request, _("Action item added; it is a task now."))
        return redirect(meeting)
    return _form_page(
        request,
        form=form,
        title=_("New action item"),
        back=meeting.get_absolute_url(),
        back_label=meeting.title,
    )


@login_required
@permission_required("partners.view_meeting", raise_exception=True)
@require_GET
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        Meeting.objects.select_related("partner", "created_by").prefetch_related(
            "attendees",
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.select_related("owner", "task"),
            ),
        ),
        pk=pk,
    )
    return render(request, "partners/meeting_detail.html", {"meeting": meeting})


def _meeting_for_print(pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("partner", "created_by").prefetch_related(
            "attendees",
            Prefetch("action_items", queryset=ActionItem.objects.select_related("owner")),
        ),
        pk=pk,
    )


@login_required
@permission_required("partners.view_meeting", raise_exception=True)
@require_GET
@rate_limited("meeting-pdf", rate_setting="RATE_LIMIT_EXPORT")
def meeting_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The minutes as a PDF to share; a page saying why when PDFs cannot be made here."""
    meeting = _meeting_for_print(pk)
    document = render_to_string("partners/meeting_print.html", {"meeting": meeting})
    try:
        content = render_pdf(document)
    except PdfUnavailable as error:
        context = {"message": error.message, "meeting": meeting}
        return render(request, "partners/meeting_pdf_unavailable.html", context, status=503)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"minutes-{meeting.held_at:%Y-%m-%d}-{slugify(meeting.title)[:60] or meeting.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Rate cards

DOWNLOADS = ("csv", "xlsx")


def _version(partner: Partner, number: int) -> RateCardVersion:
    version = (
        RateCardVersion.objects.filter(partner=partner, number=number)
        .select_related("created_by", "withdrawn_by")
        .first()
    )
    if version is None:
        raise Http404("no such version")
    version.partner = partner
    return version


def _number(text: str) -> int | None:
    # isdecimal, not isdigit: "²" is a digit int() refuses; 9 digits fit any version number.
    return int(text) if text.isdecimal() and len(text) <= 9 else None


@login_required
@permission_required("partners.view_partner", raise_exception=True)
@require_GET
def rate_card(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A partner's rate card versions, newest first, the current one marked."""
    partner = get_object_or_404(Partner, pk=pk)
    versions = RateCardVersion.objects.filter(partner=partner).select_related(
        "created_by", "withdrawn_by"
    )
    page = CountedUpToPaginator(versions, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    current = RateCardVersion.objects.standing().filter(partner=partner).first()
    rows = list(page.object_list)
    for row in rows:
        row.partner = partner
    return render(
        request,
        "partners/rate_card.html",
        {"partner": partner, "page": page, "rows": rows, "current": current, "query": ""},
    )


@login_required
@permission_required("partners.add_ratecardversion", raise_exception=True)
@require_http_methods(["GET", "POST"])
def rate_card_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload a price sheet: a new version, or the rows refused with their reasons."""
    partner = get_object_or_404(Partner, pk=pk)
    posted = request.method == "POST"
    form = RateCardUploadForm(request.POST if posted else None, request.FILES if posted else None)
    result = None
    if posted and form.is_valid() and form.table is not None:
        upload = form.cleaned_data["file"]
        try:
            result = actions.import_rate_card(
                partner=partner,
                table=form.table,
                file_name=upload.name,
                actor=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
        except FileError as error:
            form.add_error("file", error.message)
        else:
            if result.version is not None:
                messages.success(
                    request,
                    _("Version %(number)s of the rate card imported: %(count)s rows.")
                    % {"number": result.version.number, "count": result.version.row_count},
                )
                return redirect(result.version)
            if result.same_as is not None:
                messages.info(
                    request,
                    _(
                        "This file is the same as version %(number)s, the current one: nothing imported."
                    )
                    % {"number": result.same_as.number},
                )
                return redirect("partners:rate-card", pk=partner.pk)
    context = {
        "form": form,
        "multipart": True,
        "title": _("Import a rate card"),
        "back": reverse("partners:rate-card", args=[partner.pk]),
        "back_label": _("Rate card of %(partner)s") % {"partner": partner.name},
        "result": result,
        "errors": result.sheet.errors[: settings.PAGE_SIZE * 4] if result else [],
    }
    return render(request, "partners/rate_card_import.html", context)


@login_required
@permission_required("partners.change_ratecardversion", raise_exception=True)
@require_POST
def rate_card_withdraw(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    """Withdraw the current version; the one before becomes current again."""
    partner = get_object_or_404(Partner, pk=pk)
    version = _version(partner, number)
    try:
        actions.withdraw_rate_card(version=version, actor=request.user)
    except actions.PartnerError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Version %(number)s withdrawn.") % {"number": number})
    return redirect("partners:rate-card", pk=partner.pk)


@login_required
@permission_required("partners.view_partner", raise_exception=True)
@require_GET
def rate_card_version(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    """One version's lanes, paginated."""
    partner = get_object_or_404(Partner, pk=pk)
    version = _version(partner, number)
    page = CountedUpToPaginator(
        version.rows.all(), settings.PAGE_SIZE, known_count=version.row_count
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "partners/rate_card_version.html",
        {"partner": partner, "version": version, "page": page, "query": ""},
    )


@login_required
@permission_required("partners.view_partner", raise_exception=True)
@require_GET
@rate_limited("rate-card-export", rate_setting="RATE_LIMIT_EXPORT")
def rate_card_export(
    request: AuthenticatedHttpRequest, pk: int, number: int, extension: str
) -> HttpResponse:
    """One version in the shape the technology team reads (docs/rate-cards.md)."""
    if extension not in DOWNLOADS:
        raise Http404("no such format")
    partner = get_object_or_404(Partner, pk=pk)
    version = _version(partner, number)
    name = f"rate-card-{slugify(partner.name) or partner.pk}-v{version.number}.{extension}"
    rows = ratecards.export_rows(version, RateCardRow.objects.filter(version=version))
    download = csv_download if extension == "csv" else xlsx_download
    return download(ratecards.EXPORT_HEADER, rows, name)


def _compared(request, partner: Partner):
    """The partner's versions, newest first (a partner has tens, read in one query), and the
    two that `?from=` and `?to=` name (by default the current one and the standing one before
    it), or None for either that does not exist."""
    versions = list(RateCardVersion.objects.filter(partner=partner).order_by("-number"))
    by_number = {version.number: version for version in versions}
    standing = [version for version in versions if version.withdrawn_at is None]
    to_number = _number(request.GET.get("to", ""))
    from_number = _number(request.GET.get("from", ""))
    if to_number is None and standing:
        to_number = standing[0].number
    if from_number is None and to_number is not None:
        before = [version.number for version in standing if version.number < to_number]
        from_number = before[0] if before else None
    return versions, by_number.get(from_number or 0), by_number.get(to_number or 0)


@login_required
@permission_required("partners.view_partner", raise_exception=True)
@require_GET
def rate_card_diff(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What changed between two versions: lanes added, removed, and with a new price or
    ETA, with counts, paginated."""
    partner = get_object_or_404(Partner, pk=pk)
    versions, old, new = _compared(request, partner)
    context: dict = {"partner": partner, "old": old, "new": new, "page": None, "query": ""}
    if old is not None and new is not None:
        parts = ratecards.diff_parts(old.rows.all(), new.rows.all())
        counts = {name: part.count() for name, part in parts.items()}
        page = CountedUpToPaginator(
            ratecards.diff_rows(parts), settings.PAGE_SIZE, known_count=sum(counts.values())
        ).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        for row in rows:
            row["label"] = ratecards.change_label(row["change"])
            row["old_band"] = ratecards.band_label(row["weight_min_g"], row["old_weight_max_g"])
            row["new_band"] = ratecards.band_label(row["weight_min_g"], row["new_weight_max_g"])
            row["band"] = row["old_band"] if row["change"] == ratecards.REMOVED else row["new_band"]
            row["old_eta"] = ratecards.eta_label(row["old_eta_min"], row["old_eta_max"])
            row["new_eta"] = ratecards.eta_label(row["new_eta_min"], row["new_eta_max"])
        context |= {
            "counts": counts,
            "page": page,
            "rows": rows,
            "query": f"from={old.number}&to={new.number}",
        }
    context["numbers"] = [version.number for version in versions]
    return render(request, "partners/rate_card_diff.html", context)


@login_required
@permission_required("partners.view_partner", raise_exception=True)
@require_GET
@rate_limited("rate-card-export", rate_setting="RATE_LIMIT_EXPORT")
def rate_card_diff_download(
    request: AuthenticatedHttpRequest, pk: int, extension: str
) -> HttpResponse:
    """What changed between two versions, as CSV or XLSX."""
    if extension not in DOWNLOADS:
        raise Http404("no such format")
    partner = get_object_or_404(Partner, pk=pk)
    _versions, old, new = _compared(request, partner)
    if old is None or new is None:
        raise Http404("no such versions")
    parts = ratecards.diff_parts(old.rows.all(), new.rows.all())
    header, rows = ratecards.diff_table(ratecards.diff_rows(parts).iterator())
    name = (
        f"rate-card-{slugify(partner.name) or partner.pk}-v{old.number}-v{new.number}.{extension}"
    )
    download = csv_download if extension == "csv" else xlsx_download
    return download(header, rows, name)
