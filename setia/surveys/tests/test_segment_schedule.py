"""The schedule "on entering a segment": the customers matching its segment now that did not at
its previous run are surveyed, set-based, never inside the re-survey interval."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from setia.customers.models import Customer
from setia.segments.tests.factories import make_segment
from setia.surveys import actions
from setia.surveys.models import Schedule, SegmentMember, SurveyInvitation
from setia.surveys.tests.factories import nps
from setia.test import make_contact, make_customer

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC)


@pytest.fixture
def schedule(manager):
    segment = make_segment(manager, name="Surabaya", query="city=Surabaya", is_shared=True)
    return Schedule.objects.create(
        survey=nps(), trigger="segment_entered", segment=segment, channel="email"
    )


def _customer(team, city="Bandung", **contact):
    customer = make_customer(team=team, city=city)
    contact.setdefault("email", f"owner{customer.pk}@example.test")
    return customer, make_contact(customer, is_primary=True, **contact)


def _run(day: int) -> int:
    with time_machine.travel(START + datetime.timedelta(days=day), tick=False):
        return actions.plan_due(moment=actions.now())


def _move(customer, city):
    Customer.objects.filter(pk=customer.pk).update(city=city)


def test_the_first_run_records_the_members_without_surveying_them(schedule, team_a):
    inside, _ = _customer(team_a, city="Surabaya")
    _customer(team_a, city="Bandung")
    assert _run(0) == 0
    assert not SurveyInvitation.objects.exists()
    assert list(SegmentMember.objects.values_list("customer_id", flat=True)) == [inside.pk]
    schedule.refresh_from_db()
    assert schedule.members_of == schedule.segment_id


def test_a_customer_entering_the_segment_is_surveyed_once(schedule, team_a):
    _customer(team_a, city="Surabaya")
    newcomer, contact = _customer(team_a)
    assert _run(0) == 0
    _move(newcomer, "Surabaya")
    assert [_run(1), _run(2), _run(3)] == [1, 0, 0]
    invitation = SurveyInvitation.objects.get()
    assert (invitation.contact, invitation.trigger) == (contact, "segment_entered")


@override_settings(SURVEY_RESURVEY_DAYS=60)
def test_leaving_and_entering_again_inside_the_interval_is_not_surveyed(schedule, team_a):
    customer, _ = _customer(team_a)
    _run(0)
    _move(customer, "Surabaya")
    assert _run(1) == 1
    _move(customer, "Bandung")
    assert _run(2) == 0
    assert not SegmentMember.objects.exists()
    _move(customer, "Surabaya")
    assert _run(10) == 0  # entered again, 9 days after its invitation
    assert SegmentMember.objects.filter(customer=customer).exists()
    _move(customer, "Bandung")
    _run(70)
    _move(customer, "Surabaya")
    assert _run(71) == 1  # outside the interval, entering again surveys again
    assert SurveyInvitation.objects.count() == 2


def test_members_the_survey_cannot_reach_are_skipped(schedule, team_a):
    no_email, _ = _customer(team_a, email="", whatsapp="+6281234567890")
    no_contact = make_customer(team=team_a)
    reachable, contact = _customer(team_a)
    _run(0)
    for customer in (no_email, no_contact, reachable):
        _move(customer, "Surabaya")
    assert _run(1) == 1
    assert SurveyInvitation.objects.get().contact == contact
    assert SegmentMember.objects.count() == 3
    # an address added later does not make it an entry
    no_email.contacts.update(email="later@example.test")
    assert _run(2) == 0


def _queries_of_a_run(team, count: int, day: int) -> tuple[int, int]:
    entering = [_customer(team)[0] for _ in range(count)]
    Customer.objects.filter(pk__in=[c.pk for c in entering]).update(city="Surabaya")
    with (
        time_machine.travel(START + datetime.timedelta(days=day), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        invited = actions.plan_due(moment=actions.now())
    return invited, len(queries)


def test_the_query_count_does_not_grow_with_the_customers(schedule, team_a):
    _run(0)
    assert _queries_of_a_run(team_a, 2, 1) == (2, _queries_of_a_run(team_a, 25, 2)[1])
    assert SurveyInvitation.objects.count() == 27


def test_a_deleted_segment_stops_the_schedule_and_a_new_one_starts_over(
    schedule, team_a, manager, client, admin_user
):
    customer, _ = _customer(team_a)
    _run(0)
    schedule.segment.delete()
    schedule.refresh_from_db()
    assert schedule.segment is None
    _move(customer, "Surabaya")
    assert _run(1) == 0
    client.force_login(admin_user)
    page = client.get("/admin/surveys/schedule/").content.decode()
    assert "Its segment was deleted: nothing is sent until another is chosen." in page
    # another segment: its first run records its members again, without surveying them
    schedule.segment = make_segment(manager, name="Jawa Timur", query="city=Surabaya")
    schedule.save()
    assert _run(2) == 0
    assert list(SegmentMember.objects.values_list("customer_id", flat=True)) == [customer.pk]


def test_a_segment_is_named_by_this_kind_and_only_by_it(schedule):
    segment = schedule.segment
    every = Schedule(survey=nps(), trigger="every", days=30, segment=segment)
    without = Schedule(survey=nps(), trigger="segment_entered")
    with pytest.raises(ValidationError) as named:
        every.full_clean()
    assert named.value.message_dict["segment"] == [
        "Only the schedule “On entering a segment” names a segment."
    ]
    with translation.override("id"):
        with pytest.raises(ValidationError) as missing:
            without.full_clean()
        assert missing.value.message_dict["segment"] == [
            "Pilih segmen yang anggota barunya menerima survei ini."
        ]
    schedule.full_clean()


def test_the_admin_edits_a_segment_schedule(schedule, client, admin_user):
    client.force_login(admin_user)
    url = f"/admin/surveys/schedule/{schedule.pk}/change/"
    data = {"survey": schedule.survey_id, "trigger": "segment_entered", "days": 0}
    data |= {"segment": "", "channel": "email", "is_active": "on"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Choose the segment whose new members get this survey." in response.content.decode()
    schedule.refresh_from_db()
    assert schedule.segment is not None
