import datetime

import pytest
from rich.progress import Progress

from setia.customers.demo_load import load_demo_customers, load_demo_people
from setia.history.models import EventKind, TimelineEvent
from setia.stories import demo_load
from setia.stories.models import Coverage, Story


@pytest.mark.django_db
def test_it_loads_stories_in_every_state_once():
    people = load_demo_people()
    reference = datetime.date(2026, 12, 1)
    with Progress(disable=True) as progress:
        load_demo_customers(
            count=60, seed=5, people=people, reference=reference, on_progress=lambda n: None
        )
        summary = demo_load.load(seed=5, people=people, reference=reference, progress=progress)
        again = demo_load.load(seed=5, people=people, reference=reference, progress=progress)

    assert summary == "stories created=15 published=6 coverage=3"
    assert again == "stories created=0 published=0 coverage=0"
    assert set(Story.objects.values_list("state", flat=True)) == {
        "candidate",
        "consent_asked",
        "consent_given",
        "declined",
        "scheduled",
        "interviewed",
        "draft",
        "in_review",
        "approved",
        "published",
    }
    assert sorted(Coverage.objects.values_list("outlet", flat=True)) == [
        "Antara News",
        "JPNN",
        "Liputan6",
    ]
    assert TimelineEvent.objects.filter(kind=EventKind.STORY).count() > 15
