from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.core.http import AuthenticatedHttpRequest
from setia.core.pagination import CountedUpToPaginator
from setia.customers.models import Customer
from setia.lib.dates import today
from setia.partners import actions
from setia.partners.forms import (
    ActionItemForm,
    ActionItemFormSet,
    AgreementForm,
    MeetingForm,
    PartnerContactForm,
    PartnerForm,
    ProgrammeForm,
)
from setia.partners.models import ActionItem, Meeting, Partner, Programme, Referral
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
