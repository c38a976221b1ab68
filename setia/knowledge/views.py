from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.core.http import AuthenticatedHttpRequest, invalid_form_status
from setia.core.pagination import CountedUpToPaginator
from setia.knowledge import actions, search
from setia.knowledge.forms import (
    ArticleFilterForm,
    ArticleForm,
    SendBackForm,
    SuggestForm,
    SynonymForm,
)
from setia.knowledge.models import Article, Synonym
from setia.lib.dates import today

_SORTS = {"": ["area", "key"], "used": ["-use_count", "key"], "updated": ["-updated_at", "-id"]}


def _article(code) -> Article:
    return get_object_or_404(Article.objects.select_related("owner", "approved_by"), code=code)


@login_required
@permission_required("knowledge.view_article", raise_exception=True)
@require_GET
def list_articles(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = ArticleFilterForm(request.GET or None)
    rows = Article.objects.select_related("owner")
    sort = _SORTS[""]
    if filters.is_valid():
        data = filters.cleaned_data
        if data["q"]:
            rows = rows.filter(
                Q(question_id__icontains=data["q"])
                | Q(question_en__icontains=data["q"])
                | Q(key__icontains=data["q"])
                | Q(tags__icontains=data["q"])
            )
        for name in ("area", "state", "audience"):
            if data[name]:
                rows = rows.filter(**{name: data[name]})
        if data["review_due"]:
            rows = rows.review_due(today())
        sort = _SORTS[data["sort"] or ""]
    page = CountedUpToPaginator(rows.order_by(*sort), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filters": filters, "page": page, "query": query.urlencode(), "today": today()}
    return render(request, "knowledge/list.html", context)


@login_required
@permission_required("knowledge.view_article", raise_exception=True)
@require_GET
def article_detail(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    article = _article(code)
    versions = list(article.versions.select_related("saved_by")[:20])
    changes = []
    for newer, older in zip(versions, [*versions[1:], None], strict=False):
        changes.append(
            {
                "version": newer,
                "diff": actions.diff_versions(older.snapshot if older else None, newer.snapshot),
            }
        )
    context = {"article": article, "changes": changes, "today": today()}
    return render(request, "knowledge/detail.html", context)


def _save(request, article: Article, title: str) -> HttpResponse:
    form = ArticleForm(request.POST or None, instance=article)
    context = {"form": form, "title": title, "article": article}
    if request.method == "POST":
        if not form.is_valid():
            return render(
                request, "knowledge/form.html", context, status=invalid_form_status(request)
            )
        article = actions.save_article(article=article, actor=request.user, data=form.model_data())
        messages.success(
            request, _("Answer saved as a draft. A manager approves it before it is suggested.")
        )
        return redirect(article)
    return render(request, "knowledge/form.html", context)


@login_required
@permission_required("knowledge.add_article", raise_exception=True)
@require_http_methods(["GET", "POST"])
def create_article(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _save(request, Article(owner=request.user), _("New answer"))


@login_required
@permission_required("knowledge.change_article", raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit_article(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    article = _article(code)
    return _save(request, article, _("Edit answer"))


@login_required
@permission_required("knowledge.approve_article", raise_exception=True)
@require_POST
def approve_article(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    article = actions.approve_article(article=_article(code), actor=request.user)
    messages.success(request, _("Answer approved: it is suggested from now on."))
    return redirect(article)


@login_required
@permission_required("knowledge.approve_article", raise_exception=True)
@require_POST
def send_back(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    article = _article(code)
    form = SendBackForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["reason"]))
    elif actions.send_back(article=article, actor=request.user, reason=form.cleaned_data["reason"]):
        messages.success(request, _("Sent back to its owner with your reason."))
    else:
        messages.error(request, _("Only a draft can be sent back."))
    return redirect(article)


@login_required
@permission_required("knowledge.change_article", raise_exception=True)
@require_POST
def mark_reviewed(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    article = actions.mark_reviewed(article=_article(code), actor=request.user)
    messages.success(
        request,
        _("Marked as reviewed; the next review is on %(day)s.")
        % {
            "day": formats.date_format(article.review_on, "DATE_FORMAT")
            if article.review_on
            else ""
        },
    )
    return redirect(article)


@login_required
@permission_required("knowledge.view_article", raise_exception=True)
@require_POST
def record_use(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    """Count a copy or an insert (sent by the page's script; nothing to show)."""
    actions.record_use(article=_article(code), actor=request.user)
    return HttpResponse(status=204)


@login_required
@permission_required("knowledge.view_article", raise_exception=True)
@require_GET
def suggest_answers(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Paste a customer's message, get the three best approved answers and why. With htmx
    (the compose box) only the suggestions; `insert` names the message field they go into."""
    form = SuggestForm(request.GET or None)
    suggestions = None
    if form.is_valid():
        suggestions = search.suggest(form.cleaned_data["q"])
    context = {
        "form": form,
        "suggestions": suggestions,
        "language": get_language(),
        "insert": request.GET.get("insert", "") if request.htmx else "",
    }
    if request.htmx:
        return render(request, "knowledge/_suggestions.html", context)
    return render(request, "knowledge/suggest.html", context)


@login_required
@permission_required("knowledge.view_synonym", raise_exception=True)
@require_http_methods(["GET", "POST"])
def list_synonyms(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The synonym list; managers add to it or change a term's words (by its term)."""
    can_edit = request.user.has_perm("knowledge.change_synonym")
    if request.method == "POST" and not can_edit:
        return HttpResponse(status=403)
    form = SynonymForm(request.POST or None)
    context = {
        "form": form,
        "synonyms": Synonym.objects.all(),
        "can_edit": can_edit,
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "knowledge/synonyms.html", context, status=400)
        synonym = actions.save_synonym(
            synonym=form.instance, actor=request.user, data=form.model_data()
        )
        messages.success(
            request, _("Synonym %(term)s saved; answers re-indexed.") % {"term": synonym.term}
        )
        return redirect("knowledge:synonym-list")
    return render(request, "knowledge/synonyms.html", context)


@login_required
@permission_required("knowledge.delete_synonym", raise_exception=True)
@require_POST
def delete_synonym(request: AuthenticatedHttpRequest, synonym_id: int) -> HttpResponse:
    synonym = get_object_or_404(Synonym, pk=synonym_id)
    actions.delete_synonym(synonym=synonym, actor=request.user)
    messages.success(request, _("Synonym %(term)s removed.") % {"term": synonym.term})
    return redirect("knowledge:synonym-list")
