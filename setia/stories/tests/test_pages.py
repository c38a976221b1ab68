import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from setia.history.models import TimelineEvent
from setia.stories import actions
from setia.stories.models import Question, Questionnaire, Story
from setia.stories.states import State
from setia.stories.tests.factories import answer_all, make_story
from setia.test import make_customer

BOARD = reverse("stories:story-board")


def _url(name, story):
    return reverse(f"stories:{name}", args=[story.code])


@pytest.fixture
def story(customer):
    return make_story(customer, series="Newsletter")


@pytest.fixture
def theirs(team_b, other_executive):
    return make_story(make_customer(team=team_b, owner=other_executive, name="Toko B"))


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("persona", ["manager", "executive", "intern", "viewer"])
def test_every_page_opens_for_every_role_in_both_languages(
    client, request, persona, language, story
):
    user = request.getfixturevalue(persona)
    user.language = language
    user.save()
    client.force_login(user)

    for url in (
        BOARD,
        reverse("stories:story-list") + "?state=candidate",
        reverse("stories:candidate-list"),
        _url("story-detail", story),
        reverse("stories:questionnaire-list"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Language"] == language
    title = {"id": "Kisah sukses", "en": "Success stories"}[language]
    assert f"<h1>{title}</h1>" in client.get(BOARD).text


def test_the_pages_show_only_the_readers_merchants(client, executive, story, theirs):
    client.force_login(executive)

    board = client.get(BOARD)
    listed = client.get(reverse("stories:story-list"))

    assert [s["story"].pk for c in board.context["columns"] for s in c["stories"]] == [story.pk]
    assert [c["count"] for c in board.context["columns"] if c["state"] == "candidate"] == [1]
    assert [s.pk for s in listed.context["page"].object_list] == [story.pk]
    assert client.get(_url("story-detail", theirs)).status_code == 404
    assert client.get(_url("story-answers", theirs)).status_code == 404


def test_a_signed_out_visitor_is_sent_to_log_in(client, story):
    response = client.get(_url("story-detail", story))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_move_takes_post_only(client, executive, story):
    client.force_login(executive)

    assert client.get(_url("story-move", story)).status_code == 405


def test_a_viewer_cannot_move_a_story_and_nothing_changes(client, viewer, story):
    client.force_login(viewer)
    before = TimelineEvent.objects.count()

    response = client.post(_url("story-move", story), {"state": "consent_asked"})

    assert response.status_code == 403
    assert Story.objects.get().state == State.CANDIDATE
    assert TimelineEvent.objects.count() == before


def test_a_move_from_the_board_comes_back_to_the_board(client, executive, story):
    client.force_login(executive)

    response = client.post(_url("story-move", story), {"state": "consent_asked", "back": "board"})

    assert response.status_code == 302
    assert response["Location"] == f"{BOARD}#state-consent_asked"
    assert Story.objects.get().state == State.CONSENT_ASKED


def test_an_invalid_move_says_why(client, executive, story):
    client.force_login(executive)

    response = client.post(_url("story-move", story), {"state": "approved"}, follow=True)

    assert "Kisah di tahap “Kandidat” tidak bisa dipindah ke “Disetujui”." in response.text
    assert Story.objects.get().state == State.CANDIDATE


def test_a_bad_consent_form_is_a_400_and_changes_nothing(client, executive, story):
    actions.move_story(story=story, state=State.CONSENT_ASKED, actor=executive)
    client.force_login(executive)

    response = client.post(
        _url("story-consent", story), {"answer": "yes", "channel": "fax", "person": ""}
    )

    assert response.status_code == 400
    assert set(response.context["consent_form"].errors) == {"channel", "person", "answered_at"}
    assert Story.objects.get().state == State.CONSENT_ASKED


def test_consent_and_scheduling_through_the_page(client, executive, story):
    actions.move_story(story=story, state=State.CONSENT_ASKED, actor=executive)
    client.force_login(executive)

    client.post(
        _url("story-consent", story),
        {
            "answer": "yes",
            "channel": "whatsapp",
            "person": "Mega",
            "answered_at": "2026-12-01T10:00",
        },
    )
    tomorrow = timezone.localtime().replace(hour=14, minute=30, second=0, microsecond=0)
    tomorrow += datetime.timedelta(days=1)
    client.post(
        _url("story-schedule", story),
        {"interviewer": executive.pk, "interview_at": tomorrow.strftime("%Y-%m-%dT%H:%M")},
    )

    story.refresh_from_db()
    assert story.state == State.INTERVIEW_SCHEDULED
    assert story.interview_task.due_at == tomorrow
    # On the interviewer's My day, among the coming tasks.
    assert "Success story interview: Batik Lestari" in client.get(reverse("work:my-day")).text


def test_answers_and_the_article_are_edited_on_their_pages(client, executive, story):
    story.state = State.DRAFT
    story.save()
    question = story.questionnaire.questions.first()
    client.force_login(executive)

    client.post(_url("story-answers", story), {f"q{question.pk}": "Mulai dari garasi"})
    client.post(
        _url("story-article", story),
        {"title": "Dari garasi", "article_id": "Isi", "article_en": "Body"},
    )

    story.refresh_from_db()
    assert story.answers.get().text == "Mulai dari garasi"
    assert (story.title, story.article_id, story.article_en) == ("Dari garasi", "Isi", "Body")


def test_a_new_story_from_a_candidate(client, executive, customer):
    client.force_login(executive)

    form = client.get(reverse("stories:story-create") + f"?merchant={customer.code}")
    response = client.post(
        reverse("stories:story-create"),
        {
            "merchant": str(customer.code),
            "questionnaire": form.context["form"]["questionnaire"].initial,
            "series": "Newsletter",
        },
    )

    story = Story.objects.get()
    assert response["Location"] == story.get_absolute_url()
    assert (story.customer, story.state, story.series) == (customer, State.CANDIDATE, "Newsletter")


def test_another_teams_merchant_cannot_be_added(client, executive, theirs):
    client.force_login(executive)

    response = client.post(
        reverse("stories:story-create"),
        {
            "merchant": str(theirs.customer.code),
            "questionnaire": theirs.questionnaire.pk,
        },
    )

    assert response.status_code == 400
    assert Story.objects.count() == 1


def test_a_question_is_added_and_an_answered_one_kept(client, manager, story):
    questionnaire = story.questionnaire
    answer_all(story)
    questions = list(questionnaire.questions.all())
    data = {
        "name": questionnaire.name,
        "description": "",
        "questions-TOTAL_FORMS": len(questions) + 1,
        "questions-INITIAL_FORMS": len(questions),
        "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 1000,
    }
    for n, question in enumerate(questions):
        data |= {
            f"questions-{n}-id": question.pk,
            f"questions-{n}-text_id": question.text_id,
            f"questions-{n}-text_en": question.text_en,
        }
    data |= {
        f"questions-{len(questions)}-text_id": "Apa rencana berikutnya?",
        f"questions-{len(questions)}-text_en": "What is next?",
    }
    client.force_login(manager)
    url = reverse("stories:questionnaire-edit", args=[questionnaire.pk])

    added = client.post(url, data)
    refused = client.post(url, {**data, "questions-0-DELETE": "on"})

    assert added.status_code == 302
    assert list(questionnaire.questions.values_list("text_en", flat=True))[-1] == "What is next?"
    assert refused.status_code == 400
    assert Question.objects.filter(pk=questions[0].pk).exists()


def test_the_board_reads_a_fixed_number_of_queries(
    client, executive, team_a, story, django_assert_num_queries
):
    client.force_login(executive)
    client.get(BOARD)

    with django_assert_num_queries(5) as context:
        client.get(BOARD)

    for state in ["consent_asked", "draft", "approved", "published"] * 4:
        make_story(make_customer(team=team_a, owner=executive), state=state)
    with django_assert_num_queries(len(context.captured_queries)):
        response = client.get(BOARD)
    assert sum(len(column["stories"]) for column in response.context["columns"]) == 17


def test_the_story_page_reads_a_fixed_number_of_queries(
    client, manager, story, django_assert_num_queries
):
    story.state = State.APPROVED
    story.save()
    answer_all(story)
    actions.publish(
        story=story, channel="blog", published_on=datetime.date(2026, 12, 1), link="", actor=manager
    )
    client.force_login(manager)
    client.get(_url("story-detail", story))

    with django_assert_num_queries(8) as context:
        client.get(_url("story-detail", story))

    for outlet in ("Liputan6", "Antara", "JPNN"):
        actions.add_coverage(
            story=story,
            outlet=outlet,
            link="https://news.example/a",
            published_on=datetime.date(2026, 12, 2),
            reach=1000,
            actor=manager,
        )
    with django_assert_num_queries(len(context.captured_queries)):
        response = client.get(_url("story-detail", story))
    assert len(response.context["coverage"]) == 3


def test_the_questionnaires_are_the_defaults(db):
    assert list(Questionnaire.objects.values_list("name", flat=True)) == ["Home living", "Umum"]
    home = Questionnaire.objects.get(name="Home living")
    assert home.questions.count() == 6
