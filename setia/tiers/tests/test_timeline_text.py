"""A tier move on the timeline reads in the reader's language, whatever the run's language."""

from django.utils import translation

from setia.history.models import EventKind, TimelineEvent

MOVE = {
    "old_tier": "Silver",
    "old_tier_name_id": "Perak",
    "new_tier": "Gold",
    "new_tier_name_id": "Emas",
}


def _text(data: dict, language: str) -> str:
    event = TimelineEvent(
        kind=EventKind.TIER, source_type="tiers.tierchange", data=data, summary="Perak → Emas"
    )
    with translation.override(language):
        return event.text


def test_a_move_names_both_tiers_in_the_readers_language():
    assert _text(MOVE, "en") == "Silver → Gold"
    assert _text(MOVE, "id") == "Perak → Emas"


def test_a_first_tier_is_named_alone_and_a_tier_without_indonesian_name_keeps_its_name():
    first = {"old_tier": None, "new_tier": "Platinum", "new_tier_name_id": ""}
    assert _text(first, "id") == "Platinum"
    assert _text(first, "en") == "Platinum"
