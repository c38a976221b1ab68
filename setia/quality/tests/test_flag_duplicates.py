from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from setia.quality import duplicates
from setia.quality.actions import flag_duplicates
from setia.quality.models import DuplicateCandidate
from setia.test import make_contact, make_customer, make_store


def _pairs() -> set[tuple[str, str, str, int]]:
    return {
        (c.customer_a.name, c.customer_b.name, c.reason, c.score)
        for c in DuplicateCandidate.objects.select_related("customer_a", "customer_b")
    }


def test_it_flags_the_same_number_written_as_phone_and_as_whatsapp(team_a):
    first = make_customer(team=team_a, name="Kopi Senja")
    second = make_customer(team=team_a, name="Warung Pagi")
    make_contact(first, phone="+6281234567890", whatsapp="", email="")
    make_contact(second, phone="+622155512345", whatsapp="+6281234567890", email="")
    make_contact(make_customer(team=team_a, name="Lain"), phone="+6285700001111", email="")

    created = flag_duplicates()

    assert created == 1
    assert _pairs() == {("Kopi Senja", "Warung Pagi", "phone", 67)}


def test_it_flags_the_same_email_whatever_the_case(team_a):
    first = make_customer(team=team_a, name="Glow Alami")
    second = make_customer(team=team_a, name="Cantik Lab")
    make_contact(first, email="ayu@glow.test")
    make_contact(second, email=" AYU@Glow.test")

    assert flag_duplicates() == 1
    assert _pairs() == {("Glow Alami", "Cantik Lab", "email", 88)}


def test_it_flags_a_store_domain_that_is_another_customers_email_domain(team_a):
    first = make_customer(team=team_a, name="Rumah Jati")
    second = make_customer(team=team_a, name="RJ Furniture")
    make_store(first, domain="rumahjati.co.id")
    make_contact(second, email="sales@rumahjati.co.id")
    # Webmail domains say nothing.
    third = make_customer(team=team_a, name="Kue Mama")
    make_store(third, domain="gmail.com")
    make_contact(make_customer(team=team_a, name="Teh Juara"), email="teh@gmail.com")

    assert flag_duplicates() == 1
    assert _pairs() == {("Rumah Jati", "RJ Furniture", "domain", 54)}


def test_it_flags_similar_names_and_ignores_different_ones(team_a):
    make_customer(team=team_a, name="Batik Lestari")
    make_customer(team=team_a, name="Batik Lestari Official")
    make_customer(team=team_a, name="BATIK LESTARI (Store)")
    make_customer(team=team_a, name="Batik Nusantara")
    make_customer(team=team_a, name="Kopi Senja")
    make_customer(team=team_a, name="Kopi Senja Jaya")
    make_customer(team=team_a, name="Mukena Zahra 302")
    make_customer(team=team_a, name="Mukena Zahra 360")  # numbered shops are different shops

    created = flag_duplicates()

    assert created == 3
    assert _pairs() == {
        # The same brand with another suffix, in one city: alike, not identical.
        ("Batik Lestari", "Batik Lestari Official", "name", 76),
        ("Batik Lestari", "BATIK LESTARI (Store)", "name", 76),
        ("Batik Lestari Official", "BATIK LESTARI (Store)", "name", 73),
    }


def test_it_keeps_the_strongest_reason_for_a_pair(team_a):
    first = make_customer(team=team_a, name="Batik Lestari")
    second = make_customer(team=team_a, name="Batik Lestari Official")
    make_contact(first, phone="+6281234567890")
    make_contact(second, phone="+6281234567890")

    assert flag_duplicates() == 1
    assert _pairs() == {("Batik Lestari", "Batik Lestari Official", "phone", 100)}


def test_it_is_idempotent_and_never_raises_a_dismissed_pair_again(team_a):
    make_customer(team=team_a, name="Batik Lestari")
    make_customer(team=team_a, name="Batik Lestari Official")

    assert flag_duplicates() == 1
    assert flag_duplicates() == 0
    DuplicateCandidate.objects.update(status=DuplicateCandidate.Status.DISMISSED)
    assert flag_duplicates(source="import") == 0
    assert DuplicateCandidate.objects.get().status == "dismissed"


def test_it_looks_only_at_pairs_involving_the_given_customers(team_a):
    make_customer(team=team_a, name="Kopi Senja")
    make_customer(team=team_a, name="Kopi Senja Official")
    batik = make_customer(team=team_a, name="Batik Lestari")
    imported = make_customer(team=team_a, name="Batik Lestari Official")
    make_contact(batik, phone="+6281234567890")
    make_contact(imported, phone="+6281234567890")

    created = flag_duplicates([imported.pk], source="import")

    assert created == 1
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.customer_a, candidate.customer_b, candidate.source) == (
        batik,
        imported,
        "import",
    )
    assert flag_duplicates([]) == 0


def test_it_ignores_deleted_customers(team_a):
    make_customer(team=team_a, name="Batik Lestari")
    make_customer(team=team_a, name="Batik Lestari Official", deleted_at=timezone.now())

    assert flag_duplicates() == 0


def test_it_runs_in_a_number_of_queries_independent_of_the_customers(team_a):
    for number in range(3):
        make_contact(make_customer(team=team_a, name=f"Batik {number}"), phone="+6285700001111")
    with CaptureQueriesContext(connection) as few:
        assert flag_duplicates() == 3
    for number in range(30):
        customer = make_customer(team=team_a, name=f"Kopi {number}")
        make_contact(customer, phone="+6281234567890")
    with CaptureQueriesContext(connection) as many:
        created = flag_duplicates()

    assert created == 30 * 29 // 2

    # Only the INSERT batches grow with the number of pairs found; the search is constant.
    def searches(context):
        return [query for query in context.captured_queries if "INSERT" not in query["sql"]]

    assert len(searches(many)) == len(searches(few))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Batik Lestari Official", "batik lestari"),
        ("  BATIK   LESTARI (Official Store) ", "batik lestari"),
        ("Syar'i Hana", "syari hana"),
        ("Toko", "toko"),
        ("Café Rasa", "cafe rasa"),
    ],
)
def test_it_normalises_names(name, expected):
    assert duplicates.normalise_name(name) == expected


def test_the_command_prints_how_many_it_found(team_a):
    make_customer(team=team_a, name="Batik Lestari")
    make_customer(team=team_a, name="Batik Lestari Official")
    out = StringIO()

    call_command("find_duplicates", stdout=out)
    call_command("find_duplicates", stdout=out)

    assert out.getvalue().splitlines() == [
        "candidates created=1 open=1",
        "candidates created=0 open=1",
    ]


def test_a_name_shared_by_many_customers_is_not_evidence(team_a, settings):
    for _number in range(duplicates.MAX_SAME_NAME + 1):
        make_customer(team=team_a, name="Kue Basah")
    make_customer(team=team_a, name="Kue Basah Official")  # normalised: "kue basah" too
    make_customer(team=team_a, name="Bakso Mantap")
    make_customer(team=team_a, name="Bakso Mantap Official")

    assert flag_duplicates() == 1
    assert _pairs() == {("Bakso Mantap", "Bakso Mantap Official", "name", 75)}


def test_looking_up_a_few_customers_finds_what_the_full_scan_finds(team_a):
    made = [make_customer(team=team_a, name=f"Customer {number}") for number in range(8)]
    make_contact(made[0], phone="+6281234567890", whatsapp="", email="a@one.test")
    make_contact(made[1], phone="+622155512345", whatsapp="+6281234567890", email="")
    make_contact(made[2], phone="", whatsapp="", email="a@one.test")
    make_contact(made[3], phone="+6285700001111", email="sales@rumahjati.co.id")
    make_store(made[4], domain="rumahjati.co.id")
    make_store(made[5], domain="gmail.com")
    make_contact(made[6], phone="+6285700002222", email="x@gmail.com")
    make_contact(made[7], phone="+6285700001111", email="")
    ids = [customer.pk for customer in made]

    everything = duplicates.exact_matches()
    looked_up = duplicates.exact_matches(ids)
    one = duplicates.exact_matches([made[4].pk])

    def named(found):
        return {
            reason: {(made[ids.index(a)].name, made[ids.index(b)].name) for a, b in pairs}
            for reason, pairs in found.items()
        }

    assert named(everything) == {
        "phone": {("Customer 0", "Customer 1"), ("Customer 3", "Customer 7")},
        "email": {("Customer 0", "Customer 2")},
        "domain": {("Customer 3", "Customer 4")},
    }
    assert looked_up == everything
    assert named(one) == {"phone": set(), "email": set(), "domain": {("Customer 3", "Customer 4")}}


def test_the_same_name_in_another_city_with_its_own_number_and_shop_is_not_flagged(team_a):
    jakarta = make_customer(team=team_a, name="Kayu Asri Store", city="Jakarta Selatan")
    pontianak = make_customer(team=team_a, name="Kayu Asri Official", city="Pontianak")
    make_contact(jakarta, phone="+6281234567890", email="ayu@kayuasri.id")
    make_contact(pontianak, phone="+6285600001111", email="budi@asrikayu.co.id")
    make_store(jakarta, domain="kayuasri.id")
    make_store(pontianak, domain="asrikayu.co.id")
    second_pontianak = make_customer(team=team_a, name="Kayu Asri Shop", city="Pontianak")

    assert flag_duplicates() == 1
    # The Pontianak pair shares its city and has nothing that says otherwise.
    assert _pairs() == {("Kayu Asri Official", "Kayu Asri Shop", "name", 74)}
    assert DuplicateCandidate.objects.get().customer_b == second_pontianak


def test_the_score_rises_with_what_the_two_records_agree_on(team_a):
    def profile(name, city="Bandung", phones=(), emails=(), domains=()):
        return duplicates.Profile(
            name=name, city=city.lower(), phones=set(phones), emails=set(emails),
            domains=set(domains),
        )  # fmt: skip

    batik = profile("Batik Lestari", phones={"+6281234567890"}, domains={"batiklestari.id"})
    same_everything = profile(
        "Batik Lestari Official", phones={"+6281234567890"}, domains={"batiklestari.id"}
    )
    same_city_only = profile("Batik Lestari Official")
    other_number = profile("Batik Lestari Official", phones={"+6285600001111"})
    other_city = profile("Batik Lestari Official", city="Medan")
    stranger_same_number = profile("Kopi Senja", city="Medan", phones={"+6281234567890"})

    scores = [
        duplicates.score(batik, other)
        for other in (same_everything, same_city_only, other_number, other_city)
    ]

    assert scores == sorted(scores, reverse=True)
    assert scores[0] == 100
    assert len(set(scores)) == 4  # each difference shows in the score
    assert scores[-1] < duplicates.FLAG_AT
    assert duplicates.score(batik, stranger_same_number) < scores[1]
    assert duplicates.name_similarity("Kayu Asri Store", "Kayu Asri Store") == 100
    assert 90 <= duplicates.name_similarity("Kayu Asri Store", "Kayu Asri Official") < 100
