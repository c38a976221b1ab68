import datetime

import pytest
from rich.progress import Progress

from setia.customers.demo_load import load_demo_people
from setia.work import demo_load
from setia.work.models import Task


@pytest.mark.django_db
def test_it_gives_every_demo_user_who_works_tasks_open_and_done_ones():
    people = load_demo_people()
    reference = datetime.date(2026, 11, 10)
    with Progress(disable=True) as progress:
        summary = demo_load.load(seed=3, people=people, reference=reference, progress=progress)
        again = demo_load.load(seed=3, people=people, reference=reference, progress=progress)

    workers = [user for user in people.users if user.has_perm("work.view_task")]
    assert {user.email for user in workers} >= {"executive@setia.test", "intern@setia.test"}
    assert "viewer@setia.test" not in {user.email for user in workers}
    assert summary == f"tasks created={len(workers) * len(demo_load.PLAN)}"
    assert again == "tasks created=0"
    for user in workers:
        mine = Task.objects.filter(owner=user)
        assert mine.filter(status="open").count() == 9
        assert mine.filter(status="done").count() == 5
