"""Editing, publishing and comparing the sales library."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from setia.lib.dates import today
from setia.library.models import ExampleStore, Guide, GuideVersion, Objection

REVIEW_EVERY_DAYS = 30
COMPARE_WITH_DAYS = 30  # "what changed since last month"


@transaction.atomic
def save_guide(*, guide: Guide, actor, data: dict, objections) -> Guide:
    """Save the working copy; the objections list replaces the old one."""
    for name, value in data.items():
        setattr(guide, name, value)
    if guide.next_review_on is None:
        guide.next_review_on = today() + timedelta(days=REVIEW_EVERY_DAYS)
    guide.save()
    guide.objections.all().delete()
    Objection.objects.bulk_create(
        Objection(guide=guide, objection=objection, answer=answer, position=position)
        for position, (objection, answer) in enumerate(objections)
    )
    return guide


def add_example(*, guide: Guide, actor, store, note: str, screenshot) -> ExampleStore:
    position = (guide.examples.aggregate(last=Max("position"))["last"] or 0) + 1
    example = ExampleStore(guide=guide, store=store, note=note, position=position)
    if screenshot:
        example.screenshot = screenshot
    example.save()
    return example


def remove_example(*, example: ExampleStore, actor) -> None:
    if example.screenshot:
        example.screenshot.delete(save=False)
    example.delete()


def snapshot(guide: Guide) -> dict:
    """Everything on the page as plain JSON (what a version freezes)."""
    return {
        "summary": guide.summary,
        "talking_points": guide.talking_point_list,
        "template_names": guide.template_name_list,
        "examples": [
            {
                "domain": example.store.domain,
                "customer": example.store.customer.name,
                "note": example.note,
                "screenshot": example.screenshot.name or "",
            }
            for example in guide.examples.select_related("store__customer")
        ],
        "objections": [
            {"objection": item.objection, "answer": item.answer} for item in guide.objections.all()
        ],
    }


@transaction.atomic
def publish_guide(*, guide: Guide, actor, note: str = "") -> GuideVersion:
    """Freeze the working copy as the next version; publishing counts as the monthly review."""
    guide = Guide.objects.select_for_update().get(pk=guide.pk)
    number = (guide.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = GuideVersion.objects.create(
        guide=guide,
        number=number,
        snapshot=snapshot(guide),
        note=note,
        published_by=actor,
        published_at=timezone.now(),
    )
    guide.next_review_on = today() + timedelta(days=REVIEW_EVERY_DAYS)
    guide.save(update_fields=["next_review_on", "updated_at"])
    return version


def month_ago_version(versions: list[GuideVersion]) -> GuideVersion | None:
    """Of `versions` (newest first), the newest published a month or more before the newest.

    When every version is younger than that, the oldest one: the comparison then covers the
    page's whole short life.
    """
    if len(versions) < 2:
        return None
    cutoff = versions[0].published_at - timedelta(days=COMPARE_WITH_DAYS)
    for version in versions[1:]:
        if version.published_at <= cutoff:
            return version
    return versions[-1]


def diff_snapshots(old: dict | None, new: dict) -> list[dict]:
    """What changed from `old` to `new`: [{section, kind (added/removed/changed), text}]."""
    old = old or {}
    changes: list[dict] = []

    def add(section, kind, text):
        changes.append({"section": section, "kind": kind, "text": text})

    if old.get("summary", "") != new.get("summary", ""):
        add(_("Summary"), "changed", new.get("summary", ""))
    for key, section in (
        ("talking_points", _("Talking points")),
        ("template_names", _("Store templates")),
    ):
        before, after = old.get(key, []), new.get(key, [])
        for line in after:
            if line not in before:
                add(section, "added", line)
        for line in before:
            if line not in after:
                add(section, "removed", line)
    before = {item["domain"]: item for item in old.get("examples", [])}
    after = {item["domain"]: item for item in new.get("examples", [])}
    for domain, item in after.items():
        if domain not in before:
            add(_("Example stores"), "added", f"{domain} ({item['customer']})")
        elif (item["note"], item["screenshot"]) != (
            before[domain]["note"],
            before[domain]["screenshot"],
        ):
            add(_("Example stores"), "changed", f"{domain}: {item['note']}")
    for domain in before:
        if domain not in after:
            add(_("Example stores"), "removed", domain)
    before = {item["objection"]: item["answer"] for item in old.get("objections", [])}
    after = {item["objection"]: item["answer"] for item in new.get("objections", [])}
    for objection, answer in after.items():
        if objection not in before:
            add(_("Objections"), "added", objection)
        elif answer != before[objection]:
            add(_("Objections"), "changed", objection)
    for objection in before:
        if objection not in after:
            add(_("Objections"), "removed", objection)
    return changes
