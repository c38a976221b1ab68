import pytest

from setia.engagement.actions import log_interaction, themes_from_names
from setia.engagement.models import Interaction, Theme
from setia.engagement.timeline import detail_rows
from setia.history.models import TimelineEvent
from setia.test import make_contact, make_customer


def test_it_creates_each_theme_once_whatever_its_case_and_spacing(db):
    Theme.objects.create(name="Pembayaran", slug="pembayaran")

    themes = themes_from_names(["pembayaran", " Store  v2", "store v2", "", "  "])

    assert sorted(theme.name for theme in themes) == ["Pembayaran", "Store v2"]
    assert Theme.objects.count() == 2


def test_it_refuses_a_contact_of_another_customer(customer, executive, team_a):
    stranger = make_contact(make_customer(team=team_a))

    with pytest.raises(ValueError, match="another customer"):
        log_interaction(
            customer=customer, actor=executive, data={"kind": "call", "contact": stranger}
        )

    assert not Interaction.objects.exists()
    assert not TimelineEvent.objects.exists()


def test_it_puts_the_interaction_on_the_timeline_at_its_time(customer, executive):
    interaction = log_interaction(
        customer=customer,
        actor=executive,
        data={"kind": "website_issue", "summary": "Checkout shows error 500"},
        themes=["checkout"],
    )

    event = TimelineEvent.objects.get()
    assert event.kind == "website_issue"
    assert event.summary == "Checkout shows error 500"
    assert event.occurred_at == interaction.occurred_at
    assert event.data["themes"] == ["checkout"]
    assert detail_rows(event) == [("Themes", "checkout")]
