import datetime
from io import StringIO

import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from setia.accounts.models import Role
from setia.customers.models import Category, Customer
from setia.history.models import TimelineEvent
from setia.test import make_customer, make_user
from setia.work.onboarding import actions
from setia.work.onboarding.models import Onboarding, Stage, StageChange
from setia.work.schedule.models import Task
from setia.work.tests.factories import at

BOARD = reverse("work:onboarding-board")
LIST = reverse("work:onboarding-list")
INTAKE = reverse("work:intake-report")


def _stage(english: str) -> Stage:
    return Stage.objects.get(name_en=english)


def test_the_stages_are_seeded_in_order(db):
    assert [stage.name_en for stage in Stage.objects.all()] == [
        "Signed",
        "Kickoff",
        "Store setup",
        "First product",
        "First order",
        "Live",
    ]
    assert Stage.objects.get(name_en="Store setup").name_id == "Setup toko"
    # No seeded stage shows its English name on the Indonesian pages.
    assert [stage.name_id for stage in Stage.objects.all()] == [
        "Tanda tangan",
        "Rapat awal",
        "Setup toko",
        "Produk pertama",
        "Pesanan pertama",
        "Berjalan",
    ]


def test_enrolment_puts_new_customers_on_the_first_stage_with_its_tasks(team_a, executive):
    with time_machine.travel(at(1, 9), tick=False):
        old = make_customer(team=team_a, owner=executive, name="Lama")
    with time_machine.travel(at(10, 9), tick=False):
        new = make_customer(team=team_a, owner=executive, name="Baru")
        assert actions.enroll_new_customers() == 2
        assert actions.enroll_new_customers() == 0  # idempotent

    signed = _stage("Signed")
    assert {
        row.customer: (row.stage, row.entered_stage_at) for row in Onboarding.objects.all()
    } == {
        old: (signed, old.created_at),
        new: (signed, new.created_at),
    }
    # only the customer who joined within the stage's window gets its checklist task
    task = Task.objects.get()
    assert (task.customer, task.owner, task.title) == (
        new,
        executive,
        "Welcome call; set the kickoff date",
    )
    assert task.due_at == at(11, 9)


def test_moving_records_the_history_and_creates_the_stages_tasks(executive, team_a):
    with time_machine.travel(at(1, 9), tick=False):
        customer = make_customer(team=team_a, owner=executive, name="Batik Lestari")
        actions.enroll_new_customers()
    row = Onboarding.objects.get()

    with time_machine.travel(at(5, 10), tick=False):
        change = actions.move_to_stage(onboarding=row, stage=_stage("Kickoff"), actor=executive)
        again = actions.move_to_stage(onboarding=row, stage=_stage("Kickoff"), actor=executive)

    assert again is None
    assert (change.from_stage, change.to_stage, change.changed_by, change.days_in_previous) == (
        _stage("Signed"),
        _stage("Kickoff"),
        executive,
        4,
    )
    row.refresh_from_db()
    assert (row.stage, row.entered_stage_at) == (_stage("Kickoff"), at(5, 10))
    titles = sorted(Task.objects.filter(customer=customer).values_list("title", flat=True))
    assert titles == [
        "Kickoff meeting: the store's goals and plan",
        "Send the onboarding guide",
        "Welcome call; set the kickoff date",
    ]
    assert TimelineEvent.objects.filter(customer=customer, kind="task").count() == 3


def test_a_customer_is_stalled_after_the_stages_days(executive, team_a):
    with time_machine.travel(at(1, 9), tick=False):
        make_customer(team=team_a, owner=executive)
        actions.enroll_new_customers()
    row = Onboarding.objects.select_related("stage").get()
    stages = list(Stage.objects.all())
    # "Signed" stalls after 3 days
    assert not row.is_stalled(at(4, 8))
    assert row.is_stalled(at(4, 10))
    assert list(Onboarding.objects.stalled(stages, at(4, 8))) == []
    assert list(Onboarding.objects.stalled(stages, at(4, 10))) == [row]
    # the final stage never stalls
    actions.move_to_stage(onboarding=row, stage=_stage("Live"), actor=executive)
    row.refresh_from_db()
    assert list(Onboarding.objects.stalled(stages, at(1, 9) + datetime.timedelta(days=400))) == []


# -- board ---------------------------------------------------------------------------------


def test_the_board_shows_each_stage_with_its_customers(
    client, executive, customer, other_executive
):
    other = make_customer(team=other_executive.team, owner=other_executive, name="Toko Timur")
    actions.enroll_new_customers()
    client.force_login(executive)

    response = client.get(BOARD)

    assert response.status_code == 200
    columns = {column["stage"].name_en: column for column in response.context["columns"]}
    assert [card.customer for card in columns["Signed"]["cards"]] == [customer]
    assert columns["Signed"]["count"] == 1
    assert "Toko Timur" not in response.text
    assert Onboarding.objects.filter(customer=other).exists()  # enrolled, but not shown


def test_the_board_moves_a_card_with_htmx(client, executive, customer):
    actions.enroll_new_customers()
    client.force_login(executive)
    url = reverse("work:onboarding-move", args=[customer.code])

    response = client.post(url, {"stage": _stage("Kickoff").pk}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.templates[0].name == "work/_onboarding_board.html"
    assert "Batik Lestari moved to Kickoff." in response.text
    assert Onboarding.objects.get().stage == _stage("Kickoff")
    assert StageChange.objects.count() == 1


def test_a_moved_card_is_confirmed_and_shown_first_in_its_new_column(
    client, executive, customer, team_a
):
    with time_machine.travel(at(1, 9)):
        for number in range(31):  # older than the moved card: they fill the column
            make_customer(team=team_a, owner=executive, name=f"Lama {number}")
        actions.enroll_new_customers()
        kickoff = _stage("Kickoff")
        Onboarding.objects.exclude(customer=customer).update(stage=kickoff)
    client.force_login(executive)
    url = reverse("work:onboarding-move", args=[customer.code])

    response = client.post(url, {"stage": kickoff.pk}, headers={"HX-Request": "true"})

    # A visible confirmation, not only one for screen readers.
    assert '<p class="flash flash-success">Batik Lestari moved to Kickoff.</p>' in response.text
    column = next(c for c in response.context["columns"] if c["stage"] == kickoff)
    assert column["cards"][0].customer == customer
    assert column["cards"][0].just_moved
    assert [card.customer.name for card in column["cards"][1:3]] == ["Lama 0", "Lama 1"]
    assert response.text.count("is-moved") == 1


def test_the_move_form_works_without_javascript(client, executive, customer):
    actions.enroll_new_customers()
    client.force_login(executive)

    response = client.post(
        reverse("work:onboarding-move", args=[customer.code]), {"stage": _stage("Store setup").pk}
    )

    assert response.status_code == 302
    assert response.url == BOARD
    assert Onboarding.objects.get().stage == _stage("Store setup")


def test_move_follows_the_matrix(client, executive, intern, viewer, other_executive, customer):
    actions.enroll_new_customers()
    url = reverse("work:onboarding-move", args=[customer.code])
    data = {"stage": _stage("Kickoff").pk}
    assert client.post(url, data).status_code == 302  # anonymous: to login
    client.force_login(other_executive)
    assert client.post(url, data).status_code == 404
    for user in (intern, viewer):
        client.force_login(user)
        assert client.post(url, data).status_code == 403
    client.force_login(executive)
    assert client.get(url).status_code == 405
    assert client.post(url, {"stage": "nope"}).status_code == 400
    assert Onboarding.objects.get().stage == _stage("Signed")
    assert StageChange.objects.count() == 0


def test_board_and_list_follow_the_matrix(client, intern, viewer):
    for url in (BOARD, LIST):
        assert client.get(url).status_code == 302
        for user in (intern, viewer):  # everyone who reads customers reads the pipeline
            client.force_login(user)
            assert client.get(url).status_code == 200
        assert client.post(url).status_code == 405
        client.logout()


def test_the_board_reads_a_constant_number_of_queries(
    client, executive, team_a, django_assert_max_num_queries
):
    client.force_login(executive)
    client.get(BOARD)
    for n in range(40):
        make_customer(team=team_a, owner=executive, name=f"Toko {n}")
    actions.enroll_new_customers()
    with django_assert_max_num_queries(20):
        response = client.get(BOARD)
    assert sum(column["count"] for column in response.context["columns"]) == 40


# -- list ------------------------------------------------------------------------------------


def test_the_list_filters_by_stage_and_stalled(client, executive, team_a):
    with time_machine.travel(at(1, 9), tick=False):
        late = make_customer(team=team_a, owner=executive, name="Lambat")
    with time_machine.travel(at(10, 8), tick=False):
        fresh = make_customer(team=team_a, owner=executive, name="Segar")
    with time_machine.travel(at(10, 9), tick=False):
        actions.enroll_new_customers()
        client.force_login(executive)
        everyone = client.get(LIST)
        stalled = client.get(LIST, {"stalled": "1"})
        kickoff = client.get(LIST, {"stage": _stage("Kickoff").pk})

    assert [row.customer for row in everyone.context["page"]] == [late, fresh]
    assert [row.customer for row in stalled.context["page"]] == [late]
    assert list(kickoff.context["page"]) == []


def test_the_list_reads_a_constant_number_of_queries(
    client, executive, team_a, django_assert_max_num_queries
):
    for n in range(30):
        make_customer(team=team_a, owner=executive, name=f"Toko {n}")
    actions.enroll_new_customers()
    client.force_login(executive)
    client.get(LIST)
    with django_assert_max_num_queries(14):
        response = client.get(LIST)
    assert len(response.context["page"]) == 30


# -- no page read writes; enrolment happens when a customer is created -------------------------


def _writes(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_reading_the_board_writes_nothing(client, executive, customer):
    client.force_login(executive)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(BOARD)

    assert response.status_code == 200
    assert _writes(queries) == []
    assert Onboarding.objects.count() == 0  # the nightly recompute enrols this one


def test_reading_the_list_writes_nothing(client, executive, customer):
    client.force_login(executive)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"stalled": "1"})

    assert response.status_code == 200
    assert _writes(queries) == []
    assert Onboarding.objects.count() == 0


def test_reading_the_intake_report_writes_nothing(client, executive, customer):
    client.force_login(executive)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(INTAKE)
        export = client.get(INTAKE, {"format": "csv"})

    assert (page.status_code, export.status_code) == (200, 200)
    assert _writes(queries) == []
    assert Onboarding.objects.count() == 0


def test_the_nightly_recompute_enrols_new_customers(executive, customer):
    call_command("recompute", stdout=StringIO())

    assert Onboarding.objects.get().customer == customer


@time_machine.travel(at(10, 9), tick=False)
def test_a_customer_created_on_the_new_customer_page_is_enrolled(client, executive, team_a):
    client.force_login(executive)

    response = client.post(
        reverse("customers:customer-create"),
        {
            "name": "Kopi Senja",
            "category": Category.objects.get(slug="food-beverage").pk,
            "status": "onboarding",
            "city": "Yogyakarta",
            "province": "DI Yogyakarta",
            "owner": executive.pk,
            "team": team_a.pk,
        },
    )

    assert response.status_code == 302
    customer = Customer.objects.get()
    row = Onboarding.objects.get()
    assert (row.customer, row.stage, row.entered_stage_at) == (
        customer,
        _stage("Signed"),
        at(10, 9),
    )
    task = Task.objects.get()
    assert (task.customer, task.owner, task.title, task.due_at) == (
        customer,
        executive,
        "Welcome call; set the kickoff date",
        at(11, 9),
    )
    event = TimelineEvent.objects.get(kind="task")
    assert (event.customer, event.actor, event.data["task_action"]) == (
        customer,
        executive,
        "created",
    )


def test_a_stages_tasks_are_titled_in_their_owners_language(team_a):
    indonesian = make_user(Role.EXECUTIVE, team=team_a, language="id")
    english = make_user(Role.EXECUTIVE, team=team_a, language="en")
    with time_machine.travel(at(1, 9), tick=False):
        first = make_customer(team=team_a, owner=indonesian, name="Batik Lestari")
        second = make_customer(team=team_a, owner=english, name="Kopi Senja")
        actions.enroll_new_customers()

    assert dict(Task.objects.values_list("customer", "title")) == {
        first.pk: "Telepon sambutan dan tentukan tanggal rapat awal",
        second.pk: "Welcome call; set the kickoff date",
    }
