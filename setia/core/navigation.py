"""The main navigation: its sections, their entries, and which section each page belongs to.

This module is the one place that says so; `base.html` only draws what `menu_for` returns.
Entries are named as the titles of the pages they open, so a user who follows one lands on a
page with the name they clicked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    # A development dependency: the labels are lazy translations, typed as such.
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Entry:
    """A link in a section. `route` is the page it opens; `also` are the pages under it (a
    task under My day), which mark this entry current as well."""

    label: StrOrPromise
    route: str
    permission: str | None = None
    staff_only: bool = False
    also: tuple[str, ...] = ()

    def is_visible_to(self, user) -> bool:
        if self.staff_only and not user.is_staff:
            return False
        return self.permission is None or user.has_perm(self.permission)


@dataclass(frozen=True)
class Section:
    key: str
    label: StrOrPromise
    entries: tuple[Entry, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "customers",
        pgettext_lazy("navigation section", "Customers"),
        (
            Entry(
                _("Customers"),
                "customers:customer-list",
                also=("customers:customer-create",),
            ),
            Entry(_("Interactions"), "engagement:interaction-list", "engagement.view_interaction"),
            Entry(_("Segments"), "segments:segment-list", "segments.view_segment"),
            Entry(
                _("Data quality"),
                "quality:data-quality",
                "customers.change_customer",
                also=(
                    "quality:duplicate-list",
                    "quality:duplicate-merge",
                    "quality:merge-undo-confirm",
                ),
            ),
            Entry(_("Imports"), "imports:import-list", "imports.add_import"),
            Entry(
                _("Deleted customers"),
                "customers:customer-deleted-list",
                "customers.restore_customer",
            ),
        ),
    ),
    Section(
        "work",
        pgettext_lazy("navigation section", "Work"),
        (
            Entry(
                _("My day"),
                "work:my-day",
                "work.view_task",
                also=("work:task-create", "work:task-detail", "work:task-edit"),
            ),
            Entry(_("Team board"), "work:team-board", "work.assign_task"),
            Entry(_("Calendar"), "work:calendar", "work.view_task"),
            Entry(
                _("Call today"),
                "work:call-today",
                "work.view_playbookrun",
                also=("work:run-detail",),
            ),
            Entry(
                _("Onboarding"),
                "work:onboarding-board",
                "work.view_onboarding",
                also=("work:onboarding-list",),
            ),
        ),
    ),
    Section(
        "team",
        pgettext_lazy("navigation section", "Team"),
        (
            Entry(_("Manager's home"), "cadence:home", "cadence.add_target"),
            Entry(
                _("Targets"),
                "cadence:target-list",
                "cadence.view_target",
                also=("cadence:target-create", "cadence:target-edit"),
            ),
            Entry(_("Weekly update"), "cadence:weekly", "cadence.view_target"),
            Entry(_("My checkpoint"), "cadence:checkpoint", "cadence.add_checkpoint"),
            Entry(_("Team checkpoints"), "cadence:team-checkpoints", "cadence.view_checkpoint"),
            Entry(
                _("1:1s"),
                "cadence:one-on-ones",
                "cadence.view_oneonone",
                also=("cadence:one-on-one", "cadence:one-on-one-meeting"),
            ),
            Entry(
                _("Reassignments"),
                "cadence:reassignment-list",
                "cadence.view_reassignment",
                also=("cadence:reassign", "cadence:handover", "cadence:reassignment-detail"),
            ),
            Entry(
                _("Org chart"),
                "cadence:org-chart",
                also=("cadence:org-history", "cadence:org-change", "cadence:org-lead"),
            ),
            Entry(_("People"), "cadence:people", also=("cadence:person",)),
            Entry(
                _("Announcements"),
                "announcements:list",
                "announcements.view_announcement",
                also=(
                    "announcements:create",
                    "announcements:detail",
                    "announcements:report",
                ),
            ),
        ),
    ),
    Section(
        "messages",
        pgettext_lazy("navigation section", "Messages"),
        (
            Entry(
                _("Message templates"),
                "engagement:template-list",
                "engagement.view_messagetemplate",
                also=("engagement:template-create", "engagement:template-edit"),
            ),
            Entry(
                _("Send to a list"),
                "engagement:bulk-send",
                "engagement.bulk_send_message",
                also=("engagement:bulk-detail",),
            ),
        ),
    ),
    Section(
        "partners",
        pgettext_lazy("navigation section", "Partners"),
        (
            Entry(
                _("Partners"),
                "partners:partner-list",
                "partners.view_partner",
                also=(
                    "partners:partner-create",
                    "partners:partner-detail",
                    "partners:partner-edit",
                    "partners:contact-add",
                    "partners:agreement-add",
                    "partners:programme-add",
                    "partners:programme-detail",
                ),
            ),
            Entry(
                _("Campaigns"),
                "campaigns:campaign-list",
                "campaigns.view_campaign",
                also=(
                    "campaigns:campaign-create",
                    "campaigns:campaign-detail",
                    "campaigns:campaign-edit",
                    "campaigns:campaign-promotions",
                ),
            ),
            Entry(
                _("Initiatives"),
                "campaigns:initiative-list",
                "campaigns.view_campaign",
                also=("campaigns:initiative-create",),
            ),
            Entry(
                _("Promotions"),
                "campaigns:promotion-list",
                "campaigns.view_promotion",
                also=(
                    "campaigns:promotion-create",
                    "campaigns:promotion-edit",
                    "campaigns:promotion-import",
                    "campaigns:caption-week",
                    "campaigns:caption-templates",
                ),
            ),
            Entry(
                _("Success stories"),
                "stories:story-board",
                "stories.view_story",
                also=(
                    "stories:story-list",
                    "stories:candidate-list",
                    "stories:story-create",
                    "stories:story-detail",
                    "stories:story-answers",
                    "stories:story-article",
                    "stories:questionnaire-list",
                    "stories:questionnaire-create",
                    "stories:questionnaire-edit",
                ),
            ),
            Entry(
                _("Meetings"),
                "partners:meeting-list",
                "partners.view_meeting",
                also=(
                    "partners:meeting-create",
                    "partners:meeting-detail",
                    "partners:meeting-edit",
                    "partners:action-item-add",
                ),
            ),
        ),
    ),
    Section(
        "reports",
        pgettext_lazy("navigation section", "Reports"),
        (
            Entry(_("Tier movements"), "tiers:tier-report", "tiers.view_tier"),
            Entry(_("Customer health"), "health:distribution", "health.view_customerhealth"),
            Entry(_("Surveys"), "surveys:report", "surveys.view_surveyresponse"),
            Entry(_("Customers at risk"), "health:at-risk", "health.view_customerhealth"),
            Entry(
                _("Retention offers"),
                "engagement:offer-report",
                "engagement.view_retentionoffer",
                also=("engagement:offer-detail",),
            ),
            Entry(_("Intake report"), "work:intake-report", "work.view_intake_report"),
            Entry(
                _("Complaints per release"),
                "engagement:complaints-report",
                "engagement.view_interaction",
            ),
        ),
    ),
    Section(
        "library",
        pgettext_lazy("navigation section", "Library"),
        (
            Entry(_("Sales library"), "library:guide-list", "library.view_guide"),
            Entry(
                _("Agreed answers"),
                "knowledge:article-list",
                "knowledge.view_article",
                also=(
                    "knowledge:article-create",
                    "knowledge:article-detail",
                    "knowledge:article-edit",
                    "knowledge:synonym-list",
                ),
            ),
            Entry(_("Suggest an answer"), "knowledge:suggest", "knowledge.view_article"),
        ),
    ),
    Section(
        "admin",
        pgettext_lazy("navigation section", "Admin"),
        (
            Entry(
                _("Triggers"),
                "work:thresholds",
                "work.change_triggerrule",
                also=("work:run-close",),
            ),
            Entry(
                _("Tiers"),
                "tiers:tier-list",
                "tiers.view_tier",
                also=("tiers:tier-edit", "tiers:rule-add"),
            ),
            Entry(_("Health settings"), "health:settings", "health.change_factorsetting"),
            Entry(
                _("Releases"),
                "engagement:release-list",
                "engagement.view_release",
                also=("engagement:release-create", "engagement:release-edit"),
            ),
            Entry(
                _("Monday e-mail of the weekly update"),
                "cadence:weekly-recipients",
                "cadence.view_weeklyrecipient",
            ),
            Entry(_("Background jobs"), "jobs:job-list"),
            Entry(
                _("Webhooks"),
                "webhooks:webhook-list",
                "webhooks.change_webhook",
                also=("webhooks:webhook-edit", "webhooks:webhook-log"),
            ),
            Entry(_("Administration"), "admin:index", staff_only=True),
        ),
    ),
)

# Pages that are no entry of the menu belong to a section by their URL namespace, except the
# routes listed in ROUTE_SECTIONS: a customer's timeline, messages and offers are pages of that
# customer, though the engagement app serves them.
NAMESPACE_SECTIONS: dict[str, str] = {
    "customers": "customers",
    "segments": "customers",
    "quality": "customers",
    "imports": "customers",
    "exports": "customers",
    "work": "work",
    "engagement": "messages",
    "tiers": "admin",
    "health": "reports",
    "surveys": "reports",
    "library": "library",
    "knowledge": "library",
    "jobs": "admin",
    "webhooks": "admin",
    "partners": "partners",
    "campaigns": "partners",
    "stories": "partners",
    "cadence": "team",
}
ROUTE_SECTIONS: dict[str, str] = {
    "engagement:timeline": "customers",
    "customers:interaction-log": "customers",
    "engagement:message-compose": "customers",
    "engagement:whatsapp-open": "customers",
    "engagement:email-send": "customers",
    "engagement:whatsapp-send": "customers",
    "engagement:offer-propose": "customers",
    "health:settings": "admin",
    "cadence:weekly-recipients": "admin",
}


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url: str
    is_current: bool


@dataclass(frozen=True)
class MenuSection:
    key: str
    label: str
    entries: tuple[MenuEntry, ...]
    is_current: bool


def section_of(route: str) -> str | None:
    """The key of the section the page `route` ("namespace:name") belongs to, or None."""
    for section in SECTIONS:
        for entry in section.entries:
            if route == entry.route or route in entry.also:
                return section.key
    if route in ROUTE_SECTIONS:
        return ROUTE_SECTIONS[route]
    namespace = route.split(":", 1)[0] if ":" in route else ""
    return NAMESPACE_SECTIONS.get(namespace)


def menu_for(user, route: str) -> tuple[MenuSection, ...]:
    """The sections `user` may open, each with the entries they may follow, the section and
    entry of the page `route` marked current. A section without a visible entry is left out."""
    current_section = section_of(route)
    menu = []
    for section in SECTIONS:
        entries = tuple(
            MenuEntry(
                label=str(entry.label),
                url=reverse(entry.route),
                is_current=route == entry.route or route in entry.also,
            )
            for entry in section.entries
            if entry.is_visible_to(user)
        )
        if entries:
            menu.append(
                MenuSection(
                    key=section.key,
                    label=str(section.label),
                    entries=entries,
                    is_current=section.key == current_section,
                )
            )
    return tuple(menu)
