"""Writing agreed answers: save (a new version), approve, count a use, review, import, synonyms.

Answers belong to no customer, so nothing here goes on a customer's timeline; every change
leaves a numbered `ArticleVersion` instead, and a review becomes a task of the owner.
"""

import csv
import difflib
import io
from dataclasses import dataclass, field
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from setia.accounts.models import User
from setia.engagement.models import ProductArea
from setia.knowledge import search
from setia.knowledge.models import Article, ArticleVersion, State, Synonym
from setia.lib.dates import add_months, now, today
from setia.notifications.actions import notify
from setia.notifications.models import Kind
from setia.work.schedule.actions import complete_task, create_task

REVIEW_EVERY_MONTHS = 6
# What a version records, in the order its diff shows.
VERSIONED = [
    "question_id", "question_en", "variants", "answer_id", "answer_en", "area", "tags",
    "audience",
]  # fmt: skip


_LABELS = {field.name: field.verbose_name for field in Article._meta.fields}


def snapshot(article: Article) -> dict:
    """The answer's content as plain JSON (what a version freezes)."""
    return {name: getattr(article, name) for name in VERSIONED}


# The approval notifications' messages, translated for each reader when shown.
WAITS_FOR_APPROVAL = gettext_noop("%(actor)s submitted an answer for approval: %(title)s")
APPROVED = gettext_noop("%(actor)s approved your answer: %(title)s")
SENT_BACK = gettext_noop("%(actor)s sent your answer back: %(reason)s (%(title)s)")


def approvers():
    """The active people who may approve answers (the `approve_article` permission, through
    their role or their own)."""
    permission = {"codename": "approve_article", "content_type__app_label": "knowledge"}
    return User.objects.filter(
        Q(is_superuser=True)
        | Q(**{f"groups__permissions__{name}": value for name, value in permission.items()})
        | Q(**{f"user_permissions__{name}": value for name, value in permission.items()}),
        is_active=True,
    ).distinct()


@transaction.atomic
def save_article(*, article: Article, actor, data: dict, tell_approvers: bool = True) -> Article:
    """Create or edit an answer from validated field values. Every save is a new version and
    makes the answer a draft again: what is suggested is only ever what a manager approved.
    A new version by someone who cannot approve it is submitted for approval: the approvers
    are notified (unless `tell_approvers` is off, as for an import)."""
    # What the stored answer contributes to the vocabulary, read from the database: the object
    # passed in may be older than the row (approved since it was read).
    stored = (
        Article.objects.select_for_update().filter(pk=article.pk).first() if article.pk else None
    )
    was = search.contribution(stored) if stored else (set(), 0)
    # Compared with the stored row: a model form has already copied its values onto `article`.
    changed = stored is None or any(
        getattr(stored, name) != value for name, value in data.items() if name in VERSIONED
    )
    for name, value in data.items():
        setattr(article, name, value)
    if changed:
        article.state = State.DRAFT
        article.version += 1
    if article.review_on is None:
        article.review_on = add_months(today(), REVIEW_EVERY_MONTHS)
    article.save()
    if changed:
        ArticleVersion.objects.create(
            article=article, number=article.version, snapshot=snapshot(article), saved_by=actor
        )
        if tell_approvers and actor is not None and not actor.has_perm("knowledge.approve_article"):
            notify(
                approvers(),
                Kind.APPROVAL,
                WAITS_FOR_APPROVAL,
                params={"actor": str(actor), "title": article.question_id},
                link=reverse("knowledge:article-detail", args=[article.code]),
                actor=actor,
            )
    search.reindex(article, was=was)
    return article


@transaction.atomic
def approve_article(*, article: Article, actor) -> Article:
    """A manager approves the answer as it stands; from now on it is suggested. Approving counts
    as its review. Its owner is notified when it was a draft."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.state == State.DRAFT and article.owner_id is not None:
        notify(
            [article.owner_id],
            Kind.APPROVAL,
            APPROVED,
            params={"actor": str(actor), "title": article.question_id},
            link=reverse("knowledge:article-detail", args=[article.code]),
            actor=actor,
        )
    was = search.contribution(article)
    article.state = State.APPROVED
    article.approved_by = actor
    article.approved_at = now()
    article.save(update_fields=["state", "approved_by", "approved_at", "updated_at"])
    search.adjust_terms(before=was, after=search.contribution(article))
    _reviewed(article, actor)
    return article


def send_back(*, article: Article, actor, reason: str) -> bool:
    """A manager does not approve the draft `article` as it stands: it stays a draft, and its
    owner is told why. False when there is nothing to send back (approved already)."""
    # Read from the database: the object passed in may be older than the row.
    if not Article.objects.filter(pk=article.pk, state=State.DRAFT).exists():
        return False
    notify(
        [article.owner_id] if article.owner_id else [],
        Kind.APPROVAL,
        SENT_BACK,
        params={"actor": str(actor), "title": article.question_id, "reason": reason},
        link=reverse("knowledge:article-detail", args=[article.code]),
        actor=actor,
    )
    return True


@transaction.atomic
def mark_reviewed(*, article: Article, actor) -> Article:
    """The owner checked the answer and it still holds: the next review is months away and the
    review task is done."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    _reviewed(article, actor)
    return article


def _reviewed(article: Article, actor) -> None:
    article.review_on = add_months(today(), REVIEW_EVERY_MONTHS)
    task = article.review_task
    article.review_task = None
    article.save(update_fields=["review_on", "review_task", "updated_at"])
    if task is not None and task.is_open:
        complete_task(task=task, actor=actor)


def record_use(*, article: Article, actor) -> None:
    """Count one use of the answer (copied, or inserted into a message)."""
    Article.objects.filter(pk=article.pk).update(use_count=F("use_count") + 1)


@transaction.atomic
def create_review_tasks(*, day=None) -> int:
    """A task for the owner of every answer whose review date has come and that has no open
    review task yet, due at the end of that day. Returns how many were created."""
    day = day or today()
    due_at = timezone.make_aware(datetime.combine(day, time(17, 0)))
    articles = (
        Article.objects.review_due(day)
        .filter(owner__isnull=False, owner__is_active=True)
        .exclude(review_task__status="open")
        .select_related("owner")
        .order_by("id")
    )
    created = 0
    for article in articles:
        task = create_task(
            data={
                "title": _("Review the answer: %(question)s") % {"question": article.question_id}
                if len(article.question_id) < 150
                else _("Review an answer"),
                "owner": article.owner,
                "due_at": due_at,
                "notes": article.get_absolute_url(),
            },
            actor=None,
        )
        Article.objects.filter(pk=article.pk).update(review_task=task)
        created += 1
    return created


def diff_versions(old: dict | None, new: dict) -> list[dict]:
    """What changed from one version to the next: [{field (its label), lines}] with diff lines
    (`+`/`-`/` ` prefixed) for every field that differs."""
    old = old or {}
    result = []
    for name in VERSIONED:
        before, after = str(old.get(name, "")), str(new.get(name, ""))
        if before == after:
            continue
        lines = [
            line
            for line in difflib.ndiff(before.splitlines(), after.splitlines())
            if not line.startswith("?")
        ]
        result.append({"field": _LABELS[name], "lines": lines})
    return result


@transaction.atomic
def save_synonym(*, synonym: Synonym, actor, data: dict) -> Synonym:
    """Save a synonym and re-index every answer with the new list."""
    for name, value in data.items():
        setattr(synonym, name, value)
    synonym.save()
    search.forget_synonyms()
    search.rebuild_index()
    return synonym


@transaction.atomic
def delete_synonym(*, synonym: Synonym, actor) -> None:
    """Remove a synonym and re-index every answer without it."""
    synonym.delete()
    search.forget_synonyms()
    search.rebuild_index()


IMPORT_COLUMNS = ["key", "area", "question_id", "answer_id", "question_en", "answer_en"]


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.errors)

    def summary(self) -> str:
        return (
            f"rows={self.rows} created={self.created} updated={self.updated} "
            f"rejected={self.rejected}"
        )


def _row_error(number: int, row: dict) -> str | None:
    key = (row.get("key") or "").strip()
    if not key:
        return _("Row %(row)s: the key is empty.") % {"row": number}
    try:
        validate_slug(key)
    except ValidationError:
        return _("Row %(row)s: the key %(key)s may hold only letters, digits, - and _.") % {
            "row": number,
            "key": key,
        }
    if (row.get("area") or "").strip() not in ProductArea.values:
        return _("Row %(row)s: unknown area %(area)s (one of: %(areas)s).") % {
            "row": number,
            "area": row.get("area") or "",
            "areas": ", ".join(ProductArea.values),
        }
    if not (row.get("question_id") or "").strip() or not (row.get("answer_id") or "").strip():
        return _("Row %(row)s: the Indonesian question and answer are required.") % {"row": number}
    return None


@transaction.atomic
def import_faq(*, content: str, actor, approve: bool = False) -> ImportResult:
    """Import answers from CSV (`IMPORT_COLUMNS`), in one transaction. An existing key is
    updated (a new version, a draft again), a new key created; a row with an error is rejected
    and reported, the others are kept. A question cell may hold several ways of asking,
    separated by `|`: the first is the question, the rest its variants. `approve` approves
    every imported answer at once (the demo data; a manager's own import)."""
    result = ImportResult()
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    missing = [column for column in IMPORT_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        result.errors.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        return result
    existing = {article.key: article for article in Article.objects.all()}
    seen: set[str] = set()
    for number, row in enumerate(reader, start=2):
        result.rows += 1
        error = _row_error(number, row)
        key = (row.get("key") or "").strip()
        if error is None and key in seen:
            error = _("Row %(row)s: the key %(key)s appears twice.") % {"row": number, "key": key}
        if error:
            result.errors.append(error)
            continue
        seen.add(key)
        questions = [part.strip() for part in row["question_id"].split("|") if part.strip()]
        data = {
            "key": key,
            "area": row["area"].strip(),
            "question_id": questions[0][:300],
            "variants": "\n".join(questions[1:]),
            "answer_id": row["answer_id"].strip(),
            "question_en": (row.get("question_en") or "").strip()[:300],
            "answer_en": (row.get("answer_en") or "").strip(),
        }
        article = existing.get(key)
        if article is None:
            article = Article(owner=actor)
            result.created += 1
        else:
            result.updated += 1
        article = save_article(article=article, actor=actor, data=data, tell_approvers=False)
        if approve:
            approve_article(article=article, actor=actor)
    return result
