import re

import pytest
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone

from setia.accounts.models import Role
from setia.customers.models import Category, Customer, CustomerQuerySet
from setia.test import make_contact, make_customer, make_customers, make_store, make_user

URL = reverse("customers:customer-list")


def _names(response) -> list[str]:
    return [customer.name for customer in response.context["page"].object_list]


def _result_count(response) -> str:
    match = re.search(r'<p class="result-count" id="result-count">(.*?)</p>', response.text, re.S)
    assert match, "the result count is missing"
    return " ".join(match.group(1).split())


@pytest.fixture
def english_manager(db):
    return make_user(Role.MANAGER, language="en")


# Access


def test_it_redirects_anonymous_visitors_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={URL}"


def test_it_refuses_post(client, manager):
    client.force_login(manager)

    response = client.post(URL)

    assert response.status_code == 405


def test_it_shows_every_team_to_a_manager(client, manager, team_a, team_b):
    make_customer(team=team_a, name="Alpha")
    make_customer(team=team_b, name="Beta")
    make_customer(team=None, name="Gamma")
    client.force_login(manager)

    response = client.get(URL)

    assert response.status_code == 200
    assert _names(response) == ["Alpha", "Beta", "Gamma"]


def test_it_shows_an_executive_their_team_and_what_they_own(client, executive, team_a, team_b):
    make_customer(team=team_a, name="Alpha")
    make_customer(team=team_b, name="Beta")
    make_customer(team=team_b, owner=executive, name="Beta owned")
    make_customer(team=None, name="Gamma")
    client.force_login(executive)

    response = client.get(URL)

    assert _names(response) == ["Alpha", "Beta owned"]


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_it_shows_interns_and_viewers_their_team_only(client, request, persona, team_a, team_b):
    make_customer(team=team_a, name="Alpha")
    make_customer(team=team_b, name="Beta")
    make_customer(team=None, name="Gamma")
    client.force_login(request.getfixturevalue(persona))

    response = client.get(URL)

    assert response.status_code == 200
    assert _names(response) == ["Alpha"]


def test_it_shows_the_other_team_only_its_own_customers(client, other_executive, team_a, team_b):
    make_customer(team=team_a, name="Alpha")
    make_customer(team=team_b, name="Beta")
    client.force_login(other_executive)

    response = client.get(URL)

    assert _names(response) == ["Beta"]


def test_it_hides_soft_deleted_customers(client, manager, team_a):
    make_customer(team=team_a, name="Alpha")
    make_customer(team=team_a, name="Zombie", deleted_at=timezone.now())
    client.force_login(manager)

    response = client.get(URL)

    assert _names(response) == ["Alpha"]
    assert "Zombie" not in response.text
    assert response.context["page"].paginator.count == 1


def test_it_links_each_row_to_its_360_page(client, manager, customer):
    client.force_login(manager)

    response = client.get(URL)

    assert f'href="{customer.get_absolute_url()}"' in response.text


def test_it_shows_the_primary_contact_with_a_readable_phone(client, manager, customer):
    make_contact(customer, name="Sari Wijaya", phone="+6281234567890", is_primary=True)
    make_contact(customer, name="Not Primary", phone="+6285700001111")
    client.force_login(manager)

    response = client.get(URL)

    assert "Sari Wijaya" in response.text
    assert "0812-3456-7890" in response.text
    assert "Not Primary" not in response.text


# Search


@pytest.fixture
def searchable(team_a):
    """Three customers whose contacts and stores have distinct names, phones, e-mails, domains."""
    batik = make_customer(team=team_a, name="Batik Lestari")
    make_contact(batik, name="Ayu Lestari", phone="+6281234567890", email="ayu@batik.test")
    make_store(batik, domain="batiklestari.co.id")
    kopi = make_customer(team=team_a, name="Kopi Senja")
    make_contact(kopi, name="Budi Santoso", phone="+6285712345678", email="budi@kopi.test")
    make_store(kopi, domain="kopisenja.com")
    rumah = make_customer(team=team_a, name="Rumah Jati")
    make_contact(
        rumah,
        name="Citra Dewi",
        phone="+62215551234",
        whatsapp="+6281298765432",
        email="citra@rumah.test",
    )
    return batik, kopi, rumah


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("batik", ["Batik Lestari"]),
        ("  KOPI   senja ", ["Kopi Senja"]),
        ("Lestari", ["Batik Lestari"]),  # the customer and its contact both match: listed once
        ("budi", ["Kopi Senja"]),  # contact name
        ("citra dewi", ["Rumah Jati"]),
        ("AYU@BATIK.TEST", ["Batik Lestari"]),  # e-mail, case-insensitive
        ("kopisenja", ["Kopi Senja"]),  # store domain
        ("BatikLestari.co.id", ["Batik Lestari"]),
        ("nothing like this", []),
    ],
)
def test_it_searches_names_contacts_emails_and_domains(client, manager, searchable, text, expected):
    client.force_login(manager)

    response = client.get(URL, {"q": text})

    assert response.status_code == 200
    assert _names(response) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0812-3456-7890", ["Batik Lestari"]),
        ("0812 3456", ["Batik Lestari"]),
        ("+62 812 3456 7890", ["Batik Lestari"]),
        ("+62 812", ["Batik Lestari", "Rumah Jati"]),  # Rumah Jati's WhatsApp is 0812…
        ("62812", ["Batik Lestari", "Rumah Jati"]),
        ("0812", ["Batik Lestari", "Rumah Jati"]),
        ("8571234", ["Kopi Senja"]),  # the leading 0 dropped by a spreadsheet
        ("0857-1234-5678", ["Kopi Senja"]),
        ("6285712345678", ["Kopi Senja"]),
        ("(021) 555", ["Rumah Jati"]),  # a landline
        ("0819", []),
    ],
)
def test_it_finds_a_phone_number_in_any_format(client, manager, searchable, text, expected):
    client.force_login(manager)

    response = client.get(URL, {"q": text})

    assert _names(response) == expected


@pytest.fixture
def budis(team_a, team_b):
    """Five customers each with a contact named Budi (phone, WhatsApp, e-mail and store domain
    each their own), sort keys that disagree with each other, one soft-deleted and one of
    another team with a Budi too."""
    rows = [
        ("Eka Toko", "Bandung", Customer.Status.ACTIVE, 5, 2, 90, "+6281211110001"),
        ("Alpha Batik", "Medan", Customer.Status.PAUSED, 3, 5, 10, "+6281211110002"),
        ("Citra Jaya", "Bandung", Customer.Status.AT_RISK, None, None, None, "+6281311110003"),
        ("Beta Kopi", "Surabaya", Customer.Status.ACTIVE, 1, 9, 55, "+6281211110004"),
        ("Delta Sinar", "Aceh", Customer.Status.ONBOARDING, 3, 1, 70, "+6285711110005"),
    ]
    start = timezone.now()
    for number, (name, city, status, rank, gmv, health, phone) in enumerate(rows, start=1):
        customer = make_customer(
            team=team_a,
            name=name,
            city=city,
            status=status,
            tier_rank=rank,
            gmv_90d=gmv,
            health_score=health,
        )
        # Created and changed in an order of their own, whatever the clock's resolution.
        Customer.objects.filter(pk=customer.pk).update(
            created_at=start - timezone.timedelta(days=(number * 3) % 5),
            updated_at=start - timezone.timedelta(hours=(number * 2) % 5),
        )
        make_contact(
            customer,
            name=f"Budi {name.split()[0]}",
            phone=phone,
            whatsapp=f"+6281299990{number:03d}",
            email=f"budi{number}@toko.test",
        )
        make_store(customer, domain=f"budi{number}.toko.id")
    make_contact(make_customer(team=team_a, name="Zombie", deleted_at=start), name="Budi Zombie")
    make_contact(make_customer(team=team_b, name="Other Team"), name="Budi Other")


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("budi", 5),  # contact names
        ("BUDI AL", 1),  # one contact name
        ("toko.id", 5),  # store domains
        ("budi3.toko", 1),
        ("budi4@toko.test", 1),  # an e-mail
        ("0812", 5),  # phones and WhatsApp numbers, in every form
        ("0812-1111", 3),
        ("+62 812 1111 0002", 1),
        ("62812", 5),
        ("81299990", 5),  # the leading 0 dropped by a spreadsheet
        ("(0812) 9999", 5),
        ("Batik", 1),  # a customer's name
    ],
)
def test_each_sort_and_page_of_a_search_holds_the_rows_of_the_listing(
    client, executive, budis, text, matches, settings
):
    settings.PAGE_SIZE = 2
    client.force_login(executive)
    for sort in CustomerQuerySet.LIST_SORTS:
        params = {"q": text, "sort": sort}
        # What exports and bulk sends hold for the same query string: the whole list, in order.
        listing = [
            customer.name
            for customer in Customer.objects.visible_to(executive).alive().listed(params)
        ]
        assert len(listing) == matches

        for page in (1, 3):
            response = client.get(URL, {**params, "page": page})

            # Django's own paginator over the whole list (a page past the end is the last).
            expected = Paginator(listing, 2).get_page(page).object_list
            assert _names(response) == expected, (text, sort, page)


def test_a_search_lists_its_matches_in_each_sorts_order(client, executive, budis):
    client.force_login(executive)
    expected = {
        "name": ["Alpha Batik", "Beta Kopi", "Citra Jaya", "Delta Sinar", "Eka Toko"],
        "-name": ["Eka Toko", "Delta Sinar", "Citra Jaya", "Beta Kopi", "Alpha Batik"],
        "city": ["Delta Sinar", "Citra Jaya", "Eka Toko", "Alpha Batik", "Beta Kopi"],
        "status": ["Beta Kopi", "Eka Toko", "Citra Jaya", "Delta Sinar", "Alpha Batik"],
        "tier": ["Beta Kopi", "Alpha Batik", "Delta Sinar", "Eka Toko", "Citra Jaya"],
        "-gmv": ["Beta Kopi", "Alpha Batik", "Eka Toko", "Delta Sinar", "Citra Jaya"],
        "health": ["Alpha Batik", "Beta Kopi", "Delta Sinar", "Eka Toko", "Citra Jaya"],
        "-health": ["Eka Toko", "Delta Sinar", "Beta Kopi", "Alpha Batik", "Citra Jaya"],
        "-created": ["Delta Sinar", "Alpha Batik", "Beta Kopi", "Eka Toko", "Citra Jaya"],
        "-updated": ["Delta Sinar", "Citra Jaya", "Eka Toko", "Beta Kopi", "Alpha Batik"],
    }
    assert set(expected) == set(CustomerQuerySet.LIST_SORTS)

    for sort, names in expected.items():
        response = client.get(URL, {"q": "budi", "sort": sort})

        assert _names(response) == names, sort
        assert response.context["page"].paginator.count == 5


def test_it_does_not_read_a_name_with_digits_as_a_phone_number(client, manager, team_a):
    toko = make_customer(team=team_a, name="Toko 8123")
    make_contact(make_customer(team=team_a, name="Other"), phone="+6281230000000")
    client.force_login(manager)

    response = client.get(URL, {"q": "Toko 8123"})

    assert _names(response) == [toko.name]


def test_it_searches_only_within_what_the_user_may_see(client, executive, team_a, team_b):
    make_customer(team=team_a, name="Batik Barat")
    make_customer(team=team_b, name="Batik Timur")
    client.force_login(executive)

    response = client.get(URL, {"q": "batik"})

    assert _names(response) == ["Batik Barat"]


# Filters


def test_it_filters_by_category_slug(client, manager, team_a):
    beauty = Category.objects.get(slug="beauty")
    make_customer(team=team_a, name="Glow Alami", category=beauty)
    make_customer(team=team_a, name="Batik Lestari", category=Category.objects.get(slug="fashion"))
    client.force_login(manager)

    response = client.get(URL, {"category": "beauty"})

    assert _names(response) == ["Glow Alami"]


def test_it_filters_by_city_whatever_the_case_and_spacing(client, manager, team_a):
    make_customer(team=team_a, name="Selatan", city="Jakarta Selatan")
    make_customer(team=team_a, name="Barat", city="Jakarta Barat")
    make_customer(team=team_a, name="Bandung", city="Bandung")
    client.force_login(manager)

    response = client.get(URL, {"city": "  jakarta   SELATAN "})

    assert _names(response) == ["Selatan"]


def test_it_filters_by_owner(client, manager, executive, team_a):
    colleague = make_user(Role.EXECUTIVE, team=team_a)
    make_customer(team=team_a, owner=executive, name="Mine")
    make_customer(team=team_a, owner=colleague, name="Theirs")
    make_customer(team=team_a, owner=None, name="Nobody's")
    client.force_login(manager)

    response = client.get(URL, {"owner": executive.pk})

    assert _names(response) == ["Mine"]


def test_it_filters_by_team(client, manager, team_a, team_b):
    make_customer(team=team_a, name="Alpha")
    make_customer(team=team_b, name="Beta")
    client.force_login(manager)

    response = client.get(URL, {"team": team_b.pk})

    assert _names(response) == ["Beta"]


def test_it_filters_by_status(client, manager, team_a):
    make_customer(team=team_a, name="Active", status=Customer.Status.ACTIVE)
    make_customer(team=team_a, name="Risky", status=Customer.Status.AT_RISK)
    make_customer(team=team_a, name="Gone", status=Customer.Status.CHURNED)
    client.force_login(manager)

    response = client.get(URL, {"status": "at_risk"})

    assert _names(response) == ["Risky"]


def test_it_combines_search_and_filters(client, manager, team_a, team_b):
    make_customer(team=team_a, name="Batik A", status=Customer.Status.ACTIVE)
    make_customer(team=team_a, name="Batik B", status=Customer.Status.PAUSED)
    make_customer(team=team_b, name="Batik C", status=Customer.Status.ACTIVE)
    make_customer(team=team_a, name="Kopi", status=Customer.Status.ACTIVE)
    client.force_login(manager)

    response = client.get(URL, {"q": "batik", "status": "active", "team": team_a.pk})

    assert _names(response) == ["Batik A"]


@pytest.mark.parametrize(
    "query",
    [{"category": "no-such-category"}, {"status": "sleeping"}, {"owner": "abc"}, {"sort": "pk"}],
)
def test_it_ignores_an_invalid_filter_and_shows_the_error(client, manager, team_a, query):
    make_customer(team=team_a, name="Alpha")
    make_customer(team=team_a, name="Beta")
    client.force_login(manager)

    response = client.get(URL, query)

    assert response.status_code == 400
    assert _names(response) == ["Alpha", "Beta"]
    assert list(response.context["filters"].errors) == list(query)
    assert 'class="error"' in response.text


def test_it_keeps_the_valid_filters_when_another_is_invalid(client, manager, team_a):
    make_customer(team=team_a, name="Active", status=Customer.Status.ACTIVE)
    make_customer(team=team_a, name="Paused", status=Customer.Status.PAUSED)
    client.force_login(manager)

    response = client.get(URL, {"status": "active", "category": "no-such-category"})

    assert _names(response) == ["Active"]


# Sort


@pytest.fixture
def sortable(team_a):
    made = [
        make_customer(team=team_a, name="Citra", city="Bandung", status=Customer.Status.PAUSED),
        make_customer(team=team_a, name="Ayu", city="Surabaya", status=Customer.Status.ACTIVE),
        make_customer(team=team_a, name="Budi", city="Medan", status=Customer.Status.AT_RISK),
    ]
    # Budi was changed last, whatever the clock resolution.
    Customer.objects.filter(pk=made[2].pk).update(
        updated_at=timezone.now() + timezone.timedelta(minutes=5)
    )
    return made


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Ayu", "Budi", "Citra"]),
        ("name", ["Ayu", "Budi", "Citra"]),
        ("-name", ["Citra", "Budi", "Ayu"]),
        ("city", ["Citra", "Budi", "Ayu"]),  # Bandung, Medan, Surabaya
        ("status", ["Ayu", "Budi", "Citra"]),  # active, at_risk, paused
        ("-created", ["Budi", "Ayu", "Citra"]),
        ("-updated", ["Budi", "Ayu", "Citra"]),
    ],
)
def test_it_sorts(client, manager, sortable, sort, expected):
    client.force_login(manager)

    response = client.get(URL, {"sort": sort})

    assert _names(response) == expected


# Pagination and the result count


def test_it_paginates_with_the_page_size_setting(client, manager, team_a, settings):
    settings.PAGE_SIZE = 2
    for name in ["A", "B", "C", "D", "E"]:
        make_customer(team=team_a, name=name)
    client.force_login(manager)

    first = client.get(URL)
    last = client.get(URL, {"page": 3})
    beyond = client.get(URL, {"page": 99})
    garbage = client.get(URL, {"page": "x"})

    assert _names(first) == ["A", "B"]
    assert _names(last) == ["E"]
    assert _names(beyond) == ["E"]
    assert _names(garbage) == ["A", "B"]
    assert first.context["page"].paginator.num_pages == 3
    assert 'href="?page=2"' in first.text
    assert 'rel="prev"' not in first.text
    assert 'href="?page=2"' in last.text
    assert 'rel="next"' not in last.text


def test_it_keeps_search_filters_and_sort_in_pagination_links(client, manager, team_a, settings):
    settings.PAGE_SIZE = 2
    for name in ["Batik 1", "Batik 2", "Batik 3", "Batik 4", "Batik 5"]:
        make_customer(team=team_a, name=name, status=Customer.Status.ACTIVE)
    client.force_login(manager)

    response = client.get(URL, {"q": "batik", "status": "active", "sort": "-name", "page": 2})

    assert _names(response) == ["Batik 3", "Batik 2"]
    assert 'href="?q=batik&amp;status=active&amp;sort=-name&amp;page=1" rel="prev"' in response.text
    assert 'href="?q=batik&amp;status=active&amp;sort=-name&amp;page=3" rel="next"' in response.text


def test_it_hides_pagination_on_a_single_page(client, manager, customer):
    client.force_login(manager)

    response = client.get(URL)

    assert 'class="pagination"' not in response.text


@pytest.mark.parametrize(
    ("count", "text"), [(0, "0 customers"), (1, "1 customer"), (3, "3 customers")]
)
def test_it_counts_the_results(client, english_manager, team_a, count, text):
    for _number in range(count):
        make_customer(team=team_a)
    client.force_login(english_manager)

    response = client.get(URL)

    assert _result_count(response) == text


def test_it_counts_every_match_not_just_the_page(client, english_manager, team_a, settings):
    settings.PAGE_SIZE = 5
    for number in range(1, 8):
        make_customer(team=team_a, name=f"Batik {number}")
    make_customer(team=team_a, name="Kopi")
    client.force_login(english_manager)

    response = client.get(URL, {"q": "batik"})

    assert len(_names(response)) == 5
    assert _result_count(response) == "7 customers"


def test_it_explains_an_empty_result_with_a_way_back(client, manager, customer):
    client.force_login(manager)

    response = client.get(URL, {"q": "nothing like this"})

    assert _names(response) == []
    assert f'<a href="{URL}">' in response.text


# Performance

# Session, user, permissions, the filters' choices, the count, the page, its primary contacts
LIST_QUERIES = 9


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "city"},
        {"sort": "-gmv"},
        {"sort": "tier", "page": "2"},
        {"sort": "-health"},
        {"status": "onboarding", "sort": "health"},
        {"q": "0812", "category": "fashion", "status": "onboarding"},
        {"q": "Kontak", "status": "onboarding", "sort": "-created"},
    ],
)
def test_it_reads_the_same_queries_at_ten_and_at_a_thousand_customers(
    client, manager, team_a, executive, params, django_assert_num_queries
):
    client.force_login(manager)
    make_customers(10, team=team_a, owner=executive)
    client.get(URL, params)  # the first request of a session reads what later ones reuse

    with django_assert_num_queries(LIST_QUERIES):
        small = client.get(URL, params)
    make_customers(990, team=team_a, owner=executive)
    with django_assert_num_queries(LIST_QUERIES):
        large = client.get(URL, params)

    assert small.status_code == large.status_code == 200
    assert len(large.context["page"].object_list) <= 50
    assert large.context["page"].paginator.count >= small.context["page"].paginator.count


def test_a_thousand_matches_show_fifty_rows_and_count_them_all(client, manager, team_a):
    client.force_login(manager)
    make_customers(1000, team=team_a)

    response = client.get(URL, {"q": "0812"})

    assert response.context["page"].paginator.count == 1000
    assert len(response.context["page"].object_list) == 50
    assert response.text.count('class="row-log nowrap"') == 50


def test_a_search_shorter_than_three_characters_says_so(client, manager):
    make_customer(name="Ab Jaya")
    client.force_login(manager)

    short = client.get(URL, {"q": " ab "})
    enough = client.get(URL, {"q": "b J"})

    assert short.status_code == 400
    assert "Ketik minimal 3 karakter untuk mencari." in short.text
    assert _names(short) == []
    assert _names(enough) == ["Ab Jaya"]
