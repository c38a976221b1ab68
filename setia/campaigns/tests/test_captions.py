import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from setia.campaigns import actions, captions
from setia.campaigns.models import Caption, CaptionTemplate, Promotion
from setia.history.models import EventKind, TimelineEvent
from setia.test import make_customer

# ISO week 50 of 2026: Monday 7 to Sunday 13 December.
MONDAY = datetime.date(2026, 12, 7)
LIST = reverse("campaigns:promotion-list")
CAPTION = reverse("campaigns:caption-week")
TEMPLATES = reverse("campaigns:caption-templates")


def make_promotion(customer, **fields) -> Promotion:
    fields.setdefault("name", "Harbolnas")
    fields.setdefault("starts_on", datetime.date(2026, 12, 5))
    fields.setdefault("ends_on", datetime.date(2026, 12, 12))
    fields.setdefault("discount", "20%")
    fields.setdefault("link", "https://batiklestari.id/promo")
    return Promotion.objects.create(customer=customer, **fields)


@pytest.fixture
def planted(customer, team_a, team_b, executive, other_executive):
    """Two promotions of team A running in week 50, one ending the Monday before it starts
    (out), one starting the next Monday (out), and one of team B's merchant (in its week)."""
    kirana = make_customer(team=team_a, owner=executive, name="Kain Kirana")
    make_promotion(customer)
    make_promotion(
        kirana,
        name="Ongkir",
        starts_on=datetime.date(2026, 11, 30),
        ends_on=MONDAY,
        discount="Gratis ongkir",
        link="https://kainkirana.id",
    )
    make_promotion(
        customer,
        name="Lama",
        starts_on=datetime.date(2026, 11, 1),
        ends_on=MONDAY - datetime.timedelta(days=1),
    )
    make_promotion(
        kirana,
        name="Natal",
        starts_on=MONDAY + datetime.timedelta(days=7),
        ends_on=datetime.date(2026, 12, 25),
    )
    theirs = make_customer(team=team_b, owner=other_executive, name="Toko Tim B")
    make_promotion(theirs, name="Rahasia")


def visible(user):
    from setia.customers.models import Customer

    return Promotion.objects.filter(customer__in=Customer.objects.visible_to(user).values("pk"))


def test_the_caption_of_a_week_in_both_languages(planted, executive):
    assert captions.render(visible(executive), MONDAY, "id") == (
        "Promo merchant minggu ini (minggu 50, 7 Des 2026 – 13 Des 2026):\n\n"
        "• Kain Kirana: Gratis ongkir (30 Nov 2026 – 7 Des 2026) https://kainkirana.id\n"
        "• Batik Lestari: 20% (5 Des 2026 – 12 Des 2026) https://batiklestari.id/promo\n\n"
        "Yuk bantu sebarkan!"
    )
    assert captions.render(visible(executive), MONDAY, "en") == (
        "This week's merchant promotions (week 50, 7 Dec 2026 – 13 Dec 2026):\n\n"
        "• Kain Kirana: Gratis ongkir (30 Nov 2026 – 7 Dec 2026) https://kainkirana.id\n"
        "• Batik Lestari: 20% (5 Dec 2026 – 12 Dec 2026) https://batiklestari.id/promo\n\n"
        "Help spread the word!"
    )


def test_the_week_boundaries(planted, executive):
    names = set(captions.running_in_week(visible(executive), MONDAY).values_list("name", flat=True))
    # Ending on the Monday is in; ending the Sunday before or starting next Monday is not.
    assert names == {"Harbolnas", "Ongkir"}


def test_a_week_without_promotions_says_so(db):
    CaptionTemplate.objects.create(language="en", text="{week}: {promotions}")
    assert captions.render(Promotion.objects.all(), MONDAY, "en") == (
        "week 50, 7 Dec 2026 – 13 Dec 2026: No promotions this week."
    )


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("Promo {minggu}: {promotions}", "{minggu}"),
        ("Promo {week} {promotions", "brace"),
        ("Promo {week:d} {promotions}", "Write placeholders"),
    ],
)
def test_template_validation_names_the_problem(text, error):
    with pytest.raises(ValidationError) as raised:
        captions.validate_template(text)
    assert error in " ".join(raised.value.messages)


def test_a_valid_template_passes():
    captions.validate_template("{week}\n{promotions}\nTerima kasih!")


def test_editing_the_templates_refuses_an_unknown_placeholder(client, manager):
    client.force_login(manager)
    response = client.post(TEMPLATES, {"id": "Promo {pekan}", "en": "{week} {promotions}"})

    assert response.status_code == 200
    assert "{pekan}" in str(response.context["form"].errors["id"])
    assert not CaptionTemplate.objects.exists()

    response = client.post(
        TEMPLATES, {"id": "Promo {week}\n{promotions}", "en": "{week} {promotions}"}
    )
    assert response.status_code == 302
    assert CaptionTemplate.objects.get(language="id").text == "Promo {week}\n{promotions}"


def test_generating_keeps_each_version_and_shows_the_newest(client, planted, executive):
    client.force_login(executive)
    client.post(f"{CAPTION}?week=2026-W50")
    make_promotion(Promotion.objects.get(name="Harbolnas").customer, name="Baru", discount="10%")
    client.post(f"{CAPTION}?week=2026-W50")

    assert Caption.objects.filter(week=MONDAY).count() == 4
    response = client.get(f"{CAPTION}?week=2026-W50")
    shown = {code: caption.text for code, _label, caption in response.context["latest"]}
    assert "10%" in shown["id"] and "10%" in shown["en"]
    # Another team's merchant is not in the caption of the one who generated it.
    assert "Toko Tim B" not in shown["id"]
    assert response.context["page"].paginator.count == 4


def test_the_list_shows_only_the_visible_merchants_of_the_week(
    client, planted, executive, other_executive
):
    client.force_login(executive)
    response = client.get(f"{LIST}?week=2026-W50")
    assert [p.name for p in response.context["page"].object_list] == ["Ongkir", "Harbolnas"]

    client.force_login(other_executive)
    response = client.get(f"{LIST}?week=2026-W50")
    assert [p.name for p in response.context["page"].object_list] == ["Rahasia"]


def test_an_unreadable_week_says_so_and_shows_this_week(client, executive):
    client.force_login(executive)
    response = client.get(f"{LIST}?week=pekan-depan")
    assert response.status_code == 200
    assert "YYYY-Www" in response.content.decode()
    assert response.context["week"] == captions.week_code(captions.week_start(timezone.localdate()))


def test_the_list_reads_a_fixed_number_of_queries(
    client, planted, executive, django_assert_num_queries
):
    client.force_login(executive)
    client.get(f"{LIST}?week=2026-W50")
    with django_assert_num_queries(5) as context:
        client.get(f"{LIST}?week=2026-W50")

    make_promotion(Promotion.objects.get(name="Harbolnas").customer, name="Lagi")
    with django_assert_num_queries(len(context.captured_queries)):
        client.get(f"{LIST}?week=2026-W50")


def test_adding_a_promotion_for_a_visible_merchant(client, customer, executive):
    client.force_login(executive)
    response = client.post(
        reverse("campaigns:promotion-create"),
        {
            "merchant": "batik lestari",
            "name": "Harbolnas",
            "starts_on": "05/12/2026",
            "ends_on": "12/12/2026",
            "discount": "20%",
            "link": "https://batiklestari.id/promo",
        },
    )

    assert response.status_code == 302 and response["Location"].endswith("?week=2026-W49")
    promotion = Promotion.objects.get()
    assert promotion.customer == customer and promotion.created_by == executive
    assert TimelineEvent.objects.filter(customer=customer, kind=EventKind.CAMPAIGN).count() == 1


def test_the_form_refuses_another_teams_merchant_a_bad_period_and_a_bad_link(
    client, team_b, other_executive, executive
):
    make_customer(team=team_b, owner=other_executive, name="Toko Tim B")
    client.force_login(executive)
    response = client.post(
        reverse("campaigns:promotion-create"),
        {
            "merchant": "Toko Tim B",
            "name": "Rahasia",
            "starts_on": "12/12/2026",
            "ends_on": "05/12/2026",
            "discount": "20%",
            "link": "bukan tautan",
        },
    )

    errors = response.context["form"].errors
    assert set(errors) == {"merchant", "ends_on", "link"}
    assert not Promotion.objects.exists()


def test_a_viewer_reads_but_cannot_generate(client, viewer):
    client.force_login(viewer)
    assert client.get(CAPTION).status_code == 200
    assert client.post(CAPTION).status_code == 403
    assert client.get(TEMPLATES).status_code == 403


def test_saving_a_promotion_records_it_on_the_timeline(customer, executive):
    promotion = actions.save_promotion(
        promotion=Promotion(
            customer=customer,
            name="Harbolnas",
            starts_on=MONDAY,
            ends_on=MONDAY,
            discount="20%",
            link="https://batiklestari.id",
        ),
        actor=executive,
    )
    event = TimelineEvent.objects.get(customer=customer)
    assert event.data == {"promotion": "Harbolnas", "discount": "20%"}
    assert promotion.created_by == executive
