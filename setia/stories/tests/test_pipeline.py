"""The story's states: every valid move, refusals with a clear message and nothing written,
consent, the interview's task, the draft assembled from the answers, approval by a manager,
publication and coverage; each step on the merchant's timeline."""

import datetime

import pytest
from django.utils import timezone

from setia.history.models import EventKind, TimelineEvent
from setia.stories import actions
from setia.stories.models import Questionnaire, Story
from setia.stories.states import State
from setia.stories.tests.factories import answer_all, make_story
from setia.work.schedule.models import Task

AT = timezone.make_aware(datetime.datetime(2026, 12, 10, 10, 0))


def _events(customer):
    return list(
        TimelineEvent.objects.filter(customer=customer, kind=EventKind.STORY)
        .order_by("id")
        .values_list("data__step", "data__state")
    )


@pytest.fixture
def story(customer, executive):
    return actions.start_story(
        customer=customer,
        questionnaire=Questionnaire.objects.get(name="Home living"),
        series="Kampanye home living",
        actor=executive,
    )


def _to_interviewed(story, executive):
    actions.move_story(story=story, state=State.CONSENT_ASKED, actor=executive)
    actions.record_consent(
        story=story,
        given=True,
        channel="whatsapp",
        person="Mega",
        answered_at=AT,
        actor=executive,
    )
    actions.schedule_interview(story=story, interviewer=executive, interview_at=AT, actor=executive)
    answer_all(story)
    actions.move_story(story=story, state=State.INTERVIEWED, actor=executive)


def test_a_story_goes_from_candidate_to_published(story, customer, executive, manager):
    _to_interviewed(story, executive)
    actions.move_story(story=story, state=State.DRAFT, actor=executive)
    actions.move_story(story=story, state=State.IN_REVIEW, actor=executive)
    actions.move_story(story=story, state=State.APPROVED, actor=manager)
    actions.publish(
        story=story,
        channel="newsletter",
        published_on=datetime.date(2026, 12, 20),
        link="https://blog.example/rumah",
        actor=manager,
    )
    actions.add_coverage(
        story=story,
        outlet="Liputan6",
        link="https://liputan6.example/a",
        published_on=datetime.date(2026, 12, 21),
        reach=125_000,
        actor=manager,
    )

    story.refresh_from_db()
    assert story.state == State.PUBLISHED
    assert (story.approved_by, story.publications.get().channel) == (manager, "newsletter")
    assert story.coverage.get().reach == 125_000
    assert _events(customer) == [
        ("state", "candidate"),
        ("state", "consent_asked"),
        ("state", "consent_given"),
        ("state", "scheduled"),
        ("state", "interviewed"),
        ("state", "draft"),
        ("state", "in_review"),
        ("state", "approved"),
        ("publication", None),
        ("coverage", None),
    ]


@pytest.mark.parametrize(
    "state", [State.APPROVED, State.PUBLISHED, State.DRAFT, State.CONSENT_GIVEN, "nonsense"]
)
def test_an_invalid_move_is_refused_with_a_clear_message_and_writes_nothing(
    story, customer, executive, state
):
    before = _events(customer)

    with pytest.raises(actions.StoryError) as refused:
        actions.move_story(story=story, state=state, actor=executive)

    assert str(refused.value.message).startswith("A story at “Candidate” cannot move to")
    story.refresh_from_db()
    assert story.state == State.CANDIDATE
    assert _events(customer) == before


def test_only_a_manager_approves(story, executive):
    _to_interviewed(story, executive)
    actions.move_story(story=story, state=State.DRAFT, actor=executive)
    actions.move_story(story=story, state=State.IN_REVIEW, actor=executive)

    with pytest.raises(actions.StoryError) as refused:
        actions.move_story(story=story, state=State.APPROVED, actor=executive)

    assert str(refused.value.message) == "Only a manager may approve a story."
    assert Story.objects.get().state == State.IN_REVIEW


def test_a_reviewer_sends_the_draft_back_with_a_note(story, executive, manager):
    _to_interviewed(story, executive)
    actions.move_story(story=story, state=State.DRAFT, actor=executive)
    actions.move_story(story=story, state=State.IN_REVIEW, actor=executive)

    actions.move_story(story=story, state=State.DRAFT, actor=manager, note="Judulnya lebih pendek")

    story.refresh_from_db()
    assert (story.state, story.review_note) == (State.DRAFT, "Judulnya lebih pendek")


def test_consent_records_who_when_and_how(story, customer, executive):
    actions.move_story(story=story, state=State.CONSENT_ASKED, actor=executive)

    actions.record_consent(
        story=story, given=True, channel="email", person="Relly", answered_at=AT, actor=executive
    )

    story.refresh_from_db()
    assert (story.state, story.consent_channel, story.consent_person, story.consent_at) == (
        State.CONSENT_GIVEN,
        "email",
        "Relly",
        AT,
    )
    assert story.consent_recorded_by == executive
    event = TimelineEvent.objects.filter(customer=customer).latest("id")
    assert event.summary == "Success story: Consent given (E-mail)"


def test_a_declined_consent_ends_the_story_and_frees_the_merchant(story, customer, executive):
    actions.move_story(story=story, state=State.CONSENT_ASKED, actor=executive)
    with pytest.raises(actions.StoryError):
        actions.start_story(customer=customer, questionnaire=story.questionnaire, actor=executive)

    actions.record_consent(
        story=story, given=False, channel="form", person="Vincent", answered_at=AT, actor=executive
    )

    assert Story.objects.get().state == State.DECLINED
    with pytest.raises(actions.StoryError):
        actions.move_story(story=story, state=State.INTERVIEW_SCHEDULED, actor=executive)
    again = actions.start_story(
        customer=customer, questionnaire=story.questionnaire, actor=executive
    )
    assert again.state == State.CANDIDATE


def test_consent_cannot_be_recorded_before_it_is_asked(story, executive):
    with pytest.raises(actions.StoryError):
        actions.record_consent(
            story=story, given=True, channel="email", person="X", answered_at=AT, actor=executive
        )
    assert Story.objects.get().consent_person == ""


def test_scheduling_gives_the_interviewer_a_task_that_holding_it_completes(
    story, customer, executive, manager
):
    actions.move_story(story=story, state=State.CONSENT_ASKED, actor=executive)
    actions.record_consent(
        story=story, given=True, channel="whatsapp", person="Mega", answered_at=AT, actor=executive
    )

    actions.schedule_interview(story=story, interviewer=executive, interview_at=AT, actor=manager)

    task = Task.objects.get()
    assert (task.owner, task.due_at, task.customer, task.status) == (
        executive,
        AT,
        customer,
        "open",
    )
    assert task.title == "Success story interview: Batik Lestari"
    assert Story.objects.get().interview_task == task
    actions.move_story(story=story, state=State.INTERVIEWED, actor=executive)
    task.refresh_from_db()
    assert task.status == "done"


def test_the_draft_is_assembled_from_the_answers_in_both_languages(story, executive):
    _to_interviewed(story, executive)

    actions.move_story(story=story, state=State.DRAFT, actor=executive)

    story.refresh_from_db()
    # The title in the site's language; each article in its own.
    assert story.title == "How Batik Lestari grew with its online store"
    questions = list(story.questionnaire.questions.all())
    indonesian = story.article_id.split("\n\n")
    english = story.article_en.split("\n\n")
    assert indonesian[0] == "Bagaimana Batik Lestari tumbuh bersama toko onlinenya"
    assert english[0] == story.title
    assert indonesian[2:] == [f"{q.text_id}\nJawaban {n}" for n, q in enumerate(questions, 1)]
    assert english[2:] == [f"{q.text_en}\nJawaban {n}" for n, q in enumerate(questions, 1)]


def test_an_edited_article_is_kept_when_sent_back(story, executive, manager):
    _to_interviewed(story, executive)
    actions.move_story(story=story, state=State.DRAFT, actor=executive)
    actions.save_article(
        story=story, title="Judul", article_id="Isi", article_en="Body", actor=executive
    )
    actions.move_story(story=story, state=State.IN_REVIEW, actor=executive)
    actions.move_story(story=story, state=State.DRAFT, actor=manager)

    story.refresh_from_db()
    assert (story.title, story.article_id, story.article_en) == ("Judul", "Isi", "Body")


def test_answers_are_saved_and_emptied_per_question(story, executive):
    _to_interviewed(story, executive)
    first, second, *_rest = story.questionnaire.questions.all()

    actions.save_answers(story=story, texts={first.pk: "Baru", second.pk: "  "}, actor=executive)

    answers = dict(story.answers.values_list("question_id", "text"))
    assert answers[first.pk] == "Baru" and second.pk not in answers


def test_publication_waits_for_approval(story, executive):
    with pytest.raises(actions.StoryError):
        actions.publish(
            story=story, channel="blog", published_on=AT.date(), link="", actor=executive
        )
    assert not story.publications.exists()


def test_a_second_open_story_for_the_merchant_is_refused(story, customer, executive):
    with pytest.raises(actions.StoryError) as refused:
        actions.start_story(customer=customer, questionnaire=story.questionnaire, actor=executive)
    assert str(refused.value.message) == "Batik Lestari already has a story in the pipeline."
    assert Story.objects.count() == 1


def test_make_story_is_a_candidate(customer):
    assert make_story(customer).state == State.CANDIDATE
