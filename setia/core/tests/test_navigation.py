"""The main menu: grouped in sections, each page marking its own section and entry."""

import re

import pytest
from django.urls import reverse

from setia.core.navigation import SECTIONS, section_of
from setia.test import make_customer

pytestmark = pytest.mark.django_db


def _current(html: str) -> tuple[str | None, list[str]]:
    """The section marked current in the menu, and the entries marked as the current page."""
    menu = html[html.index('<nav class="mainnav"') : html.index("</nav>")]
    section = re.search(
        r'data-section="(\w+)">\s*(?:<details[^>]*>\s*<summary|<a)[^>]*is-current', menu
    )
    pages = re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]+)</a>', menu)
    return (section.group(1) if section else None), pages


@pytest.mark.parametrize(
    ("url_name", "section", "entry"),
    [
        ("customers:customer-list", "customers", "Customers"),
        ("segments:segment-list", "customers", "Segments"),
        ("quality:duplicate-list", "customers", "Data quality"),
        ("imports:import-upload", "customers", None),
        ("work:my-day", "work", "My day"),
        ("work:team-board", "work", "Team board"),
        ("work:call-today", "work", "Call today"),
        ("work:onboarding-board", "work", "Onboarding"),
        ("work:onboarding-list", "work", "Onboarding"),
        ("engagement:bulk-send", "messages", "Send to a list"),
        ("engagement:template-list", "messages", "Message templates"),
        ("engagement:offer-report", "reports", "Retention offers"),
        ("tiers:tier-report", "reports", "Tier movements"),
        ("work:intake-report", "reports", "Intake report"),
        ("library:guide-list", "library", "Sales library"),
        ("work:thresholds", "admin", "Triggers"),
        ("tiers:tier-list", "admin", "Tiers"),
        ("jobs:job-list", "admin", "Background jobs"),
    ],
)
def test_it_marks_the_section_and_entry_of_each_page(
    client, team_a, manager, url_name, section, entry
):
    manager.language = "en"
    manager.save(update_fields=["language"])
    client.force_login(manager)

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert _current(response.text) == (section, [entry] if entry else [])


def test_it_marks_the_customers_section_on_a_customer_and_its_timeline(client, manager, team_a):
    customer = make_customer(team=team_a)
    client.force_login(manager)

    for url in (
        reverse("customers:customer-detail", args=[customer.code]),
        reverse("engagement:timeline", args=[customer.code]),
    ):
        response = client.get(url)

        assert response.status_code == 200
        assert _current(response.text) == ("customers", [])


def test_it_names_each_entry_as_the_title_of_the_page_it_opens(client, team_a, admin_user):
    client.force_login(admin_user)
    admin_user.language = "id"
    admin_user.save(update_fields=["language"])
    response = client.get(reverse("customers:customer-list"))
    menu = response.text[
        response.text.index('<nav class="mainnav"') : response.text.index("</nav>")
    ]
    links = re.findall(r'<a (?:class="[^"]*" )?href="([^"]+)"[^>]*>([^<]+)</a>', menu)

    for href, label in links:
        if href.startswith("/admin/"):
            continue
        page = client.get(href)
        title = re.search(r"<title>(.*?) · Setia</title>", page.text, re.S).group(1).strip()
        assert title == label, href
    assert len(links) == sum(len(section.entries) for section in SECTIONS)


def test_it_shows_an_intern_only_the_sections_they_may_open(client, intern):
    intern.language = "en"
    intern.save(update_fields=["language"])
    client.force_login(intern)

    response = client.get(reverse("work:my-day"))

    menu = response.text[
        response.text.index('<nav class="mainnav"') : response.text.index("</nav>")
    ]
    assert "Team board" not in menu
    assert "Triggers" not in menu
    assert 'href="/admin/"' not in menu
    assert _current(response.text) == ("work", ["My day"])


def test_it_gives_every_route_of_the_site_a_section():
    assert section_of("customers:interaction-log") == "customers"
    assert section_of("tiers:rule-add") == "admin"
    assert section_of("accounts:password-change") is None
