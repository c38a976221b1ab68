import pytest
from django.contrib import messages
from django.urls import reverse
from django.utils import timezone, translation

from setia.customers import actions
from setia.customers.models import Category, Customer
from setia.history.models import AuditEntry
from setia.test import make_customer


def _url(customer) -> str:
    return reverse("customers:customer-edit", args=[customer.code])


def _data(customer, **overrides) -> dict:
    data = {
        "name": customer.name,
        "category": customer.category_id,
        "status": customer.status,
        "city": customer.city,
        "province": customer.province,
        "owner": customer.owner_id or "",
        "team": customer.team_id or "",
        "notes": customer.notes,
        "version": customer.version,
    }
    data.update(overrides)
    return data


def _unchanged(customer) -> None:
    """Assert the customer is as the fixture made it and no history was written."""
    fresh = Customer.objects.get(pk=customer.pk)
    assert (fresh.name, fresh.status, fresh.city, fresh.version) == (
        "Batik Lestari",
        "onboarding",
        "Bandung",
        1,
    )
    assert AuditEntry.objects.count() == 0


def test_it_shows_the_form_with_the_current_values_and_version(client, executive, customer):
    client.force_login(executive)

    response = client.get(_url(customer))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.instance == customer
    assert form["name"].value() == "Batik Lestari"
    assert form["version"].value() == 1
    assert '<input type="hidden" name="version" value="1"' in response.text


def test_it_saves_changes_and_records_before_and_after(client, executive, customer):
    client.force_login(executive)

    response = client.post(
        _url(customer),
        _data(
            customer,
            name=" Batik  Lestari Jaya ",
            status="active",
            city="  surakarta",
            province="Jawa Tengah",
            category=Category.objects.get(slug="muslim-fashion").pk,
        ),
    )

    assert response.status_code == 302
    assert response.url == customer.get_absolute_url()
    customer.refresh_from_db()
    assert customer.name == "Batik Lestari Jaya"
    assert customer.status == "active"
    assert customer.city == "Surakarta"
    assert customer.province == "Jawa Tengah"
    assert customer.category.slug == "muslim-fashion"
    assert customer.version == 2
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.customer, entry.object_type, entry.object_id) == (
        AuditEntry.Action.UPDATE,
        executive,
        customer,
        "customers.customer",
        customer.pk,
    )
    assert entry.changes == {
        "category": ["Fashion", "Muslim Fashion"],
        "city": ["Bandung", "Surakarta"],
        "name": ["Batik Lestari", "Batik Lestari Jaya"],
        "province": ["Jawa Barat", "Jawa Tengah"],
        "status": ["onboarding", "active"],
    }


def test_it_records_nothing_when_nothing_changed(client, executive, customer):
    client.force_login(executive)

    response = client.post(_url(customer), _data(customer))

    assert response.status_code == 302
    assert AuditEntry.objects.count() == 0


def test_it_refuses_a_stale_edit_and_keeps_the_colleagues_change(
    client, executive, manager, customer
):
    # given a colleague saved the customer after the executive opened the form (version 1)
    actions.update_customer(
        customer=Customer.objects.get(pk=customer.pk),
        actor=manager,
        data={"name": "Batik Lestari Official"},
        expected_version=1,
    )
    client.force_login(executive)

    # when the executive saves their edit made from version 1
    response = client.post(_url(customer), _data(customer, city="Solo", version=1))

    # then nothing of theirs is saved and they see the current values and why
    assert response.status_code == 409
    customer.refresh_from_db()
    assert (customer.name, customer.city, customer.version) == (
        "Batik Lestari Official",
        "Bandung",
        2,
    )
    refused = AuditEntry.objects.get(actor=executive)
    assert (refused.action, refused.changes) == (
        "refused",
        {"city": ["Bandung", "Solo"], "name": ["Batik Lestari Official", "Batik Lestari"]},
    )
    assert AuditEntry.objects.count() == 2
    assert response.context["conflict"].last_change.actor == manager
    form = response.context["form"]
    assert not form.is_bound
    assert form["name"].value() == "Batik Lestari Official"
    assert form["version"].value() == 2
    sent = list(response.context["messages"])
    assert [message.level for message in sent] == [messages.ERROR]
    with translation.override(executive.language):
        expected = str(actions.StaleEditError.message)
    assert sent[0].message == expected
    assert 'class="flash flash-error" role="alert"' in response.text


def test_it_saves_after_reloading_the_current_version(client, executive, manager, customer):
    actions.update_customer(
        customer=Customer.objects.get(pk=customer.pk),
        actor=manager,
        data={"name": "Batik Lestari Official"},
        expected_version=1,
    )
    customer.refresh_from_db()
    client.force_login(executive)

    response = client.post(_url(customer), _data(customer, city="Solo"))

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.city, customer.version) == ("Batik Lestari Official", "Solo", 3)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"status": "sleeping"}, "status"),
        ({"category": "999999"}, "category"),
        ({"team": ""}, "team"),
        ({"version": "abc"}, "version"),
    ],
)
def test_it_refuses_invalid_data(client, executive, customer, overrides, field):
    client.force_login(executive)

    response = client.post(_url(customer), _data(customer, city="Solo", **overrides))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    _unchanged(customer)


def test_it_does_not_let_an_executive_hand_a_customer_to_another_team(
    client, executive, customer, team_b
):
    client.force_login(executive)

    response = client.post(_url(customer), _data(customer, team=team_b.pk))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["team"]
    _unchanged(customer)


def test_it_lets_a_manager_move_a_customer_to_another_team(
    client, manager, executive, customer, team_b
):
    client.force_login(manager)

    response = client.post(_url(customer), _data(customer, team=team_b.pk, owner=""))

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.team, customer.owner) == (team_b, None)
    assert AuditEntry.objects.get().changes == {
        "owner": [executive.full_name, None],
        "team": ["Team A", "Team B"],
    }


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_it_forbids_interns_and_viewers(client, request, persona, customer):
    client.force_login(request.getfixturevalue(persona))

    form = client.get(_url(customer))
    post = client.post(_url(customer), _data(customer, name="Hacked"))

    assert form.status_code == 403
    assert post.status_code == 403
    _unchanged(customer)


def test_it_is_404_for_another_teams_executive(client, other_executive, customer):
    client.force_login(other_executive)

    form = client.get(_url(customer))
    post = client.post(_url(customer), _data(customer, name="Hacked"))

    assert form.status_code == 404
    assert post.status_code == 404
    _unchanged(customer)


def test_it_is_404_for_a_soft_deleted_customer(client, manager, customer):
    Customer.objects.filter(pk=customer.pk).update(deleted_at=timezone.now())
    client.force_login(manager)

    response = client.post(_url(customer), _data(customer, name="Hacked"))

    assert response.status_code == 404
    assert Customer.objects.get(pk=customer.pk).name == "Batik Lestari"


def test_it_redirects_anonymous_visitors_to_log_in(client, customer):
    response = client.post(_url(customer), _data(customer, name="Hacked"))

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={_url(customer)}"
    _unchanged(customer)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_it_refuses_other_methods(client, executive, customer, method):
    client.force_login(executive)

    response = getattr(client, method)(_url(customer))

    assert response.status_code == 405
    _unchanged(customer)


def test_it_lets_an_executive_keep_an_owner_from_outside_the_team(
    client, executive, manager, customer
):
    # given a team customer that the (team-less) manager owns
    Customer.objects.filter(pk=customer.pk).update(owner=manager)
    customer.refresh_from_db()
    client.force_login(executive)

    # when the executive changes only the notes
    response = client.post(_url(customer), _data(customer, notes="Called on Monday."))

    # then the edit is saved and the owner stays
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.notes, customer.owner) == ("Called on Monday.", manager)


def test_it_keeps_a_departed_owner_until_someone_reassigns(client, manager, executive, customer):
    executive.is_active = False
    executive.save(update_fields=["is_active"])
    client.force_login(manager)

    response = client.post(_url(customer), _data(customer, status="active"))

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.status, customer.owner) == ("active", executive)


def test_it_lets_an_executive_edit_a_customer_they_own_in_another_team(client, executive, team_b):
    owned = make_customer(team=team_b, owner=executive)
    client.force_login(executive)

    response = client.post(_url(owned), _data(owned, city="Solo"))

    assert response.status_code == 302
    owned.refresh_from_db()
    assert (owned.city, owned.team, owned.owner) == ("Solo", team_b, executive)


def test_it_keeps_a_retired_category_until_someone_changes_it(client, executive, customer):
    Category.objects.filter(pk=customer.category_id).update(is_active=False)
    client.force_login(executive)

    kept = client.post(_url(customer), _data(customer, notes="Still fashion."))
    customer.refresh_from_db()
    form = client.get(_url(customer)).context["form"]

    assert kept.status_code == 302
    assert customer.category.slug == "fashion"
    assert customer.category in form.fields["category"].queryset
    assert list(form.fields["category"].queryset.filter(is_active=False)) == [customer.category]


def test_it_offers_an_executive_no_other_team_than_their_own_and_the_current_one(
    client, executive, customer, team_a, team_b
):
    client.force_login(executive)

    form = client.get(_url(customer)).context["form"]

    assert list(form.fields["team"].queryset) == [team_a]


def test_it_refuses_a_note_of_320000_characters_with_a_message(client, executive, customer):
    client.force_login(executive)

    response = client.post(_url(customer), _data(customer, notes="x" * 320_000))

    assert response.status_code == 400
    assert response.context["form"].errors["notes"] == [  # in the executive's language
        "Pastikan nilai ini mengandung paling banyak 10000 karakter (sekarang 320000 karakter)."
    ]
    assert 'maxlength="' not in response.text.split('name="notes"')[1].split(">")[0]
    _unchanged(customer)
