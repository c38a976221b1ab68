"""Another team's records, tried by address: every URL of a customer-owned record answers 404 to
an executive of another team, as for a record that does not exist, changes nothing, and logs the
attempt with the user's id."""

import logging
import uuid

import pytest
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver
from django.utils import timezone

from setia.campaigns.models import Participant, Promotion
from setia.campaigns.tests.factories import make_campaign
from setia.engagement.models import RetentionOffer
from setia.history.models import AuditEntry, TimelineEvent
from setia.imports.models import Import
from setia.partners.models import Referral
from setia.partners.tests.factories import make_programme
from setia.quality.models import Merge
from setia.quality.tests.factories import make_candidate
from setia.stories.tests.factories import make_story
from setia.test import make_contact, make_customer, make_store, make_subscription
from setia.work.automation.models import Playbook, PlaybookRun
from setia.work.tests.factories import make_task


@pytest.fixture
def owned(customer, executive, team_a):
    """One record of every customer-owned kind, all of team A."""
    twin = make_customer(team=team_a, owner=executive, name="Batik Lestari Jaya")
    task = make_task(owner=executive, customer=customer, checklist=["Telepon"])
    return {
        "customer": customer,
        "contact": make_contact(customer, name="Sari"),
        "store": make_store(customer),
        "subscription": make_subscription(customer),
        "offer": RetentionOffer.objects.create(
            customer=customer,
            discount_percent=10,
            months=3,
            monthly_price=349_000,
            proposed_by=executive,
        ),
        "task": task,
        "item": task.checklist.get(),
        "run": PlaybookRun.objects.create(
            customer=customer,
            playbook=Playbook.objects.order_by("pk").first(),
            kind="gmv_drop",
            reason="GMV -40%",
            batch=uuid.uuid4(),
            started_at=timezone.now(),
        ),
        "candidate": make_candidate(customer, twin),
        "merge": Merge.objects.create(survivor=customer, loser=twin, actor=executive),
        "import": Import.objects.create(actor=executive, file_name="sheet.csv"),
        "participant": Participant.objects.create(
            campaign=make_campaign(), customer=customer, status="invited", invited_at=timezone.now()
        ),
        "promotion": Promotion.objects.create(
            customer=customer,
            name="Harbolnas",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate(),
            discount="20%",
            link="https://batiklestari.id/promo",
        ),
        "story": make_story(customer),
        "referral": Referral.objects.create(
            programme=make_programme(),
            customer=customer,
            stage="offered",
            offered_at=timezone.now(),
        ),
    }


# URL name -> (method, its arguments from the owned records)
OWNED_URLS = {
    "customers:customer-detail": ("get", lambda o: [o["customer"].code]),
    "customers:customer-edit": ("post", lambda o: [o["customer"].code]),
    "customers:customer-delete": ("post", lambda o: [o["customer"].code]),
    "customers:contact-add": ("post", lambda o: [o["customer"].code]),
    "customers:contact-edit": ("post", lambda o: [o["customer"].code, o["contact"].pk]),
    "customers:contact-delete": ("post", lambda o: [o["customer"].code, o["contact"].pk]),
    "customers:store-add": ("post", lambda o: [o["customer"].code]),
    "customers:store-edit": ("post", lambda o: [o["customer"].code, o["store"].code]),
    "customers:store-delete": ("post", lambda o: [o["customer"].code, o["store"].code]),
    "customers:subscription-edit": ("post", lambda o: [o["customer"].code]),
    "engagement:timeline": ("get", lambda o: [o["customer"].code]),
    "customers:interaction-log": ("post", lambda o: [o["customer"].code]),
    "engagement:message-compose": ("get", lambda o: [o["customer"].code]),
    "engagement:whatsapp-open": ("post", lambda o: [o["customer"].code]),
    "engagement:email-send": ("post", lambda o: [o["customer"].code]),
    "engagement:whatsapp-send": ("post", lambda o: [o["customer"].code]),
    "engagement:offer-propose": ("post", lambda o: [o["customer"].code]),
    "engagement:offer-detail": ("get", lambda o: [o["offer"].code]),
    "engagement:offer-outcome": ("post", lambda o: [o["offer"].code]),
    "work:task-detail": ("get", lambda o: [o["task"].code]),
    "work:task-edit": ("post", lambda o: [o["task"].code]),
    "work:task-complete": ("post", lambda o: [o["task"].code]),
    "work:checklist-toggle": ("post", lambda o: [o["task"].code, o["item"].pk]),
    "work:onboarding-move": ("post", lambda o: [o["customer"].code]),
    "work:run-detail": ("get", lambda o: [o["run"].code]),
    "work:run-close": ("post", lambda o: [o["run"].code]),
    "quality:duplicate-merge": ("get", lambda o: [o["candidate"].code]),
    "quality:duplicate-dismiss": ("post", lambda o: [o["candidate"].code]),
    "imports:import-detail": ("get", lambda o: [o["import"].code]),
    "imports:import-mapping": ("get", lambda o: [o["import"].code]),
    "imports:import-preview": ("get", lambda o: [o["import"].code]),
    "imports:import-dry-run": ("get", lambda o: [o["import"].code]),
    "imports:import-dry-run-errors": ("get", lambda o: [o["import"].code]),
    "imports:import-commit": ("post", lambda o: [o["import"].code]),
    "imports:import-values": ("post", lambda o: [o["import"].code]),
    "imports:import-progress": ("get", lambda o: [o["import"].code]),
    "imports:import-file": ("get", lambda o: [o["import"].code]),
    "imports:import-errors": ("get", lambda o: [o["import"].code]),
    "partners:referral-advance": ("post", lambda o: [o["referral"].pk]),
    "campaigns:participant-join": ("post", lambda o: [o["participant"].pk]),
    "campaigns:promotion-edit": ("post", lambda o: [o["promotion"].pk]),
    **{
        f"stories:story-{step}": (method, lambda o: [o["story"].code])
        for step, method in [
            ("detail", "get"),
            ("move", "post"),
            ("consent", "post"),
            ("schedule", "post"),
            ("answers", "post"),
            ("article", "post"),
            ("publish", "post"),
            ("coverage", "post"),
        ]
    },
    # The REST API (setia/api/tests has every method of each).
    "api:customer-detail": ("get", lambda o: [o["customer"].code]),
    "api:customer-timeline": ("get", lambda o: [o["customer"].code]),
    "api:customer-health": ("get", lambda o: [o["customer"].code]),
    "api:customer-survey-responses": ("get", lambda o: [o["customer"].code]),
    "api:contact-list": ("post", lambda o: [o["customer"].code]),
    "api:contact-detail": ("get", lambda o: [o["customer"].code, o["contact"].pk]),
    "api:store-list": ("post", lambda o: [o["customer"].code]),
    "api:store-detail": ("get", lambda o: [o["customer"].code, o["store"].code]),
    "api:subscription": ("get", lambda o: [o["customer"].code]),
    "api:interaction-list": ("post", lambda o: [o["customer"].code]),
    "api:task-detail": ("get", lambda o: [o["task"].code]),
    "api:task-complete": ("post", lambda o: [o["task"].code]),
}
# URLs with an argument that are not a team's customer records, or that only a manager (who
# sees every team) may use: a manager's refusal to others is a 403 that reveals nothing.
NOT_TEAM_OWNED = {
    "customers:customer-restore",  # managers only
    "engagement:offer-approve",  # managers only
    "engagement:offer-reject",  # managers only
    "quality:merge-undo",  # managers only
    # A merge of two customers, found through both customers' visibility (404 otherwise), as
    # its undo: setia/quality/tests/test_merge_duplicate.py.
    "quality:merge-undo-confirm",
    # Background jobs: their starter's, and every manager's (404 to others): setia/jobs/tests.
    "jobs:job-retry",
    "jobs:job-cancel",
    # A signed token e-mailed to a signed-out user, no record of a team's.
    "accounts:password-reset-confirm",
    "imports:import-undo",  # managers only
    "engagement:bulk-detail",  # the sender's own, tested with the bulk send
    "engagement:template-edit",  # shared message templates
    "engagement:release-edit",  # the shared list of releases: managers only
    "segments:segment-edit",  # a user's saved filters
    "segments:segment-delete",
    "tiers:rule-delete",  # configuration
    "tiers:tier-edit",
    "library:guide-detail",  # the sales library, shared by everyone
    "library:guide-edit",
    "library:guide-publish",
    "library:guide-present",
    "library:example-add",
    "library:example-delete",
    "work:feed",  # the calendar feed, by its secret token
    # A survey's public page, by its signed link: another customer's or contact's link is
    # refused (setia/surveys/tests/test_public_page.py).
    "survey-public:answer",
    "imports:import-sample",  # the sample files
    # Partners, their programmes and meetings are shared by everyone; a programme's page lists
    # and offers only the reader's merchants: setia/partners/tests/test_pages.py.
    "partners:partner-detail",
    "partners:partner-edit",
    "partners:contact-add",
    "partners:agreement-add",
    "partners:programme-add",
    "partners:programme-detail",
    "partners:programme-offer",
    "partners:meeting-detail",
    "partners:meeting-edit",
    "partners:action-item-add",
    "partners:meeting-pdf",
    # Couriers' rate cards are shared like their partner (no merchant on them):
    # setia/partners/tests/test_rate_cards.py.
    "partners:rate-card",
    "partners:rate-card-import",
    "partners:rate-card-diff",
    "partners:rate-card-diff-download",
    "partners:rate-card-version",
    "partners:rate-card-withdraw",
    "partners:rate-card-export",
    # Campaigns are shared; their page lists, counts and measures only the reader's merchants,
    # and invites only them: setia/campaigns/tests.
    "campaigns:campaign-detail",
    "campaigns:campaign-edit",
    "campaigns:campaign-invite",
    "campaigns:campaign-report-pdf",
    "campaigns:campaign-report-xlsx",
    "campaigns:campaign-promotions",
    # Milestones belong to the shared campaign or initiative, no merchant's.
    "campaigns:milestone-add",
    "campaigns:milestone-mark",
    # Announcements are made to everyone, roles or teams, not about a team's customers; one
    # made to other people is a 404 (setia/announcements/tests/test_pages.py).
    "announcements:detail",
    "announcements:acknowledge",
    "announcements:report",
    "announcements:report-csv",
    # The interview questionnaires are shared by everyone: setia/stories/tests.
    "stories:questionnaire-edit",
    "cadence:target-edit",  # monthly targets: managers only
    "cadence:target-delete",
    "cadence:reassignment-detail",  # reassignments: managers only
    "cadence:reassignment-undo",
    # A 1:1 is its two people's alone (404 to anyone else, managers included), not a team's
    # record: setia/cadence/tests/test_oneonones.py.
    "cadence:one-on-one",
    "cadence:one-on-one-meeting",
    # People pages: everyone signed in reads everyone's (the org chart is the company's);
    # topics are edited by the person or a manager: setia/cadence/tests/test_org.py.
    "cadence:person",
    # The Monday e-mail's extra addresses: configuration, admins only.
    "cadence:weekly-recipient-delete",
    "api:segment-detail",  # a user's saved filters, through the API
    "api:segment-customers",  # their members: within what the user sees
    "api:tier-detail",  # configuration
    # The surveys' questions are the company's; a survey's answers are listed from the
    # customers the reader sees: setia/api/tests/test_surveys_api.py.
    "api:survey-detail",
    "api:survey-responses",
    "api-pages:token-revoke",  # a person's own tokens: setia/api/tests
    "api:metrics-job",  # a push's result, as the jobs page shows jobs: test_metrics_push.py
    # Webhooks see every customer and are the administrators' alone (403 to every other
    # role): setia/webhooks/tests/test_pages.py.
    "webhooks:webhook-edit",
    "webhooks:webhook-secret",
    "webhooks:webhook-test",
    "webhooks:webhook-delete",
    "webhooks:webhook-log",
    # Agreed answers and their synonyms are the whole company's, not a team's; editing,
    # approving and reviewing take the role's permission: setia/knowledge/tests.
    "knowledge:article-detail",
    "knowledge:article-edit",
    "knowledge:article-approve",
    "knowledge:article-send-back",
    "knowledge:article-reviewed",
    "knowledge:article-used",
    "knowledge:synonym-delete",
    # A person's own notifications: anyone else's is a 404 (setia/notifications/tests).
    "notifications:read",
}


def _named_urls_with_arguments(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if inner != "admin":
                yield from _named_urls_with_arguments(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and pattern.pattern.converters:
            yield f"{namespace}:{pattern.name}"


def test_every_url_of_a_record_is_checked_or_said_not_to_be_a_teams():
    assert set(_named_urls_with_arguments()) - set(OWNED_URLS) - NOT_TEAM_OWNED == set()


def _state():
    return (AuditEntry.objects.count(), TimelineEvent.objects.count())


@pytest.mark.parametrize("name", sorted(OWNED_URLS))
def test_another_teams_executive_gets_404_changes_nothing_and_is_logged(
    client, other_executive, owned, name, caplog
):
    method, arguments = OWNED_URLS[name]
    url = reverse(name, args=arguments(owned))
    client.force_login(other_executive)
    before = _state()
    versions = {key: getattr(record, "version", None) for key, record in owned.items()}

    with caplog.at_level(logging.WARNING, logger="setia.security"):
        response = getattr(client, method)(url, {"name": "Diretas", "note": "x", "outcome": ""})

    assert response.status_code == 404
    assert "Batik Lestari" not in response.content.decode()
    assert _state() == before
    for key, record in owned.items():
        record.refresh_from_db()
        assert getattr(record, "version", None) == versions[key], key
    assert [
        record.getMessage() for record in caplog.records if record.name == "setia.security"
    ] == [f"404 for user {other_executive.pk} on {method.upper()} {url}"]


def test_a_missing_record_looks_the_same_as_another_teams(client, other_executive, owned):
    client.force_login(other_executive)

    theirs = client.get(reverse("customers:customer-detail", args=[owned["customer"].code]))
    missing = client.get(reverse("customers:customer-detail", args=[uuid.uuid4()]))

    assert theirs.status_code == missing.status_code == 404
    assert [t.name for t in theirs.templates] == [t.name for t in missing.templates]
