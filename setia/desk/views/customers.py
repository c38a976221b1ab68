from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.core.http import AuthenticatedHttpRequest, code_url_parts, invalid_form_status
from setia.core.pagination import CountedUpToPaginator
from setia.customers import actions
from setia.customers.access import can_change, get_customer_for_user
from setia.customers.forms import ContactForm, CustomerForm, StoreForm, SubscriptionForm
from setia.customers.models import Contact, Customer
from setia.desk.cards import CARD_RELATED, cards_for
from setia.desk.forms import CustomerFilterForm
from setia.lib.ratelimits import rate_limited
from setia.work.onboarding.actions import enroll_new_customers


@login_required
@require_GET
@rate_limited("search", rate_setting="RATE_LIMIT_SEARCH", applies=lambda r: bool(r.GET.get("q")))
def list_customers(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = CustomerFilterForm(request.GET or None, user=request.user)
    customers = filters.filter(Customer.objects.visible_to(request.user).alive())
    # The page's ids are picked from `customers` (filters, search, sort) with nothing joined,
    # then only those rows are read with what a row shows: a search matching thousands
    # (Budi, 10,000 customers at 100k) no longer joins each of them before the sort.
    rows = Customer.objects.select_related(
        "category", "owner", "team", "tier_assignment__tier"
    ).prefetch_related(
        Prefetch(
            "contacts", queryset=Contact.objects.filter(is_primary=True), to_attr="primary_contacts"
        )
    )
    paginator = CountedUpToPaginator(customers, settings.PAGE_SIZE, rows_from=rows)
    page = paginator.get_page(request.GET.get("page"))
    can_log = request.user.has_perm("engagement.add_interaction")
    page.object_list = _rows(page.object_list, can_log=can_log)
    # Page links, exports and "save as a segment" carry the valid filters only: an export then
    # holds exactly the rows shown, where it would read an ignored value strictly.
    context = {
        "filters": filters,
        "page": page,
        "query": urlencode(filters.valid_params()),
        "can_log": can_log,
    }
    # A filter the page cannot use is shown as an error on a 400, not silently dropped.
    return render(request, "customers/list.html", context, status=400 if filters.errors else 200)


def _rows(customers, *, can_log: bool) -> list[Customer]:
    """The page's customers with what each row shows ready: `link` (its 360 page), `log_link`
    (where a call, WhatsApp or note is logged) and `assignment` (its tier, or None).

    Each link is the reversed URL's text around the customer's code, joined once a row (no
    reverse() per row; in the template three lookups a link, twelve for the log links); a
    customer without a tier would cost the template a failed lookup and a dir() per row."""
    detail = code_url_parts("customers:customer-detail")
    log = code_url_parts("customers:interaction-log") if can_log else None
    rows = list(customers)
    for customer in rows:
        code = str(customer.code)
        customer.link = f"{detail[0]}{code}{detail[1]}"
        customer.log_link = f"{log[0]}{code}{log[1]}" if log else ""
        customer.assignment = getattr(customer, "tier_assignment", None)
    return rows


@login_required
@require_GET
def customer_detail(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    customer = get_customer_for_user(request, code, related=CARD_RELATED)
    context = {
        "customer": customer,
        "contacts": customer.contacts.all(),
        "stores": customer.stores.all(),
        "subscription": getattr(customer, "subscription", None),
        "contact_form": ContactForm(auto_id="new_contact_%s"),
        "can_change": can_change(request.user),
        "cards": cards_for(customer, request),
    }
    return render(request, "customers/detail.html", context)


@login_required
@permission_required("customers.add_customer", raise_exception=True)
@require_http_methods(["GET", "POST"])
def create_customer(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CustomerForm(request.POST or None, user=request.user)
    context = {"form": form, "title": _("New customer")}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "customers/form.html", context, status=400)
        # The page composes two apps' actions: the customer, then its place on the onboarding
        # pipeline, in one transaction so that no customer is left off the pipeline.
        with transaction.atomic():
            customer = actions.create_customer(actor=request.user, data=form.model_data())
            enroll_new_customers(
                customers=Customer.objects.filter(pk=customer.pk), actor=request.user
            )
        messages.success(request, _("Customer %(name)s created.") % {"name": customer.name})
        return redirect(customer)
    return render(request, "customers/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit_customer(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    customer = get_customer_for_user(request, code, permission="change_customer")
    form = CustomerForm(request.POST or None, instance=customer, user=request.user)
    context = {
        "form": form,
        "customer": customer,
        "title": _("Edit %(name)s") % {"name": customer.name},
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "customers/form.html", context, status=400)
        try:
            actions.update_customer(
                customer=customer,
                actor=request.user,
                data=form.model_data(),
                expected_version=form.cleaned_data["version"],
            )
        except actions.StaleEditError as error:
            fresh = get_customer_for_user(request, code)
            context.update(customer=fresh)
            return _stale_response(
                request, context, error, CustomerForm(instance=fresh, user=request.user)
            )
        messages.success(request, _("Changes to %(name)s saved.") % {"name": customer.name})
        return redirect(customer)
    return render(request, "customers/form.html", context)


def _stale_response(request, context: dict, error: actions.StaleEditError, form) -> HttpResponse:
    """The 409 of an edit refused as out of date: the form again with the stored values, and
    the stored values next to the ones the person tried to save."""
    messages.error(request, error.message)
    context.update(form=form, conflict=error)
    return render(request, "customers/form.html", context, status=409)


@login_required
@require_POST
def delete_customer(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    customer = get_customer_for_user(request, code, permission="delete_customer")
    actions.delete_customer(customer=customer, actor=request.user)
    messages.success(
        request, _("%(name)s was deleted. A manager can restore it.") % {"name": customer.name}
    )
    return redirect("customers:customer-list")


@login_required
@permission_required("customers.restore_customer", raise_exception=True)
@require_GET
def list_deleted_customers(request: AuthenticatedHttpRequest) -> HttpResponse:
    customers = (
        Customer.objects.visible_to(request.user)
        .deleted()
        .select_related("category", "deleted_by")
        .order_by("-deleted_at", "-id")
    )
    page = Paginator(customers, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "customers/deleted.html", {"page": page})


@login_required
@require_POST
def restore_customer(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    customer = get_customer_for_user(request, code, permission="restore_customer", deleted=True)
    actions.restore_customer(customer=customer, actor=request.user)
    messages.success(request, _("%(name)s was restored.") % {"name": customer.name})
    return redirect(customer)


def _contacts_response(request, customer, form=None, status=200):
    context = {
        "customer": customer,
        "contacts": customer.contacts.all(),
        "contact_form": form or ContactForm(auto_id="new_contact_%s"),
        "can_change": True,
    }
    return render(request, "customers/_contacts.html", context, status=status)


@login_required
@require_POST
def add_contact(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    customer = get_customer_for_user(request, code, permission="change_customer")
    form = ContactForm(request.POST, auto_id="new_contact_%s")
    if not form.is_valid():
        if request.htmx:
            return _contacts_response(request, customer, form, status=invalid_form_status(request))
        context = {"form": form, "customer": customer, "title": _("Add a contact")}
        return render(request, "customers/form.html", context, status=400)
    contact = actions.add_contact(customer=customer, actor=request.user, data=form.model_data())
    messages.success(request, _("Contact %(name)s added.") % {"name": contact.name})
    if request.htmx:
        return _contacts_response(request, customer)
    return redirect(customer)


@login_required
@require_http_methods(["GET", "POST"])
def edit_contact(request: AuthenticatedHttpRequest, code, contact_id: int) -> HttpResponse:
    customer = get_customer_for_user(request, code, permission="change_customer")
    contact = get_object_or_404(customer.contacts, pk=contact_id)
    form = ContactForm(request.POST or None, instance=contact)
    context = {
        "form": form,
        "customer": customer,
        "title": _("Edit contact %(name)s") % {"name": contact.name},
        "delete_url": reverse("customers:contact-delete", args=[customer.code, contact.pk]),
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "customers/form.html", context, status=400)
        try:
            actions.update_contact(
                contact=contact,
                actor=request.user,
                data=form.model_data(),
                expected_version=form.cleaned_data["version"],
            )
        except actions.StaleEditError as error:
            return _stale_response(request, context, error, ContactForm(instance=error.record))
        messages.success(request, _("Contact %(name)s saved.") % {"name": contact.name})
        return redirect(customer)
    return render(request, "customers/form.html", context)


@login_required
@require_POST
def delete_contact(request: AuthenticatedHttpRequest, code, contact_id: int) -> HttpResponse:
    customer = get_customer_for_user(request, code, permission="change_customer")
    contact = get_object_or_404(customer.contacts, pk=contact_id)
    actions.delete_contact(contact=contact, actor=request.user)
    messages.success(request, _("Contact %(name)s removed.") % {"name": contact.name})
    if request.htmx:
        return _contacts_response(request, customer)
    return redirect(customer)


@login_required
@require_http_methods(["GET", "POST"])
def add_store(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    customer = get_customer_for_user(request, code, permission="change_customer")
    form = StoreForm(request.POST or None)
    context = {"form": form, "customer": customer, "title": _("Add a store")}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "customers/form.html", context, status=400)
        store = actions.add_store(customer=customer, actor=request.user, data=form.model_data())
        messages.success(request, _("Store %(domain)s added.") % {"domain": store.domain})
        return redirect(customer)
    return render(request, "customers/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit_store(request: AuthenticatedHttpRequest, code, store_code) -> HttpResponse:
    customer = get_customer_for_user(request, code, permission="change_customer")
    store = get_object_or_404(customer.stores, code=store_code)
    form = StoreForm(request.POST or None, instance=store)
    context = {
        "form": form,
        "customer": customer,
        "title": _("Edit store %(domain)s") % {"domain": store.domain},
        "delete_url": reverse("customers:store-delete", args=[customer.code, store.code]),
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "customers/form.html", context, status=400)
        try:
            actions.update_store(
                store=store,
                actor=request.user,
                data=form.model_data(),
                expected_version=form.cleaned_data["version"],
            )
        except actions.StaleEditError as error:
            return _stale_response(request, context, error, StoreForm(instance=error.record))
        messages.success(request, _("Store %(domain)s saved.") % {"domain": store.domain})
        return redirect(customer)
    return render(request, "customers/form.html", context)


@login_required
@require_POST
def delete_store(request: AuthenticatedHttpRequest, code, store_code) -> HttpResponse:
    customer = get_customer_for_user(request, code, permission="change_customer")
    store = get_object_or_404(customer.stores, code=store_code)
    actions.delete_store(store=store, actor=request.user)
    messages.success(request, _("Store %(domain)s removed.") % {"domain": store.domain})
    return redirect(customer)


@login_required
@require_http_methods(["GET", "POST"])
def edit_subscription(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    customer = get_customer_for_user(request, code, permission="change_customer")
    subscription = getattr(customer, "subscription", None)
    form = SubscriptionForm(request.POST or None, instance=subscription)
    context = {"form": form, "customer": customer, "title": _("Subscription")}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "customers/form.html", context, status=400)
        try:
            actions.save_subscription(
                customer=customer,
                actor=request.user,
                data=form.model_data(),
                # A first subscription has no version; once one exists its form requires it.
                expected_version=form.cleaned_data.get("version"),
            )
        except actions.StaleEditError as error:
            form = SubscriptionForm(instance=error.record)
            return _stale_response(request, context, error, form)
        messages.success(request, _("Subscription saved."))
        return redirect(customer)
    return render(request, "customers/form.html", context)
