import datetime

import pytest
from django.urls import reverse
from rich.progress import Progress

from setia.customers.demo_load import load_demo_customers, load_demo_people
from setia.work import demo_load
from setia.work.automation.models import PlaybookRun
from setia.work.onboarding.models import Onboarding, Stage
from setia.work.schedule.models import Task


@pytest.mark.django_db
def test_it_loads_tasks_onboarding_stages_and_running_playbooks_once():
    people = load_demo_people()
    reference = datetime.date.today()
    with Progress(disable=True) as progress:
        load_demo_customers(
            count=48, seed=3, people=people, reference=reference, on_progress=lambda n: None
        )
        summary = demo_load.load(seed=3, people=people, reference=reference, progress=progress)
        again = demo_load.load(seed=3, people=people, reference=reference, progress=progress)

    workers = [user for user in people.users if user.has_perm("work.view_task")]
    assert {user.email for user in workers} >= {"executive@setia.test", "intern@setia.test"}
    assert "viewer@setia.test" not in {user.email for user in workers}
    assert summary.startswith(
        f"tasks created={len(workers) * len(demo_load.PLAN)} onboarding moved=48"
    )
    assert again.startswith("tasks created=0 onboarding moved=0 playbooks started=0")
    for user in workers:
        mine = Task.objects.filter(owner=user, playbook_run__isnull=True)
        assert mine.filter(status="open").count() >= 9
        assert mine.filter(status="done").count() == 5
    stages = list(Stage.objects.all())
    for stage in stages:
        assert Onboarding.objects.filter(stage=stage).count() >= 8
    stalled = Onboarding.objects.stalled(stages, datetime.datetime.now(datetime.UTC))
    assert stalled.count() >= 5
    # A pipeline as it looks in real life: in every stage before "Live" some are stalled and
    # most are not; a card is never the other way round for everyone.
    for stage in stages[:-1]:
        here = Onboarding.objects.filter(stage=stage)
        stuck = here.filter(pk__in=stalled).count()
        assert 0 < stuck <= here.count() // 4
        assert len({card.days_in_stage() for card in here}) > 1
    assert (
        PlaybookRun.objects.filter(status="open", kind="onboarding_stalled").count()
        == stalled.count()
    )


@pytest.mark.django_db
def test_most_demo_customers_are_live_and_a_board_column_is_mostly_not_stalled(client):
    people = load_demo_people()
    reference = datetime.date.today()
    with Progress(disable=True) as progress:
        load_demo_customers(
            count=300, seed=3, people=people, reference=reference, on_progress=lambda n: None
        )
        demo_load.load(seed=3, people=people, reference=reference, progress=progress)
    live = list(Stage.objects.all())[-1]
    client.force_login(next(user for user in people.users if user.email == "manager@setia.test"))

    response = client.get(reverse("work:onboarding-board"))

    assert Onboarding.objects.filter(stage=live).count() > 300 // 2
    for column in response.context["columns"][:-1]:
        shown = column["cards"]
        assert 0 < sum(card.stalled for card in shown) <= len(shown) // 4
