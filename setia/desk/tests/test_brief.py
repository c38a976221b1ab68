import datetime
import re
import uuid

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from setia.customers.models import Customer
from setia.desk.brief import account_brief, brief_card
from setia.desk.cards import CARD_RELATED
from setia.engagement.models import Interaction
from setia.health.models import FACTOR_ORDER, CustomerHealth
from setia.metrics.models import CustomerRollup
from setia.metrics.similar import similar_customers
from setia.test import make_category, make_customer, make_subscription
from setia.tiers.models import CustomerTier, Tier, TierRule
from setia.work.automation.models import Playbook, PlaybookRun
from setia.work.tests.factories import make_task

SECRET = "ZEBRA-SECRET"


def _url(customer) -> str:
    return reverse("customers:customer-detail", args=[customer.code])


def _rollup(customer, gmv_90d: int, gmv_30d: int) -> CustomerRollup:
    """The customer's 90-day figures, and its GMV on its row as the nightly tier refresh keeps
    it (what similar customers compare)."""
    Customer.objects.filter(pk=customer.pk).update(gmv_90d=gmv_90d)
    customer.gmv_90d = gmv_90d
    return CustomerRollup.objects.update_or_create(
        customer=customer,
        defaults={
            "gmv_90d": gmv_90d,
            "gmv_30d": gmv_30d,
            "as_of": timezone.localdate(),
            "computed_at": timezone.now(),
        },
    )[0]


def _interaction(customer, days_ago: float, **fields) -> Interaction:
    fields.setdefault("kind", "call")
    fields.setdefault("summary", "Talked about the new catalogue")
    return Interaction.objects.create(
        customer=customer,
        occurred_at=timezone.now() - datetime.timedelta(days=days_ago),
        **fields,
    )


def _health(customer, grades: dict[str, str], score: int = 40, **figures) -> CustomerHealth:
    letters = "".join(grades.get(factor.value, "-") for factor in FACTOR_ORDER)
    grade = "p" if "p" in letters else "a" if "a" in letters else "g"
    return CustomerHealth.objects.create(
        customer=customer,
        score=score,
        grade=grade,
        grades=letters,
        computed_on=timezone.localdate(),
        **figures,
    )


def _run(customer) -> PlaybookRun:
    return PlaybookRun.objects.create(
        customer=customer,
        playbook=Playbook.objects.get(name_id="Pemulihan GMV"),
        kind="gmv_drop",
        reason="GMV -40%",
        batch=uuid.uuid4(),
        started_at=timezone.now() - datetime.timedelta(days=2),
    )


def _fill(customer, owner):
    """A customer with something in every section of the brief."""
    gold = Tier.objects.get(slug="gold")
    CustomerTier.objects.create(
        customer=customer,
        tier=gold,
        since=datetime.date(2026, 3, 1),
        gmv_90d=320_000_000,
        threshold=300_000_000,
        rule=TierRule.objects.get(tier=gold, category__isnull=True),
        computed_on=timezone.localdate(),
    )
    _rollup(customer, 320_000_000, 140_000_000)
    make_subscription(customer, renews_on=timezone.localdate() + datetime.timedelta(days=20))
    Customer.objects.filter(pk=customer.pk).update(status=Customer.Status.AT_RISK)
    customer.refresh_from_db()
    _health(
        customer, {"contact": "p", "uptime": "g", "issues": "a"}, contact=63, uptime=99.5, issues=1
    )
    promised = _interaction(
        customer,
        1,
        summary="Renewal call",
        action_items="Send the price list\nCheck the QRIS payments",
        follow_up_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    complaint = _interaction(customer, 5, kind="website_issue", summary="Checkout error 500")
    task = make_task(owner=owner, customer=customer, title="Call about the renewal")
    run = _run(customer)
    return {"interaction": promised, "complaint": complaint, "task": task, "run": run}


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_every_sentence_links_to_a_record_of_this_customer(client, executive, customer):
    records = _fill(customer, executive)
    executive.language = "en"
    executive.save(update_fields=["language"])
    client.force_login(executive)

    response = client.get(_url(customer))

    assert response.status_code == 200
    brief = response.context["cards"]["summary"][0].context["brief"]
    titles = [title for title, _sentences in brief.sections]
    assert titles == ["Value", "Open work", "Last interactions and promises", "Renewal", "Risks"]
    own = {
        reverse("tiers:tier-list"),
        f"{_url(customer)}#value",
        f"{_url(customer)}#subscription",
        f"{_url(customer)}#health",
        reverse("work:task-detail", args=[records["task"].code]),
        reverse("work:run-detail", args=[records["run"].code]),
        reverse("engagement:timeline", args=[customer.code]) + "?kind=change",
    }
    timeline = reverse("engagement:timeline", args=[customer.code])
    for interaction in (records["interaction"], records["complaint"]):
        own.add(f"{timeline}?kind={interaction.kind}#interaction-{interaction.pk}")
    for sentence in brief.sentences:
        assert sentence.url in own, sentence
    texts = " ".join(sentence.text for sentence in brief.sentences)
    assert "Gold since" in texts and "Rp 320.000.000" in texts and "Rp 300.000.000" in texts
    assert "GMV is growing" in texts  # 140M in 30 days against 320M / 3 a month: +31%
    assert "Call about the renewal" in texts
    assert "Promised on" in texts and "Send the price list; Check the QRIS payments" in texts
    assert "Open complaint of" in texts and "Checkout error 500" in texts
    assert "no contact for 63 days" in texts and "uptime" not in texts
    assert "is marked at risk" in texts
    assert "renews on" in texts
    # Each sentence is drawn with its link, on the page.
    card = response.text[response.text.index('id="brief"') :]
    card = card[: card.index("</section>")]
    assert card.count('class="brief-source"') == len(brief.sentences)


def test_it_cites_only_this_customers_records(client, executive, customer, team_a):
    records = _fill(customer, executive)
    other = make_customer(team=team_a, owner=executive, name="Toko Lain")
    _interaction(
        other,
        0.1,
        summary=f"{SECRET} promised a refund",
        action_items=f"{SECRET} refund",
        follow_up_on=timezone.localdate(),
    )
    _interaction(other, 0.2, kind="website_issue", summary=f"{SECRET} site down")
    make_task(owner=executive, customer=other, title=f"{SECRET} task", due_at=timezone.now())
    make_task(owner=executive, title=f"{SECRET} task without a customer", due_at=timezone.now())
    _run(other)
    _health(other, {"contact": "p"}, contact=98765)
    client.force_login(executive)

    response = client.get(_url(customer))

    brief = response.context["cards"]["summary"][0].context["brief"]
    assert all(SECRET not in sentence.text for sentence in brief.sentences)
    card = response.text[response.text.index('id="brief"') :]
    card = card[: card.index("</section>")]
    assert SECRET not in card
    assert "98.765" not in card and "98,765" not in card
    other_links = set(re.findall(r'href="([^"]+)"', response.text)) & {
        reverse("work:task-detail", args=[task.code]) for task in other.tasks.all()
    }
    assert not other_links
    assert str(records["task"].code) in card


def test_an_empty_customer_gets_one_short_sentence(executive, customer):
    with translation.override("en"):
        brief = account_brief(customer, executive)

    assert len(brief.sentences) == 1
    assert brief.sentences[0].text.startswith("Nothing is recorded about Batik Lestari yet")
    assert brief.sentences[0].url == reverse("engagement:timeline", args=[customer.code])


def test_it_speaks_the_readers_language(executive, customer):
    _fill(customer, executive)

    with translation.override("id"):
        brief = account_brief(customer, executive)

    titles = [title for title, _sentences in brief.sections]
    assert titles[0] == "Nilai"
    assert "sejak" in brief.sentences[0].text


def test_a_viewer_is_not_told_of_tasks_or_runs(viewer, executive, customer):
    _fill(customer, executive)

    with translation.override("en"):
        brief = account_brief(customer, viewer)

    assert "Open work" not in [title for title, _sentences in brief.sections]
    assert not any("/tasks/" in s.url or "/runs/" in s.url for s in brief.sentences)


def _similar_world(team_a, team_b, executive, category):
    me = make_customer(team=team_a, owner=executive, category=category, name="Aku")
    _rollup(me, 90_000_000, 30_000_000)  # trend 0%
    close = make_customer(team=team_a, category=category, name="Mirip")
    _rollup(close, 100_000_000, 34_000_000)  # +2%
    further = make_customer(team=team_a, category=category, name="Agak mirip")
    _rollup(further, 150_000_000, 50_000_000)  # 0%, bigger
    hidden = make_customer(team=team_b, category=category, name="Tim lain")
    _rollup(hidden, 90_000_000, 30_000_000)
    too_big = make_customer(team=team_a, category=category, name="Raksasa")
    _rollup(too_big, 900_000_000, 300_000_000)
    falling = make_customer(team=team_a, category=category, name="Anjlok")
    _rollup(falling, 90_000_000, 10_000_000)  # -67%
    elsewhere = make_customer(team=team_a, category=make_category("Makanan Uji"), name="Beda")
    _rollup(elsewhere, 90_000_000, 30_000_000)
    deleted = make_customer(
        team=team_a, category=category, name="Terhapus", deleted_at=timezone.now()
    )
    _rollup(deleted, 90_000_000, 30_000_000)
    return me


def test_similar_customers_are_alike_and_within_the_readers_scope(
    executive, manager, team_a, team_b
):
    category = make_category("Kerajinan Uji")
    me = _similar_world(team_a, team_b, executive, category)

    with translation.override("en"):
        mine = similar_customers(me, executive, me.rollup)
        everyone = similar_customers(me, manager, me.rollup)

    assert [row.customer.name for row in mine] == ["Mirip", "Agak mirip"]
    assert [row.customer.name for row in everyone] == ["Tim lain", "Mirip", "Agak mirip"]
    assert mine[0].why == [
        "same category (Kerajinan Uji)",
        "90-day GMV Rp 100.000.000, against Rp 90.000.000",
        "trend +2%, against 0%",
    ]


def test_similar_customers_on_the_page_and_in_the_library(
    client, executive, team_a, team_b, django_assert_num_queries
):
    category = make_category("Kerajinan Uji")
    me = _similar_world(team_a, team_b, executive, category)
    client.force_login(executive)

    page = client.get(_url(me))
    library = client.get(
        reverse("library:guide-detail", args=[category.slug]), {"like": str(me.code)}
    )

    assert [
        row.customer.name for row in page.context["cards"]["summary"][0].context["brief"].similar
    ] == [
        "Mirip",
        "Agak mirip",
    ]
    assert "Tim lain" not in page.text
    assert library.status_code == 200
    assert 'id="stores-like"' in library.text
    assert "Mirip" in library.text and "Tim lain" not in library.text


@pytest.mark.parametrize("like", ["", "not-a-uuid", "00000000-0000-4000-8000-000000000000"])
def test_the_library_ignores_an_unknown_or_hidden_customer(client, executive, team_b, like):
    category = make_category("Kerajinan Uji")
    hidden = make_customer(team=team_b, category=category, name="Tim lain")
    client.force_login(executive)

    for value in (like, str(hidden.code)):
        response = client.get(
            reverse("library:guide-detail", args=[category.slug]), {"like": value}
        )
        assert response.status_code == 200
        assert 'id="stores-like"' not in response.text


def _history(customer, owner, size):
    for number in range(size):
        _interaction(customer, 10 + number, summary=f"Call {number}", action_items="Send it")
        _interaction(customer, 10 + number, kind="website_issue", summary=f"Issue {number}")
        make_task(owner=owner, customer=customer, title=f"Task {number}")


@pytest.mark.parametrize("persona", ["executive", "viewer"])
def test_the_brief_reads_the_same_queries_at_one_and_at_many_history_rows(
    request, executive, customer, team_a, persona
):
    user = request.getfixturevalue(persona)
    user.has_perm("customers.view_customer")  # the permission cache, read once per request
    _fill(customer, executive)
    for number in range(3):
        other = make_customer(team=team_a, category=customer.category, name=f"Mirip {number}")
        _rollup(other, 300_000_000 + number, 130_000_000)
    # As the 360 page reads it: its one-to-one records joined in.
    customer = Customer.objects.select_related("category", "subscription__plan", *CARD_RELATED).get(
        pk=customer.pk
    )
    _history(customer, executive, 1)

    with CaptureQueriesContext(connection) as few:
        small = brief_card(customer, _request(user))
    _history(customer, executive, 40)
    with CaptureQueriesContext(connection) as many:
        large = brief_card(customer, _request(user))

    # The health settings; tasks and playbook runs (not for a viewer); interactions and
    # complaints; similar customers.
    expected = {"executive": 5, "viewer": 3}[persona]
    assert len(few.captured_queries) == len(many.captured_queries) == expected
    assert len(small.context["brief"].similar) == len(large.context["brief"].similar) == 3
    last = [s for t, s in large.context["brief"].sections if "interactions" in t.lower()]
    assert last and len(last[0]) <= 6  # three interactions, each with its promise at most
