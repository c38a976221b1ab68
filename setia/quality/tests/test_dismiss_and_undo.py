import pytest
from django.urls import reverse

from setia.customers.models import Customer
from setia.quality import actions
from setia.quality.models import DuplicateCandidate, Merge
from setia.quality.tests.factories import make_candidate
from setia.test import make_contact, make_customer


@pytest.fixture
def candidate(team_a):
    first = make_customer(team=team_a, name="Batik Lestari")
    second = make_customer(team=team_a, name="Batik Lestari Official")
    make_contact(second, name="Budi", is_primary=True)
    return make_candidate(first, second)


@pytest.fixture
def merge(candidate, executive):
    return actions.merge_customers(
        candidate=candidate, survivor=candidate.customer_a, choices={}, actor=executive
    )


def _dismiss_url(candidate) -> str:
    return reverse("quality:duplicate-dismiss", args=[candidate.code])


def _undo_url(merge) -> str:
    return reverse("quality:merge-undo", args=[merge.code])


# Dismiss


def test_it_dismisses_a_pair(client, executive, candidate):
    client.force_login(executive)

    response = client.post(_dismiss_url(candidate))

    assert response.status_code == 302
    assert response.url == reverse("quality:duplicate-list")
    candidate.refresh_from_db()
    assert (candidate.status, candidate.resolved_by) == ("dismissed", executive)


def test_dismissing_twice_says_it_was_handled(client, executive, candidate):
    client.force_login(executive)
    client.post(_dismiss_url(candidate))

    response = client.post(_dismiss_url(candidate), follow=True)

    assert "Pasangan ini sudah ditangani." in response.text


def test_dismiss_refuses_get(client, executive, candidate):
    client.force_login(executive)

    assert client.get(_dismiss_url(candidate)).status_code == 405
    assert DuplicateCandidate.objects.get().status == "open"


def test_dismiss_redirects_anonymous_visitors_to_log_in(client, candidate):
    response = client.post(_dismiss_url(candidate))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert DuplicateCandidate.objects.get().status == "open"


def test_dismiss_hides_another_teams_pair(client, other_executive, candidate):
    client.force_login(other_executive)

    assert client.post(_dismiss_url(candidate)).status_code == 404
    assert DuplicateCandidate.objects.get().status == "open"


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_dismiss_refuses_interns_and_viewers(client, request, persona, candidate):
    client.force_login(request.getfixturevalue(persona))

    assert client.post(_dismiss_url(candidate)).status_code == 403
    assert DuplicateCandidate.objects.get().status == "open"


# Undo


def test_a_manager_undoes_a_merge(client, manager, merge):
    client.force_login(manager)

    response = client.post(_undo_url(merge))

    assert response.status_code == 302
    assert response.url == merge.loser.get_absolute_url()
    loser = Customer.objects.get(pk=merge.loser_id)
    assert not loser.is_deleted
    assert list(loser.contacts.values_list("name", flat=True)) == ["Budi"]
    assert Merge.objects.get().undone_by == manager
    assert DuplicateCandidate.objects.get().status == "open"


def test_undoing_twice_is_refused_with_a_message(client, manager, merge):
    client.force_login(manager)
    client.post(_undo_url(merge))

    response = client.post(_undo_url(merge), follow=True)

    assert "Penggabungan ini sudah dibatalkan." in response.text


def test_undo_refuses_get(client, manager, merge):
    client.force_login(manager)

    assert client.get(_undo_url(merge)).status_code == 405
    assert not Merge.objects.get().is_undone


def test_undo_redirects_anonymous_visitors_to_log_in(client, merge):
    response = client.post(_undo_url(merge))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not Merge.objects.get().is_undone


@pytest.mark.parametrize("persona", ["executive", "intern", "viewer"])
def test_undo_is_for_managers_only(client, request, persona, merge):
    client.force_login(request.getfixturevalue(persona))

    assert client.post(_undo_url(merge)).status_code == 403
    assert not Merge.objects.get().is_undone
    assert Customer.objects.get(pk=merge.loser_id).is_deleted


def test_undo_hides_another_teams_merge(client, other_executive, merge):
    client.force_login(other_executive)

    assert client.post(_undo_url(merge)).status_code == 404
    assert not Merge.objects.get().is_undone
