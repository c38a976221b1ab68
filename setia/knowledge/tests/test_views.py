from urllib.parse import quote

import pytest
from django.urls import reverse

from setia.engagement.models import Message
from setia.history.actions import record_event
from setia.knowledge.models import Article, Synonym
from setia.knowledge.tests.factories import make_article
from setia.test import make_contact

LIST = reverse("knowledge:article-list")
CREATE = reverse("knowledge:article-create")
SUGGEST = reverse("knowledge:suggest")
SYNONYMS = reverse("knowledge:synonym-list")

FORM = {
    "key": "cod",
    "area": "shipping",
    "question_id": "Bisa bayar di tempat?",
    "question_en": "Cash on delivery?",
    "variants": "cod bisa ga",
    "answer_id": "Bisa, aktifkan COD di Pengaturan.",
    "answer_en": "Yes, turn on COD in Settings.",
    "tags": "cod, pembayaran",
    "audience": "shareable",
    "owner": "",
    "review_on": "",
}


def _url(name, article):
    return reverse(f"knowledge:{name}", args=[article.code])


@pytest.mark.parametrize("persona", ["manager", "executive", "intern", "viewer"])
def test_everyone_reads_the_answers_and_gets_suggestions(client, manager, request, persona):
    article = make_article(actor=manager)
    client.force_login(request.getfixturevalue(persona))

    listing = client.get(LIST)
    detail = client.get(_url("article-detail", article))
    suggest = client.get(SUGGEST, {"q": "gmn ganti domain toko kak"})

    assert (listing.status_code, detail.status_code, suggest.status_code) == (200, 200, 200)
    assert article.question_id in listing.text
    assert "Open Settings &gt; Domain" in detail.text
    assert article.answer_id.replace(">", "&gt;") in suggest.text


def test_anonymous_visitors_go_to_the_login_page(client, db):
    for url in (LIST, CREATE, SUGGEST, SYNONYMS):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_the_list_filters_and_pages_in_a_fixed_number_of_queries(
    client, manager, django_assert_num_queries, settings
):
    settings.PAGE_SIZE = 5
    for number in range(7):
        make_article(
            actor=manager, key=f"answer-{number}", area="payment" if number % 2 else "domain"
        )
    client.force_login(manager)

    # session, user, permissions, count, page
    with django_assert_num_queries(5):
        response = client.get(LIST, {"area": "domain", "state": "approved", "sort": "used"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 4
    assert len(client.get(LIST, {"page": "2"}).context["page"].object_list) == 2


def test_an_executive_writes_a_draft_and_only_a_manager_approves_it(client, executive, manager):
    client.force_login(executive)
    response = client.post(CREATE, FORM)
    article = Article.objects.get()
    assert response.status_code == 302 and article.state == "draft" and article.version == 1

    assert client.post(_url("article-approve", article)).status_code == 403
    assert Article.objects.get().state == "draft"

    client.force_login(manager)
    assert client.post(_url("article-approve", article)).status_code == 302
    assert Article.objects.get().state == "approved"


def test_an_invalid_answer_is_shown_again_with_its_errors(client, executive):
    client.force_login(executive)
    response = client.post(CREATE, {**FORM, "key": "not a key", "answer_id": ""})

    assert response.status_code == 400
    assert not Article.objects.exists()
    assert "not a key" in response.text


def test_interns_and_viewers_cannot_write(client, intern, viewer, manager):
    article = make_article(actor=manager)
    for persona in (intern, viewer):
        client.force_login(persona)
        assert client.post(CREATE, FORM).status_code == 403
        assert client.post(_url("article-edit", article), FORM).status_code == 403
        assert client.post(_url("article-reviewed", article)).status_code == 403
    assert Article.objects.get().key == "change-domain"


def test_editing_keeps_the_versions_and_shows_the_diff(client, manager):
    article = make_article(actor=manager)
    client.force_login(manager)
    response = client.post(
        _url("article-edit", article), {**FORM, "key": article.key, "answer_id": "Jawaban baru."}
    )
    assert response.status_code == 302

    detail = client.get(_url("article-detail", article))
    assert "+ Jawaban baru." in detail.text
    assert "Version 2" in detail.text or "Versi 2" in detail.text


def test_wrong_methods_are_refused(client, manager):
    article = make_article(actor=manager)
    client.force_login(manager)

    assert client.post(LIST).status_code == 405
    assert client.get(_url("article-approve", article)).status_code == 405
    assert client.get(_url("article-used", article)).status_code == 405


def test_a_copy_or_insert_counts_a_use(client, intern, manager):
    article = make_article(actor=manager)
    client.force_login(intern)

    assert client.post(_url("article-used", article)).status_code == 204
    assert Article.objects.get().use_count == 1


def test_the_compose_box_gets_only_the_suggestions_and_says_when_nothing_fits(
    client, intern, manager
):
    make_article(actor=manager)
    client.force_login(intern)

    found = client.get(
        SUGGEST,
        {"q": "domain toko mau diganti", "insert": "#id_text"},
        headers={"HX-Request": "true"},
    )
    nothing = client.get(SUGGEST, {"q": "resep nasi goreng"}, headers={"HX-Request": "true"})

    assert "<html" not in found.text and 'data-into="#id_text"' in found.text
    assert "“domain”" in found.text  # why it matched
    assert 'id="no-suggestion"' in nothing.text


def test_managers_edit_synonyms_and_others_only_read_them(client, manager, executive):
    client.force_login(executive)
    assert client.get(SYNONYMS).status_code == 200
    assert client.post(SYNONYMS, {"term": "toko", "variants": "lapak"}).status_code == 403

    client.force_login(manager)
    response = client.post(SYNONYMS, {"term": "lapak", "variants": "warung online, lapak online"})
    assert response.status_code == 302
    assert Synonym.objects.get(term="lapak").variants == "warung online, lapak online"
    bad = client.post(SYNONYMS, {"term": "Two Words", "variants": "x"})
    assert bad.status_code == 400
    # The same term again changes its words rather than being refused as taken.
    assert client.post(SYNONYMS, {"term": "lapak", "variants": "warung"}).status_code == 302
    assert Synonym.objects.get(term="lapak").variants == "warung"
    assert client.post(SYNONYMS, {"term": "la\x00pak", "variants": "x"}).status_code == 400


def test_whatsapp_opens_with_the_typed_answer_and_records_it(client, executive, customer):
    contact = make_contact(customer, name="Budi", phone="+6281298765432", is_primary=True)
    client.force_login(executive)
    compose = client.get(reverse("engagement:message-compose", args=[customer.code]))
    assert 'id="customer-question"' in compose.text

    response = client.post(
        reverse("engagement:whatsapp-open", args=[customer.code]),
        {"template": "", "contact": contact.pk, "promo": "", "text": "Bisa, aktifkan COD."},
    )

    assert response.status_code == 302
    assert response["Location"].startswith("https://wa.me/6281298765432?text=Bisa")
    assert Message.objects.get().body == "Bisa, aktifkan COD."


def test_an_inbound_whatsapp_message_offers_suggestions(client, executive, customer):
    record_event(
        customer,
        "whatsapp",
        summary="gmn cara ganti domain toko kak?",
        data={"contact": "Budi", "direction": "inbound"},
    )
    client.force_login(executive)

    timeline = client.get(reverse("engagement:timeline", args=[customer.code]))

    assert "question=" + quote("gmn cara ganti domain toko kak?") in timeline.text
