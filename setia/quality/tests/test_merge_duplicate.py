import re

import pytest
from django.urls import reverse

from setia.customers.models import Category, Customer
from setia.history.models import AuditEntry
from setia.quality.models import DuplicateCandidate, Merge
from setia.quality.tests.factories import make_candidate
from setia.test import make_contact, make_customer, make_store


@pytest.fixture
def pair(team_a, executive):
    first = make_customer(team=team_a, owner=executive, name="Batik Lestari", city="")
    second = make_customer(
        team=team_a,
        name="Batik Lestari Official",
        city="Solo",
        category=Category.objects.get(slug="muslim-fashion"),
    )
    make_contact(first, name="Ayu", is_primary=True)
    make_contact(second, name="Budi", is_primary=True)
    make_store(second, domain="batiklestari.co.id")
    return first, second, make_candidate(first, second)


def _url(candidate) -> str:
    return reverse("quality:duplicate-merge", args=[candidate.code])


def _data(first, second, **overrides) -> dict:
    data = {
        "survivor": "a",
        "version_a": first.version,
        "version_b": second.version,
        "name": "a",
        "category": "a",
        "status": "a",
        "city": "b",
        "province": "a",
        "owner": "a",
        "team": "a",
        "notes": "a",
    }
    data.update(overrides)
    return data


def _unchanged(first, second, candidate) -> None:
    assert Customer.objects.alive().filter(pk__in=[first.pk, second.pk]).count() == 2
    assert Customer.objects.get(pk=first.pk).city == ""
    assert list(second.contacts.values_list("name", flat=True)) == ["Budi"]
    assert Merge.objects.count() == 0
    assert DuplicateCandidate.objects.get(pk=candidate.pk).status == "open"
    assert not AuditEntry.objects.filter(source="merge").exists()


def test_it_shows_both_records_side_by_side(client, executive, pair):
    _first, _second, candidate = pair
    client.force_login(executive)

    response = client.get(_url(candidate))

    assert response.status_code == 200
    text = response.text
    assert "Batik Lestari Official" in text and "Solo" in text
    assert "batiklestari.co.id" in text and "Budi" in text and "Ayu" in text
    rows = {row["name"]: row for row in response.context["form"].rows()}
    assert (rows["city"]["a"], rows["city"]["b"], rows["city"]["checked"]) == ("", "Solo", "b")
    assert (rows["name"]["checked"], rows["category"]["checked"]) == ("a", "a")
    assert '<input type="radio" name="city" value="b" checked>' in text


def test_it_merges_with_the_picked_values(client, executive, pair):
    first, second, candidate = pair
    client.force_login(executive)

    response = client.post(_url(candidate), _data(first, second, category="b"))

    assert response.status_code == 302
    assert response.url == first.get_absolute_url()
    first.refresh_from_db()
    assert (first.city, first.category.slug) == ("Solo", "muslim-fashion")
    assert Customer.objects.get(pk=second.pk).is_deleted
    assert sorted(first.contacts.values_list("name", flat=True)) == ["Ayu", "Budi"]
    assert list(first.stores.values_list("domain", flat=True)) == ["batiklestari.co.id"]
    merge = Merge.objects.get()
    assert (merge.survivor, merge.loser, merge.actor) == (first, second, executive)
    assert AuditEntry.objects.filter(customer=first, source="merge", actor=executive).exists()


def test_it_keeps_the_second_record_when_picked(client, executive, pair):
    first, second, candidate = pair
    client.force_login(executive)

    response = client.post(_url(candidate), _data(first, second, survivor="b", name="b"))

    assert response.status_code == 302
    assert response.url == second.get_absolute_url()
    assert Customer.objects.get(pk=first.pk).is_deleted
    assert Customer.objects.get(pk=second.pk).name == "Batik Lestari Official"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"survivor": "c"}, "survivor"), ({"city": ""}, "city"), ({"version_a": "x"}, "version_a")],
)
def test_it_refuses_an_invalid_choice(client, executive, pair, overrides, field):
    first, second, candidate = pair
    client.force_login(executive)

    response = client.post(_url(candidate), _data(first, second, **overrides))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    _unchanged(first, second, candidate)


def test_it_refuses_records_changed_since_the_page_opened(client, executive, pair):
    first, second, candidate = pair
    client.force_login(executive)

    response = client.post(_url(candidate), _data(first, second, version_b=second.version - 1))

    assert response.status_code == 409
    assert "telah diubah sementara itu" in response.text
    assert not response.context["form"].is_bound
    _unchanged(first, second, candidate)


def test_it_sends_a_handled_pair_back_to_the_list(client, executive, pair):
    first, second, candidate = pair
    DuplicateCandidate.objects.filter(pk=candidate.pk).update(status="dismissed")
    client.force_login(executive)

    response = client.post(_url(candidate), _data(first, second))

    assert response.status_code == 302
    assert response.url == reverse("quality:duplicate-list")
    assert Merge.objects.count() == 0


# Access


def test_it_redirects_anonymous_visitors_to_log_in(client, pair):
    _first, _second, candidate = pair

    response = client.get(_url(candidate))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_refuses_other_methods(client, executive, pair):
    _first, _second, candidate = pair
    client.force_login(executive)

    assert client.put(_url(candidate)).status_code == 405


def test_it_hides_another_teams_pair(client, other_executive, pair):
    first, second, candidate = pair
    client.force_login(other_executive)

    assert client.get(_url(candidate)).status_code == 404
    assert client.post(_url(candidate), _data(first, second)).status_code == 404
    _unchanged(first, second, candidate)


def test_it_hides_a_pair_whose_other_half_the_executive_cannot_see(client, executive, pair, team_b):
    first, _second, _candidate = pair
    elsewhere = make_customer(team=team_b, name="Batik Lestari Timur")
    candidate = make_candidate(first, elsewhere)
    client.force_login(executive)

    assert client.get(_url(candidate)).status_code == 404


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_it_refuses_interns_and_viewers(client, request, pair, persona):
    first, second, candidate = pair
    client.force_login(request.getfixturevalue(persona))

    assert client.get(_url(candidate)).status_code == 403
    assert client.post(_url(candidate), _data(first, second)).status_code == 403
    _unchanged(first, second, candidate)


def test_a_manager_can_merge_any_team(client, manager, pair):
    first, second, candidate = pair
    client.force_login(manager)

    response = client.post(_url(candidate), _data(first, second))

    assert response.status_code == 302
    assert Merge.objects.get().actor == manager


def test_the_success_message_links_to_the_undo(client, executive, manager, pair):
    first, second, candidate = pair
    client.force_login(executive)

    page = client.post(_url(candidate), _data(first, second), follow=True)

    merge = Merge.objects.get()
    undo_page = reverse("quality:merge-undo-confirm", args=[merge.code])
    flash = re.search(r'<div class="flash flash-success"[^>]*>(.*?)</div>', page.text).group(1)
    assert f'<a href="{undo_page}">' in flash  # a link, not escaped text
    # the executive cannot undo: the page says who can
    confirm = client.get(undo_page)
    assert confirm.status_code == 200
    assert reverse("quality:merge-undo", args=[merge.code]) not in confirm.text
    # a manager opening the same link gets the button, which undoes the merge
    client.force_login(manager)
    confirm = client.get(undo_page)
    assert f'action="{reverse("quality:merge-undo", args=[merge.code])}"' in confirm.text
    client.post(reverse("quality:merge-undo", args=[merge.code]))
    merge.refresh_from_db()
    assert merge.undone_at is not None


def test_the_undo_page_hides_another_teams_merge(client, executive, other_executive, pair):
    first, second, candidate = pair
    client.force_login(executive)
    client.post(_url(candidate), _data(first, second))
    client.force_login(other_executive)

    url = reverse("quality:merge-undo-confirm", args=[Merge.objects.get().code])

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 405
