"""The jobs page: who sees which job, the state filter, retry and cancel."""

import pytest
from django.urls import reverse

from setia.jobs import actions
from setia.jobs.models import Job

SAMPLE = "setia.jobs.tests.sample_tasks."
LIST = reverse("jobs:job-list")


@pytest.fixture
def failed(background, executive):
    job = actions.enqueue(
        SAMPLE + "refuse", "Berkas ini kosong.", created_by=executive, label="Lembar Bandung"
    )
    actions.run_pending()
    job.refresh_from_db()
    return job


def test_a_user_sees_their_jobs_with_state_and_reason(client, executive, failed):
    client.force_login(executive)

    response = client.get(LIST)

    assert response.status_code == 200
    assert "Lembar Bandung" in response.text
    assert "Berkas ini kosong." in response.text
    assert reverse("jobs:job-retry", args=[failed.pk]) in response.text
    assert 'id="runner-missing"' in response.text


def test_others_see_nothing_of_it_managers_see_everything(client, other_executive, manager, failed):
    client.force_login(other_executive)
    assert "Lembar Bandung" not in client.get(LIST).text
    assert client.post(reverse("jobs:job-retry", args=[failed.pk])).status_code == 404

    client.force_login(manager)
    page = client.get(LIST)
    assert "Lembar Bandung" in page.text
    assert reverse("jobs:job-retry", args=[failed.pk]) in page.text


def test_it_filters_by_state_and_refuses_an_unknown_one(client, executive, failed):
    client.force_login(executive)
    actions.enqueue(SAMPLE + "remember", 1, created_by=executive, label="Kirim Kabar")

    queued = client.get(LIST, {"state": "queued"})
    assert "Kirim Kabar" in queued.text and "Lembar Bandung" not in queued.text
    assert client.get(LIST, {"state": "²"}).status_code == 400
    assert client.get(LIST, {"page": "9999"}).status_code == 200


def test_retry_queues_the_job_again_and_goes_back(client, executive, failed):
    client.force_login(executive)

    response = client.post(reverse("jobs:job-retry", args=[failed.pk]), {"next": "/imports/"})

    assert response.status_code == 302
    assert response.url == "/imports/"
    failed.refresh_from_db()
    assert failed.state == "queued"


def test_it_goes_back_only_to_this_site(client, executive, failed):
    client.force_login(executive)

    response = client.post(
        reverse("jobs:job-retry", args=[failed.pk]), {"next": "https://evil.example/"}
    )

    assert response.url == LIST


def test_cancel_a_queued_job_and_not_a_finished_one(client, executive, failed, background):
    client.force_login(executive)
    job = actions.enqueue(SAMPLE + "remember", 1, created_by=executive)

    assert client.post(reverse("jobs:job-cancel", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED
    client.post(reverse("jobs:job-cancel", args=[failed.pk]))
    failed.refresh_from_db()
    assert failed.state == Job.State.FAILED


def test_it_refuses_get_on_actions_and_anonymous_visitors(client, failed):
    assert client.get(LIST).status_code == 302
    assert client.post(reverse("jobs:job-retry", args=[failed.pk])).status_code == 302
    client.force_login(failed.created_by)
    assert client.get(reverse("jobs:job-retry", args=[failed.pk])).status_code == 405
    assert client.get(reverse("jobs:job-cancel", args=[failed.pk])).status_code == 405


def test_the_list_costs_the_same_queries_for_many_jobs(
    client, manager, executive, background, django_assert_max_num_queries
):
    for number in range(30):
        actions.enqueue(SAMPLE + "remember", number, created_by=executive)
    client.force_login(manager)
    client.get(LIST)

    with django_assert_max_num_queries(8):
        assert client.get(LIST).status_code == 200
