"""Ranking behaviour a person answering customers would notice. The same tests run on SQLite
(FTS5) and PostgreSQL (full-text and trigram): `DATABASE_URL=postgres://… pytest`."""

import pytest

from setia.knowledge import actions, search, text
from setia.knowledge.models import Article, Synonym, Term
from setia.knowledge.tests.factories import make_article


def _keys(message):
    return [suggestion.article.key for suggestion in search.suggest(message)]


@pytest.fixture
def answers(manager):
    make_article(actor=manager)
    make_article(
        actor=manager,
        key="cod",
        area="shipping",
        question_id="Apakah pembeli bisa bayar di tempat (COD)?",
        question_en="Can buyers pay cash on delivery?",
        answer_id="Aktifkan COD di Pengaturan > Pembayaran.",
        answer_en="Turn on COD under Settings > Payments.",
    )
    make_article(
        actor=manager,
        key="shipping-cost",
        area="shipping",
        question_id="Bagaimana mengatur ongkos kirim otomatis?",
        question_en="How do I set up automatic shipping costs?",
        answer_id="Aktifkan kurir di Pengaturan > Pengiriman.",
        answer_en="Turn on couriers under Settings > Shipping.",
    )
    make_article(
        actor=manager,
        key="reset-password",
        area="account",
        question_id="Lupa kata sandi, bagaimana cara masuk?",
        question_en="I forgot my password",
        answer_id="Klik Lupa Password di halaman login.",
        answer_en="Click Forgot Password on the login page.",
    )


def test_informal_spelling_and_affixes_find_the_answer(answers):
    assert _keys("gmn cara gnti domain toko kak?")[0] == "change-domain"
    assert _keys("mengganti domainnya gimana ya")[0] == "change-domain"


def test_synonyms_meet_in_both_directions(answers):
    assert _keys("bayar di tempat bisa ga?")[0] == "cod"
    assert _keys("ongkir otomatis gmn")[0] == "shipping-cost"
    assert _keys("lupa pw gmn min")[0] == "reset-password"


def test_a_spelling_mistake_is_corrected_and_said_so(answers):
    [first, *_rest] = search.suggest("domian sy mau diganti")

    assert first.article.key == "change-domain"
    assert ("domain", "domian", "spelling") in [
        (reason.term, reason.words, reason.kind) for reason in first.reasons
    ]


def test_a_real_word_is_not_corrected_into_another(answers):
    # "resep" (recipe) is an Indonesian word, one edit from "reset": not a typo.
    assert _keys("resep nasi goreng enak") == []


def test_a_message_nothing_covers_gets_no_suggestion(answers):
    assert _keys("cuaca di bandung hari ini gimana") == []
    assert _keys("halo kak, makasih ya") == []


def test_a_long_message_with_greetings_and_context_still_finds_the_answer(answers):
    message = (
        "Assalamualaikum kak, sy jualan hijab di instagram udh 2 thn, baru bikin web minggu lalu. "
        "mau nanya gmn cara ganti domain toko ya? makasih banyak"
    )
    assert _keys(message)[0] == "change-domain"


def test_only_approved_answers_are_suggested(manager):
    draft = make_article(actor=manager, approve=False)
    assert _keys("ganti domain toko") == []

    actions.approve_article(article=draft, actor=manager)
    assert _keys("ganti domain toko") == ["change-domain"]

    # An edit makes it a draft again until a manager approves the new text.
    actions.save_article(
        article=draft, actor=manager, data={"answer_id": "Buka menu Domain, klik Ganti."}
    )
    assert Article.objects.get().state == "draft"
    assert _keys("ganti domain toko") == []


def test_the_vocabulary_counts_approved_answers_only(manager):
    draft = make_article(actor=manager, approve=False)
    assert not Term.objects.filter(term="domain", documents__gt=0).exists()

    actions.approve_article(article=draft, actor=manager)
    assert Term.objects.get(term="domain").documents == 1
    assert Term.objects.get(term=search.DOCUMENTS).documents == 1

    actions.save_article(article=draft, actor=manager, data={"question_id": "Ganti alamat"})
    assert Term.objects.get(term="domain").documents == 0
    assert Term.objects.get(term=search.DOCUMENTS).documents == 0


def test_a_new_synonym_reindexes_the_answers(answers, manager):
    assert _keys("gimana ubah url toko") == []

    synonym = Synonym.objects.get(term="domain")
    actions.save_synonym(
        synonym=synonym,
        actor=manager,
        data={"variants": synonym.variants + ", url, alamat url"},
    )

    assert _keys("gimana ubah url toko")[0] == "change-domain"


def test_three_at_most_best_first(demo_answers):
    suggestions = search.suggest("ongkir cod kurir resi pengiriman")

    assert len(suggestions) == 3
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)


def test_the_stemmer_is_built_once():
    assert text.stemmer() is text.stemmer()
    assert text.stem("pembayaran") == "bayar"
