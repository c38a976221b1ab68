from io import StringIO

from django.core.management import call_command
from django.db import transaction

from setia.engagement.models import Interaction, Message, MessageTemplate, RetentionOffer
from setia.history.models import TimelineEvent


def _load(seed=3) -> str:
    out = StringIO()
    call_command("load_demo", customers=120, seed=seed, verbosity=0, stdout=out)
    return out.getvalue()


def _snapshot():
    return (
        sorted(
            Interaction.objects.values_list(
                "customer__code", "kind", "summary", "occurred_at", "outcome"
            )
        ),
        sorted(Message.objects.values_list("customer__code", "status", "recipient")),
        sorted(RetentionOffer.objects.values_list("customer__code", "status", "discount_percent")),
    )


def test_it_loads_a_year_of_engagement_on_the_timeline(db):
    output = _load()

    interactions = Interaction.objects.count()
    assert 120 * 4 <= interactions <= 120 * 16
    assert f"interactions created={interactions}" in output
    assert set(Interaction.objects.values_list("kind", flat=True)) == {
        "call",
        "whatsapp",
        "email",
        "meeting",
        "note",
        "website_issue",
    }
    meeting = Interaction.objects.filter(kind="meeting").first()
    assert meeting.decisions and len(meeting.action_item_list()) == 2
    span = Interaction.objects.order_by("occurred_at")
    assert (span.last().occurred_at - span.first().occurred_at).days >= 300
    assert {"sent", "delivered", "read", "failed", "opened"} <= set(
        Message.objects.values_list("status", flat=True)
    )
    assert MessageTemplate.objects.count() == 4
    # the e-mails read as sent: every variable of the template's subject filled
    subjects = list(Message.objects.filter(channel="email").values_list("subject", flat=True))
    assert subjects and not [subject for subject in subjects if "{" in subject]
    # every event has its source: interactions, messages, offers and the customers' history
    assert (
        TimelineEvent.objects.filter(source_type="engagement.interaction").count() == interactions
    )
    assert TimelineEvent.objects.filter(source_type="engagement.message").count() == (
        Message.objects.count()
    )
    # each customer's creation (the demo's reassignment adds a change to a few more)
    changed = TimelineEvent.objects.filter(kind="change")
    assert changed.values("customer").distinct().count() == 120 <= changed.count()
    assert set(RetentionOffer.objects.values_list("status", flat=True)) == {
        "proposed",
        "approved",
        "rejected",
        "accepted",
        "declined",
        "expired",
    }


def test_running_it_again_adds_nothing(db):
    _load()
    first = _snapshot()
    events = TimelineEvent.objects.count()

    output = _load()

    assert _snapshot() == first
    assert TimelineEvent.objects.count() == events
    assert "interactions created=0 messages=0 offers=0 history events=0" in output


def test_it_is_deterministic_for_a_seed(db):
    # Rolled back rather than deleted: audit entries cannot be deleted.
    with transaction.atomic():
        _load()
        first = _snapshot()
        transaction.set_rollback(True)

    _load()

    assert _snapshot() == first
