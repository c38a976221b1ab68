"""Editing, publishing and comparing the sales playbook."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from setia.lib.dates import today
from setia.playbook.models import ExampleStore, Objection, PlaybookEntry, PlaybookVersion

REVIEW_EVERY_DAYS = 30
COMPARE_WITH_DAYS = 30  # "what changed since last month"


@transaction.atomic
def save_entry(*, entry: PlaybookEntry, actor, data: dict, objections) -> PlaybookEntry:
    """Save the working copy; the objections list replaces the old one."""
    for name, value in data.items():
        setattr(entry, name, value)
    if entry.next_review_on is None:
        entry.next_review_on = today() + timedelta(days=REVIEW_EVERY_DAYS)
    entry.save()
    entry.objections.all().delete()
    Objection.objects.bulk_create(
        Objection(entry=entry, objection=objection, answer=answer, position=position)
        for position, (objection, answer) in enumerate(objections)
    )
    return entry


def add_example(*, entry: PlaybookEntry, actor, store, note: str, screenshot) -> ExampleStore:
    position = (entry.examples.aggregate(last=Max("position"))["last"] or 0) + 1
    example = ExampleStore(entry=entry, store=store, note=note, position=position)
    if screenshot:
        example.screenshot = screenshot
    example.save()
    return example


def remove_example(*, example: ExampleStore, actor) -> None:
    if example.screenshot:
        example.screenshot.delete(save=False)
    example.delete()


def snapshot(entry: PlaybookEntry) -> dict:
    """Everything on the page as plain JSON (what a version freezes)."""
    return {
        "summary": entry.summary,
        "talking_points": entry.talking_point_list,
        "template_names": entry.template_name_list,
        "examples": [
            {
                "domain": example.store.domain,
                "customer": example.store.customer.name,
                "note": example.note,
                "screenshot": example.screenshot.name or "",
            }
            for example in entry.examples.select_related("store__customer")
        ],
        "objections": [
            {"objection": item.objection, "answer": item.answer} for item in entry.objections.all()
        ],
    }


@transaction.atomic
def publish_entry(*, entry: PlaybookEntry, actor, note: str = "") -> PlaybookVersion:
    """Freeze the working copy as the next version; publishing counts as the monthly review."""
    entry = PlaybookEntry.objects.select_for_update().get(pk=entry.pk)
    number = (entry.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = PlaybookVersion.objects.create(
        entry=entry,
        number=number,
        snapshot=snapshot(entry),
        note=note,
        published_by=actor,
        published_at=timezone.now(),
    )
    entry.next_review_on = today() + timedelta(days=REVIEW_EVERY_DAYS)
    entry.save(update_fields=["next_review_on", "updated_at"])
    return version


def month_ago_version(versions: list[PlaybookVersion]) -> PlaybookVersion | None:
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
