import pytest
from django.urls import reverse

from setia.accounts.models import Role
from setia.customers.models import Category, Customer
from setia.history.models import AuditEntry
from setia.test import make_user

URL = reverse("customers:customer-create")


def _data(**overrides) -> dict:
    data = {
        "name": "  Kopi   Senja ",
        "category": Category.objects.get(slug="food-beverage").pk,
        "status": "onboarding",
        "city": " yogyakarta ",
        "province": "DI Yogyakarta",
        "owner": "",
        "team": "",
        "notes": "Met at the Jogja expo.",
    }
    data.update(overrides)
    return data


def test_it_shows_an_empty_form_with_the_user_as_owner(client, executive, team_a):
    client.force_login(executive)

    response = client.get(URL)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["owner"] == executive.pk
    assert form.initial["team"] == team_a.pk
    assert 'name="name"' in response.text


def test_it_creates_a_customer_and_records_it(client, executive, team_a):
    client.force_login(executive)

    response = client.post(URL, _data(owner=executive.pk, team=team_a.pk))

    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response.url == customer.get_absolute_url()
    assert customer.name == "Kopi Senja"
    assert customer.city == "Yogyakarta"
    assert customer.province == "DI Yogyakarta"
    assert customer.category.slug == "food-beverage"
    assert customer.owner == executive
    assert customer.team == team_a
    assert customer.status == Customer.Status.ONBOARDING
    assert customer.version == 1
    assert customer.deleted_at is None
    entry = AuditEntry.objects.get()
    assert entry.customer == customer
    assert entry.actor == executive
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.object_type == "customers.customer"
    assert entry.object_id == customer.pk
    assert entry.source == "web"
    assert entry.changes == {
        "category": [None, "F&B"],
        "city": [None, "Yogyakarta"],
        "name": [None, "Kopi Senja"],
        "notes": [None, "Met at the Jogja expo."],
        "owner": [None, executive.full_name],
        "province": [None, "DI Yogyakarta"],
        "status": [None, "onboarding"],
        "team": [None, "Team A"],
    }


def test_it_confirms_the_creation_on_the_next_page(client, executive, team_a):
    client.force_login(executive)

    response = client.post(URL, _data(team=team_a.pk), follow=True)

    assert response.status_code == 200
    assert response.context["customer"].name == "Kopi Senja"
    assert [message.level_tag for message in response.context["messages"]] == ["success"]


def test_it_lets_a_manager_create_a_customer_for_any_team_or_none(client, manager, team_b):
    client.force_login(manager)

    first = client.post(URL, _data(name="Untuk Tim B", team=team_b.pk))
    second = client.post(URL, _data(name="Tanpa Tim"))

    assert first.status_code == 302
    assert second.status_code == 302
    assert dict(Customer.objects.values_list("name", "team")) == {
        "Untuk Tim B": team_b.pk,
        "Tanpa Tim": None,
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "   "}, "name"),
        ({"category": ""}, "category"),
        ({"category": "999999"}, "category"),
        ({"status": "sleeping"}, "status"),
        ({"province": "Atlantis"}, "province"),
        ({"team": ""}, "team"),  # an executive must keep the customer in their team
    ],
)
def test_it_refuses_invalid_data_and_creates_nothing(client, executive, team_a, overrides, field):
    client.force_login(executive)

    response = client.post(URL, _data(**{"team": team_a.pk, **overrides}))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert f'id="id_{field}_error"' in response.text
    assert Customer.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_it_refuses_an_inactive_category(client, executive, team_a):
    Category.objects.filter(slug="food-beverage").update(is_active=False)
    client.force_login(executive)

    response = client.post(URL, _data(team=team_a.pk))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["category"]
    assert Customer.objects.count() == 0


def test_it_keeps_an_executive_inside_their_own_team(client, executive, team_b):
    other_teams_executive = make_user(Role.EXECUTIVE, team=team_b)
    client.force_login(executive)

    into_other_team = client.post(URL, _data(team=team_b.pk))
    for_other_owner = client.post(
        URL, _data(team=executive.team_id, owner=other_teams_executive.pk)
    )

    assert into_other_team.status_code == 400
    assert list(into_other_team.context["form"].errors) == ["team"]
    assert for_other_owner.status_code == 400
    assert list(for_other_owner.context["form"].errors) == ["owner"]
    assert Customer.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_it_offers_an_executive_only_their_team_and_its_members(client, executive, team_a, team_b):
    colleague = make_user(Role.EXECUTIVE, team=team_a)
    make_user(Role.EXECUTIVE, team=team_b)
    client.force_login(executive)

    response = client.get(URL)

    form = response.context["form"]
    assert list(form.fields["team"].queryset) == [team_a]
    assert set(form.fields["owner"].queryset) == {executive, colleague}


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_it_forbids_interns_and_viewers(client, request, persona, team_a):
    client.force_login(request.getfixturevalue(persona))

    form = client.get(URL)
    post = client.post(URL, _data(team=team_a.pk))

    assert form.status_code == 403
    assert post.status_code == 403
    assert Customer.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_it_redirects_anonymous_visitors_to_log_in(client, team_a):
    response = client.post(URL, _data(team=team_a.pk))

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={URL}"
    assert Customer.objects.count() == 0


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_it_refuses_other_methods(client, executive, method):
    client.force_login(executive)

    response = getattr(client, method)(URL)

    assert response.status_code == 405
    assert Customer.objects.count() == 0
