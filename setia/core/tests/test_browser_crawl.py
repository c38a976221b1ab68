"""Every page of the menu and the main record pages, for every role of the demo, in both
languages: at 1366 px the visible text has no ISO date, internal key, debug text, `None` or
seeded name of the other language; at 390 px no page scrolls sideways.

One browser and one demo database for the whole crawl: each role logs in once, reads every page
in Indonesian, switches to English with the language buttons, and reads them again. Each page
is read at 1366 px, then narrowed to 390 px (a resize, not a second load).
"""

import datetime
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import CharField, Count
from django.urls import reverse

from setia.accounts.models import User
from setia.announcements.models import Announcement
from setia.campaigns.models import Campaign
from setia.customers.actions import save_edit, save_subscription
from setia.customers.demo_load import DEMO_PASSWORD
from setia.customers.models import Category, Customer, Plan
from setia.engagement.models import BulkSend, MessageTemplate, RetentionOffer
from setia.history.models import EventKind, TimelineEvent
from setia.imports.models import Import
from setia.knowledge.models import Article
from setia.library.models import Guide
from setia.partners.models import Meeting, Programme, RateCardVersion
from setia.quality.actions import merge_customers
from setia.quality.models import DuplicateCandidate, Merge
from setia.stories.models import Story
from setia.work.automation.models import PlaybookRun
from setia.work.schedule.models import Task

ROLES = [
    "admin@setia.test",
    "manager@setia.test",
    "executive@setia.test",
    "intern@setia.test",
    "viewer@setia.test",
]
LANGUAGES = ["id", "en"]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# Pages one step from the menu, with forms or tables of their own.
MORE = [
    "/customers/new/",
    "/customers/deleted/",
    "/work/tasks/new/",
    "/work/onboarding/list/",
    "/work/onboarding/intake/",
    "/imports/new/",
    "/segments/new/",
    "/quality/duplicates/",
    "/tiers/report/",
    "/partners/new/",
    "/partners/meetings/new/",
    "/campaigns/new/",
    "/campaigns/initiatives/new/",
    "/campaigns/promotions/import/",
    "/campaigns/promotions/new/",
    "/campaigns/captions/",
    "/campaigns/captions/templates/",
    "/stories/list/",
    "/stories/candidates/",
    "/stories/new/",
    "/stories/questionnaires/",
    "/stories/questionnaires/new/",
    "/cadence/targets/new/",
    "/announcements/new/",
    "/api/tokens/",
    "/answers/new/",
    "/answers/synonyms/",
    "/answers/suggest/?q=gmn+cara+ganti+domain+toko+kak%3F",
    "/answers/suggest/?q=resep+nasi+goreng",
    "/search/?q=toko",
    "/notifications/",
    "/notifications/preferences/",
]

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# snake_case identifiers (gmv_90d, stage_name), key=value pairs (rows=15), Python reprs.
RAW_KEY = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[a-z_]+=\S|\{'|\['|\bNone\b")
# Text a page may show that looks like a raw key but is what the user typed or needs.
ALLOWED = [
    re.compile(r"\S+@\S+"),  # e-mail addresses (ayu_store@…)
    re.compile(r"https?://\S+|www\.\S+|\b[\w.-]+\.(?:id|com|co\.id|net)\b"),  # links, domains
    re.compile(r"\{\{\s*\w+\s*\}\}"),  # template placeholders shown on the template pages
    re.compile(r"utm_\w+"),
    re.compile(r"\{\w+\}"),  # a message template's placeholders ({customer}, {renews_on})
    re.compile(r"`[^`]+`"),  # a command an admin is told to run (`manage.py run_jobs`)
]


def seeded_names() -> dict[str, dict[str, str]]:
    """{language: {name: model label}} of the names of every model with an English/Indonesian
    pair of fields (`name`/`name_id` or `name_en`/`name_id`), for the names that differ."""
    names: dict[str, dict[str, str]] = {"en": {}, "id": {}}
    for model in apps.get_models():
        fields = {field.name for field in model._meta.concrete_fields}
        english = "name_en" if "name_en" in fields else "name" if "name" in fields else None
        if english is None or "name_id" not in fields:
            continue
        if not isinstance(model._meta.get_field("name_id"), CharField):
            continue
        for name_en, name_id in model._default_manager.values_list(english, "name_id"):
            if name_en and name_id and name_en.casefold() != name_id.casefold():
                names["en"][name_en] = model._meta.label_lower
                names["id"][name_id] = model._meta.label_lower
    return names


def generated_content(tmp_path) -> dict[str, str]:
    """The demo plus what the app writes that the demo may lack: an import (created, then
    updated, with a date column and a custom field), a merge; return record pages to read."""
    call_command("load_demo", customers=24, seed=4, verbosity=0, stdout=StringIO())
    manager = User.objects.get(email="manager@setia.test")
    header = "Nama Toko,Email,Kategori,Paket,Tanggal Mulai,Harga Bulanan,Sumber Info\n"
    first = tmp_path / "sheet1.csv"
    first.write_text(
        header + "Toko Crawl Satu,crawl1@contoh.id,Kerajinan,Pro,05/04/2026,350000,Instagram\n"
        "Toko Crawl Dua,crawl2@contoh.id,Fesyen Plus Size,,06/04/2026,250000,TikTok\n",
        encoding="utf-8",
    )
    second = tmp_path / "sheet2.csv"
    second.write_text(
        header + "Toko Crawl Satu,crawl1@contoh.id,Kerajinan,,07/05/2026,400000,Teman\n",
        encoding="utf-8",
    )
    for sheet in (first, second):
        call_command("import_customers", str(sheet), owner=manager.email, stdout=StringIO())
    # edits on a page: a date, a number, a category and a custom field change
    imported = Customer.objects.get(name="Toko Crawl Satu")
    save_subscription(
        customer=imported,
        actor=manager,
        data={
            "plan": Plan.objects.get(code="growth"),
            "started_on": datetime.date(2026, 4, 5),
            "monthly_price": 1_250_000,
        },
    )
    save_edit(
        record=imported,
        customer=imported,
        actor=manager,
        data={
            "extra": {**(imported.extra or {}), "Sumber Info": "Pameran"},
            "category": Category.objects.get(slug="electronics"),
        },
        expected_version=imported.version,
    )
    candidate = DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN).first()
    if candidate is not None:
        merge_customers(
            candidate=candidate, survivor=candidate.customer_a, choices={}, actor=manager
        )

    pages = {}
    pages["imported customer"] = reverse("customers:customer-detail", args=[imported.code])
    busiest = (
        Customer.objects.filter(deleted_at__isnull=True)
        .annotate(kinds=Count("timeline_events__kind", distinct=True))
        .order_by("-kinds", "id")[0]
    )
    pages["busiest customer"] = reverse("customers:customer-detail", args=[busiest.code])
    for kind in (
        EventKind.TIER,
        EventKind.OFFER,
        EventKind.TASK,
        EventKind.PARTNER,
        EventKind.CAMPAIGN,
        EventKind.STORY,
    ):
        event = TimelineEvent.objects.filter(kind=kind).order_by("-id").first()
        if event is not None:
            pages[f"customer with a {kind} event"] = reverse(
                "customers:customer-detail", args=[event.customer.code]
            )
    merge = Merge.objects.first()
    if merge is not None:
        pages["merged customer"] = reverse("customers:customer-detail", args=[merge.survivor.code])
        pages["merge undo"] = reverse("quality:merge-undo-confirm", args=[merge.code])
    pages["task"] = reverse("work:task-detail", args=[Task.objects.order_by("id")[0].code])
    run = PlaybookRun.objects.exclude(figures={}).order_by("kind", "id")[0]
    pages["playbook run"] = reverse("work:run-detail", args=[run.code])
    for trigger in PlaybookRun.objects.values_list("kind", flat=True).distinct():
        other = PlaybookRun.objects.filter(kind=trigger).order_by("id")[0]
        pages[f"{trigger} run"] = reverse("work:run-detail", args=[other.code])
    offer = RetentionOffer.objects.order_by("id")[0]
    pages["offer"] = reverse("engagement:offer-detail", args=[offer.code])
    pages["import"] = reverse(
        "imports:import-detail", args=[Import.objects.order_by("-id")[0].code]
    )
    template = MessageTemplate.objects.order_by("id")[0]
    pages["template"] = reverse("engagement:template-edit", args=[template.code])
    pages["guide"] = reverse(
        "library:guide-detail", args=[Guide.objects.order_by("id")[0].category.slug]
    )
    programme = Programme.objects.select_related("partner").order_by("id")[0]
    pages["partner"] = reverse("partners:partner-detail", args=[programme.partner.pk])
    pages["programme"] = reverse("partners:programme-detail", args=[programme.pk])
    meeting = Meeting.objects.filter(partner__isnull=False).order_by("id")[0]
    pages["meeting"] = reverse("partners:meeting-detail", args=[meeting.pk])
    courier = RateCardVersion.objects.order_by("-id")[0].partner_id
    pages["rate card"] = reverse("partners:rate-card", args=[courier])
    pages["rate card version"] = reverse("partners:rate-card-version", args=[courier, 1])
    pages["rate card changes"] = reverse("partners:rate-card-diff", args=[courier])
    pages["rate card import"] = reverse("partners:rate-card-import", args=[courier])
    pages["campaign"] = reverse(
        "campaigns:campaign-detail", args=[Campaign.objects.order_by("id")[0].pk]
    )
    initiative = Campaign.objects.filter(kind="initiative").order_by("id").first()
    if initiative is not None:
        pages["initiative"] = reverse("campaigns:campaign-detail", args=[initiative.pk])
    for state in ("published", "consent_asked", "draft"):
        story = Story.objects.filter(state=state).order_by("id").first()
        if story is not None:
            pages[f"{state} story"] = reverse("stories:story-detail", args=[story.code])
    answer = Article.objects.order_by("id").first()
    if answer is not None:
        pages["answer"] = reverse("knowledge:article-detail", args=[answer.code])
        pages["answer edit"] = reverse("knowledge:article-edit", args=[answer.code])
    bulk = BulkSend.objects.order_by("id").first()
    if bulk is not None:
        pages["bulk send"] = reverse("engagement:bulk-detail", args=[bulk.code])
    announcement = Announcement.objects.order_by("id").first()
    if announcement is not None:
        pages["announcement"] = reverse("announcements:detail", args=[announcement.code])
        pages["read report"] = reverse("announcements:report", args=[announcement.code])
    duplicate = DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN).first()
    if duplicate is not None:
        pages["duplicate to merge"] = reverse("quality:duplicate-merge", args=[duplicate.code])
    return pages


# What a reader sees: the rendered text (innerText: without input values, scripts or hidden
# parts), and each visible text node, trimmed, with whether it is a value in an audit change's
# table.
READ_PAGE = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const nodes = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const parent = node.parentElement;
    if (!text || !parent || parent.closest("script, style, template, option")) continue;
    if (!parent.checkVisibility()) continue;
    nodes.push(text);
  }
  return [document.body.innerText, nodes];
}"""


def name_leaks(nodes, other_names: dict[str, str]) -> list[tuple[str, str]]:
    """(check, snippet) for each text that is, or quotes, a seeded name of the other language. Whole texts only: a store called "Big Beauty 15" is not the category
    "Beauty"."""
    found = []
    for text in nodes:
        for name, label in other_names.items():
            if text == name or f"“{name}”" in text or f'"{name}"' in text:
                found.append((f"other language's name ({label})", text[:80]))
    return found


def problems(text: str) -> list[tuple[str, str]]:
    """(check, snippet) for each thing in `text` a reader should not see."""
    found = []
    for pattern in ALLOWED:
        text = pattern.sub(" ", text)
    for match in ISO_DATE.finditer(text):
        found.append(("ISO date", _around(text, match)))
    for match in RAW_KEY.finditer(text):
        found.append(("raw key", _around(text, match)))
    return found


def _around(text: str, match: re.Match) -> str:
    return " ".join(text[max(0, match.start() - 30) : match.end() + 30].split())


def _log_in(context, email: str, language: str):
    page = context.new_page()
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/(customers|work|cadence)/"))
    _switch_language(page, language)
    return page


def _switch_language(page, language: str) -> None:
    button = page.locator(f".language-switch button[value={language}]")
    if button.get_attribute("aria-pressed") != "true":
        if not button.is_visible():
            page.locator(".menu-button").click()
        button.click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language


def test_the_checks_catch_what_a_reader_should_not_see():
    leaks = problems(
        "gmv_90d 0 · rows=15 created=8 · {'Sumber Info': 'Instagram'} · sejak 2026-11-18 · None"
    )
    assert {check for check, _snippet in leaks} == {"ISO date", "raw key"}
    assert len(leaks) == 6
    assert problems("ayu_store@contoh.id · {customer} · `manage.py run_jobs` · 18 November") == []
    nodes = ["Home Living", "Big Home Living Shop", "di “Signed”"]
    names = {"Home Living": "customers.category", "Signed": "work.stage"}
    assert [snippet for _check, snippet in name_leaks(nodes, names)] == [
        "Home Living",
        "di “Signed”",
    ]


def _check_menu_on_a_phone(page) -> None:
    """At 390 px the menu is folded behind its button, and the button opens it."""
    page.set_viewport_size(PHONE)
    nav = page.locator(".mainnav")
    button = page.locator(".menu-button")
    assert button.is_visible()
    assert not nav.is_visible()
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert nav.is_visible()
    nav.locator("summary").first.click()
    assert nav.locator("details[open] a").first.is_visible()
    page.set_viewport_size(DESKTOP)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_reads_in_the_readers_language_and_fits_a_phone(browser, live_server, tmp_path):
    # given the demo data and what the app generates, read by every role in both languages
    records = generated_content(tmp_path)
    names = seeded_names()
    leaks: dict[str, set[str]] = {}
    wide: dict[str, tuple[int, int]] = {}
    visited = 0
    for email in ROLES:
        context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport=DESKTOP)
        context.set_default_timeout(10_000)
        page = _log_in(context, email, "id")
        _check_menu_on_a_phone(page)
        page.reload()
        menu = page.locator(".mainnav a").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"
        )
        urls = [href for href in menu if not href.startswith("/admin/")]
        urls += [url for url in MORE if url not in urls]
        urls += list(records.values())
        for language in LANGUAGES:
            _switch_language(page, language)
            other = names["en" if language == "id" else "id"]
            for url in urls:
                page.set_viewport_size(DESKTOP)
                response = page.goto(url)
                assert response is not None, url
                # A role may not see every record: its refusal is a page too, and is read.
                assert response.status in (200, 403, 404), f"{email} {url}: {response.status}"
                visited += 1
                where = f"{email} [{language}] {url}"
                text, nodes = page.evaluate(READ_PAGE)
                for check, snippet in problems(text):
                    leaks.setdefault(where, set()).add(f"{check}: …{snippet}…")
                for check, snippet in name_leaks(nodes, other):
                    leaks.setdefault(where, set()).add(f"{check}: {snippet}")
                page.set_viewport_size(PHONE)
                width, inner = page.evaluate(
                    "[document.documentElement.scrollWidth, window.innerWidth]"
                )
                if width > inner:
                    wide[where] = (width, inner)
        context.close()

    # then no page shows a leak, and none scrolls sideways on a phone
    report = "\n".join(
        f"{where}\n    " + "\n    ".join(sorted(found)) for where, found in sorted(leaks.items())
    )
    assert not leaks, f"{len(leaks)} of {visited} pages leak:\n{report}"
    assert wide == {}, f"{len(wide)} of {visited} pages scroll sideways at 390 px: {wide}"
    assert visited >= 5 * 2 * 30
