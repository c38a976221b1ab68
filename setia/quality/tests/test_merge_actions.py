import pytest

from setia.customers import actions as customer_actions
from setia.customers.models import Category, Contact, Customer, Store, Subscription
from setia.history.models import AuditEntry
from setia.quality import actions
from setia.quality.models import DuplicateCandidate, Merge
from setia.test import make_contact, make_customer, make_store, make_subscription
from setia.work.schedule.models import Task
from setia.work.tests.factories import make_task


@pytest.fixture
def pair(team_a, executive, manager):
    """Batik Lestari (older, with history) and its duplicate Batik Lestari Official."""
    first = customer_actions.create_customer(
        actor=executive,
        data={
            "name": "Batik Lestari",
            "category": Category.objects.get(slug="fashion"),
            "city": "",
            "province": "Jawa Tengah",
            "team": team_a,
            "owner": executive,
            "notes": "Old notes",
        },
    )
    second = customer_actions.create_customer(
        actor=manager,
        data={
            "name": "Batik Lestari Official",
            "category": Category.objects.get(slug="muslim-fashion"),
            "city": "Solo",
            "province": "",
            "team": team_a,
            "owner": None,
            "notes": "",
        },
    )
    make_contact(first, name="Ayu", phone="+6281234567890", is_primary=True)
    make_contact(second, name="Budi", phone="+6285700001111", is_primary=True)
    make_contact(second, name="Citra", phone="+6285700002222")
    make_store(first, domain="batiklestari.co.id")
    make_store(second, domain="shopee.co.id/batiklestari")
    make_subscription(second, plan="business", monthly_price=799_000)
    actions.flag_duplicates()
    candidate = DuplicateCandidate.objects.get()
    return first, second, candidate


def _merge(pair, actor, **overrides):
    first, second, candidate = pair
    options = {
        "candidate": candidate,
        "survivor": first,
        "choices": {"name": first, "city": second, "category": first, "notes": first},
        "actor": actor,
    }
    options.update(overrides)
    return actions.merge_customers(**options)


def test_it_merges_the_chosen_values_and_moves_contacts_stores_and_history(pair, executive):
    first, second, candidate = pair
    second_history = set(second.audit_entries.values_list("pk", flat=True))

    merge = _merge(pair, executive)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.name, first.city, first.province, first.category.slug, first.notes) == (
        "Batik Lestari",
        "Solo",
        "Jawa Tengah",
        "fashion",
        "Old notes",
    )
    assert first.version == 2
    assert second.is_deleted
    assert second.deleted_by == executive
    assert sorted(first.contacts.values_list("name", "is_primary")) == [
        ("Ayu", True),
        ("Budi", False),  # the loser's primary contact is demoted: one primary per customer
        ("Citra", False),
    ]
    assert sorted(first.stores.values_list("domain", flat=True)) == [
        "batiklestari.co.id",
        "shopee.co.id/batiklestari",
    ]
    assert Subscription.objects.get().customer == first  # the survivor had none
    assert second_history <= set(first.audit_entries.values_list("pk", flat=True))
    assert not second.contacts.exists() and not second.stores.exists()
    candidate.refresh_from_db()
    assert (candidate.status, candidate.resolved_by) == ("merged", executive)
    assert (merge.survivor, merge.loser, merge.actor) == (first, second, executive)


def test_it_audits_the_merge(pair, executive):
    first, second, _candidate = pair

    _merge(pair, executive)

    survivor_entry = AuditEntry.objects.get(
        customer=first, object_type="customers.customer", source="merge", action="update"
    )
    assert survivor_entry.actor == executive
    assert survivor_entry.changes == {"city": [None, "Solo"]}
    loser_entry = AuditEntry.objects.get(customer=second, source="merge")
    assert (loser_entry.action, loser_entry.object_id) == ("delete", second.pk)
    moves = AuditEntry.objects.filter(customer=first, source="merge").exclude(
        object_type="customers.customer"
    )
    assert sorted(moves.values_list("object_type", "object_repr")) == [
        ("customers.contact", "Budi"),
        ("customers.contact", "Citra"),
        ("customers.store", "shopee.co.id/batiklestari"),
        ("customers.subscription", "Business (Batik Lestari Official)"),
    ]
    assert all(
        entry.changes == {"customer": ["Batik Lestari Official", "Batik Lestari"]}
        for entry in moves
    )


def test_it_moves_the_losers_timeline_and_tasks_and_undo_takes_them_back(pair, executive, manager):
    first, second, _candidate = pair
    task = make_task(owner=executive, customer=second, title="Call Budi")
    timeline = set(second.timeline_events.values_list("pk", flat=True))
    assert timeline  # its creation and changes

    merge = _merge(pair, executive)

    assert Task.objects.get(pk=task.pk).customer == first
    assert timeline <= set(first.timeline_events.values_list("pk", flat=True))
    assert merge.moved["work.task"] == {"customer": [task.pk]}

    actions.undo_merge(merge=merge, actor=manager)

    assert Task.objects.get(pk=task.pk).customer == second
    assert timeline <= set(second.timeline_events.values_list("pk", flat=True))
    assert not first.timeline_events.filter(pk__in=timeline).exists()


def test_the_survivor_keeps_its_own_subscription(pair, executive):
    first, second, _candidate = pair
    make_subscription(first, plan="starter", monthly_price=149_000)

    merge = _merge(pair, executive)

    assert "customers.subscription" not in merge.moved
    assert Subscription.objects.get(customer=first).plan_id == "starter"
    assert Subscription.objects.get(customer=second).plan_id == "business"


def test_undo_restores_both_records_as_they_were(pair, executive, manager):
    first, second, candidate = pair
    before = {
        "first_contacts": set(first.contacts.values_list("pk", "is_primary")),
        "second_contacts": set(second.contacts.values_list("pk", "is_primary")),
        "second_history": set(second.audit_entries.values_list("pk", flat=True)),
    }
    merge = _merge(pair, executive)

    actions.undo_merge(merge=merge, actor=manager)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.name, first.city, first.category.slug) == ("Batik Lestari", "", "fashion")
    assert not second.is_deleted and second.deleted_by is None
    assert set(first.contacts.values_list("pk", "is_primary")) == before["first_contacts"]
    assert set(second.contacts.values_list("pk", "is_primary")) == before["second_contacts"]
    assert list(second.stores.values_list("domain", flat=True)) == ["shopee.co.id/batiklestari"]
    assert Subscription.objects.get().customer == second
    assert before["second_history"] <= set(second.audit_entries.values_list("pk", flat=True))
    assert AuditEntry.objects.filter(customer=second, action="restore", source="merge-undo")
    assert AuditEntry.objects.get(
        customer=first, object_type="customers.customer", source="merge-undo"
    ).changes == {"city": ["Solo", None]}
    candidate.refresh_from_db()
    assert (candidate.status, candidate.resolved_by) == ("open", None)
    merge.refresh_from_db()
    assert (merge.is_undone, merge.undone_by) == (True, manager)


def test_undo_keeps_what_was_added_to_the_survivor_since(pair, executive, manager):
    first, _second, _candidate = pair
    merge = _merge(pair, executive)
    added = make_contact(first, name="Dewi")

    actions.undo_merge(merge=merge, actor=manager)

    assert sorted(first.contacts.values_list("name", flat=True)) == ["Ayu", "Dewi"]
    assert Contact.objects.get(pk=added.pk).customer == first


def test_a_merge_cannot_be_undone_twice(pair, executive, manager):
    merge = _merge(pair, executive)
    actions.undo_merge(merge=merge, actor=manager)

    with pytest.raises(actions.MergeError):
        actions.undo_merge(merge=Merge.objects.get(), actor=manager)


def test_it_refuses_a_pair_that_was_already_handled(pair, executive):
    _first, _second, candidate = pair
    actions.dismiss_candidate(candidate=candidate, actor=executive)

    with pytest.raises(actions.MergeError):
        _merge(pair, executive)

    assert Merge.objects.count() == 0
    assert Customer.objects.alive().count() == 2


def test_it_refuses_records_changed_since_the_form_was_opened(pair, executive, manager):
    first, second, _candidate = pair
    customer_actions.update_customer(
        customer=second, actor=manager, data={"city": "Surakarta"}, expected_version=1
    )

    with pytest.raises(actions.MergeError):
        _merge(pair, executive, expected_versions={first.pk: 1, second.pk: 1})

    second.refresh_from_db()
    assert not second.is_deleted
    assert Store.objects.filter(customer=second).count() == 1


def test_it_refuses_a_survivor_outside_the_pair(pair, executive, team_a):
    stranger = make_customer(team=team_a, name="Other")

    with pytest.raises(actions.MergeError):
        _merge(pair, executive, survivor=stranger)


def test_dismiss_is_remembered(pair, executive):
    _first, _second, candidate = pair

    actions.dismiss_candidate(candidate=candidate, actor=executive)

    candidate.refresh_from_db()
    assert (candidate.status, candidate.resolved_by) == ("dismissed", executive)
    assert candidate.resolved_at is not None
    assert actions.flag_duplicates() == 0


def test_merged_values_are_taken_from_the_other_record_when_chosen(pair, executive):
    first, second, _candidate = pair

    _merge(
        pair,
        executive,
        survivor=second,
        choices={"name": first, "province": first, "owner": first},
    )

    second.refresh_from_db()
    assert (second.name, second.province, second.owner, second.city) == (
        "Batik Lestari",
        "Jawa Tengah",
        executive,
        "Solo",
    )
    assert Customer.objects.get(pk=first.pk).is_deleted
