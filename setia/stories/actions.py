"""Writes of the stories app: a story started for a merchant, its moves through the pipeline
(consent, the interview and its task, answers, the draft article, review and approval,
publication, media coverage) and the questionnaires. Each write is one transaction and puts
its step on the merchant's timeline through the history module."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from setia.history.actions import record_event
from setia.history.models import EventKind
from setia.lib.dates import now
from setia.stories import articles
from setia.stories.messages import describe
from setia.stories.models import Answer, Coverage, Publication, Questionnaire, Story
from setia.stories.states import NEXT_STATES, PLAIN_MOVES, State
from setia.work.schedule.actions import complete_task, create_task


class StoryError(Exception):
    """A step that cannot be taken; `message` is translatable and user-facing."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _person(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _record(story: Story, actor, data: dict, moment: datetime.datetime) -> None:
    """Put a story step on the merchant's timeline; the summary in the site's language."""
    data = {"story": str(story.code), **data}
    with translation.override(settings.LANGUAGE_CODE):
        summary = describe(data)
    record_event(
        story.customer,
        EventKind.STORY,
        actor=actor,
        summary=summary,
        data=data,
        occurred_at=moment,
        source_object=story,
    )


def _refuse_move(current: str, state: str) -> StoryError:
    return StoryError(
        _("A story at “%(current)s” cannot move to “%(state)s”.")
        % {
            "current": State(current).label,
            "state": State(state).label if state in State.values else state,
        }
    )


def _locked(story: Story, state: str) -> Story:
    """The story's row, locked, after checking that `state` may follow its current state
    (StoryError otherwise): two people moving it at once move it once."""
    current = Story.objects.select_for_update().get(pk=story.pk)
    if state not in NEXT_STATES.get(State(current.state), ()):
        raise _refuse_move(current.state, state)
    return current


def _enter(story: Story, state: str, moment, fields: list[str]) -> None:
    story.state = state
    story.state_changed_at = moment
    story.save(update_fields=["state", "state_changed_at", "updated_at", *fields])


@transaction.atomic
def start_story(*, customer, questionnaire: Questionnaire, actor, series="", reason="") -> Story:
    """Put `customer` in the pipeline as a candidate (StoryError when it already is)."""
    if Story.objects.filter(customer=customer).in_pipeline().exists():
        raise StoryError(
            _("%(merchant)s already has a story in the pipeline.") % {"merchant": customer.name}
        )
    moment = now()
    story = Story.objects.create(
        customer=customer,
        questionnaire=questionnaire,
        series=series,
        reason=reason,
        state_changed_at=moment,
        created_by=_person(actor),
    )
    _record(story, actor, {"step": "state", "state": State.CANDIDATE}, moment)
    return story


@transaction.atomic
def move_story(*, story: Story, state: str, actor, note: str = "") -> Story:
    """Make one of the moves that need no details (`PLAIN_MOVES`): ask for consent, mark the
    interview held, start the draft (assembled from the answers when it is still empty), send
    it for review, approve it (managers: the `approve_story` permission) or send it back to
    draft with `note`. Marking the interview held completes its task. StoryError, nothing written, for any other move."""
    current = _locked(story, state)
    if (current.state, state) not in PLAIN_MOVES:
        raise _refuse_move(current.state, state)
    if state == State.APPROVED and not actor.has_perm("stories.approve_story"):
        raise StoryError(_("Only a manager may approve a story."))
    moment = now()
    fields: list[str] = []
    if state == State.INTERVIEWED and current.interview_task is not None:
        # The interview was held: its task is done (nothing changes if it already was).
        complete_task(task=current.interview_task, actor=actor)
    if state == State.DRAFT and current.state == State.INTERVIEWED:
        fields += _assemble(story)
    if state == State.APPROVED:
        story.approved_by, story.approved_at = actor, moment
        fields += ["approved_by", "approved_at"]
    if current.state == State.IN_REVIEW and state == State.DRAFT:
        story.review_note = note
        fields.append("review_note")
    _enter(story, state, moment, fields)
    _record(story, actor, {"step": "state", "state": state}, moment)
    return story


def _assemble(story: Story) -> list[str]:
    """Fill the story's empty title and articles from its answers; the fields written."""
    answers = list(story.answers.select_related("question").order_by("question__position"))
    fields = []
    if not story.title:
        with translation.override(settings.LANGUAGE_CODE):
            story.title = articles.default_title(story.customer)
        fields.append("title")
    for language in articles.LANGUAGES:
        field = f"article_{language}"
        if not getattr(story, field).strip():
            setattr(story, field, articles.assemble(story.customer, answers, language))
            fields.append(field)
    return fields


@transaction.atomic
def record_consent(
    *, story: Story, given: bool, channel: str, person: str, answered_at, actor
) -> Story:
    """Record the merchant's answer to the request for consent: who answered, when and how
    (WhatsApp, e-mail, a signed form). Consent moves the story on; a refusal ends it."""
    state = State.CONSENT_GIVEN if given else State.DECLINED
    _locked(story, state)
    moment = now()
    story.consent_channel = channel
    story.consent_person = person
    story.consent_at = answered_at
    story.consent_recorded_by = _person(actor)
    fields = ["consent_channel", "consent_person", "consent_at", "consent_recorded_by"]
    _enter(story, state, moment, fields)
    _record(story, actor, {"step": "state", "state": state, "channel": channel}, moment)
    return story


@transaction.atomic
def schedule_interview(*, story: Story, interviewer, interview_at, actor) -> Story:
    """Schedule the interview and give the interviewer a task at that time (on My day and the
    calendar), about the merchant."""
    _locked(story, State.INTERVIEW_SCHEDULED)
    moment = now()
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Success story interview: %(merchant)s") % {"merchant": story.customer.name}
        notes = _("Questionnaire: %(questionnaire)s") % {"questionnaire": story.questionnaire.name}
    task = create_task(
        data={
            "title": title[:200],
            "owner": interviewer,
            "due_at": interview_at,
            "customer": story.customer,
            "notes": notes,
        },
        actor=actor,
    )
    story.interviewer = interviewer
    story.interview_at = interview_at
    story.interview_task = task
    _enter(
        story, State.INTERVIEW_SCHEDULED, moment, ["interviewer", "interview_at", "interview_task"]
    )
    _record(story, actor, {"step": "state", "state": State.INTERVIEW_SCHEDULED}, moment)
    return story


# Answers are taken from the interview until the article is approved.
ANSWERING_STATES = (
    State.CONSENT_GIVEN,
    State.INTERVIEW_SCHEDULED,
    State.INTERVIEWED,
    State.DRAFT,
    State.IN_REVIEW,
)
# The article is written from the draft until it is approved.
WRITING_STATES = (State.DRAFT, State.IN_REVIEW)


@transaction.atomic
def save_answers(*, story: Story, texts: dict[int, str], actor) -> Story:
    """Save the answers to the story's questions, {question id: text}; an emptied answer is
    removed (StoryError after approval, or for a question of another questionnaire)."""
    current = Story.objects.select_for_update().get(pk=story.pk)
    if current.state not in ANSWERING_STATES:
        raise StoryError(_("Answers can be entered from consent until approval."))
    questions = set(story.questionnaire.questions.values_list("pk", flat=True))
    if not set(texts) <= questions:
        raise StoryError(_("These questions are not in the story's questionnaire."))
    existing = {answer.question_id: answer for answer in story.answers.all()}
    kept, emptied = [], []
    for question_id, text in texts.items():
        text = text.strip()
        answer = existing.get(question_id)
        if not text:
            if answer is not None:
                emptied.append(answer.pk)
        elif answer is None:
            kept.append(Answer(story=story, question_id=question_id, text=text))
        elif answer.text != text:
            answer.text = text
            answer.save(update_fields=["text", "updated_at"])
    Answer.objects.bulk_create(kept)
    Answer.objects.filter(pk__in=emptied).delete()
    _record(story, actor, {"step": "answers"}, now())
    return story


@transaction.atomic
def save_article(*, story: Story, title: str, article_id: str, article_en: str, actor) -> Story:
    """Save the edited title and articles (StoryError outside draft and review)."""
    current = Story.objects.select_for_update().get(pk=story.pk)
    if current.state not in WRITING_STATES:
        raise StoryError(_("The article can be edited while it is a draft or in review."))
    story.title, story.article_id, story.article_en = title, article_id, article_en
    story.save(update_fields=["title", "article_id", "article_en", "updated_at"])
    _record(story, actor, {"step": "article"}, now())
    return story


@transaction.atomic
def publish(*, story: Story, channel: str, published_on, link: str, actor) -> Publication:
    """Record a publication (newsletter, blog, social media). The first one publishes an
    approved story; later ones add channels (StoryError before approval)."""
    current = Story.objects.select_for_update().get(pk=story.pk)
    if current.state not in (State.APPROVED, State.PUBLISHED):
        raise StoryError(_("A story is published once a manager has approved it."))
    moment = now()
    publication = Publication.objects.create(
        story=story,
        channel=channel,
        published_on=published_on,
        link=link,
        created_by=_person(actor),
    )
    if current.state == State.APPROVED:
        _enter(story, State.PUBLISHED, moment, [])
    _record(story, actor, {"step": "publication", "channel": channel}, moment)
    return publication


@transaction.atomic
def add_coverage(*, story: Story, outlet: str, link: str, published_on, reach, actor) -> Coverage:
    """Record an article about the story in the media (StoryError before approval)."""
    current = Story.objects.select_for_update().get(pk=story.pk)
    if current.state not in (State.APPROVED, State.PUBLISHED):
        raise StoryError(_("Media coverage is recorded once the story is approved."))
    coverage = Coverage.objects.create(
        story=story,
        outlet=outlet,
        link=link,
        published_on=published_on,
        reach=reach,
        created_by=_person(actor),
    )
    _record(story, actor, {"step": "coverage", "outlet": outlet}, now())
    return coverage


@transaction.atomic
def save_questionnaire(*, form, formset) -> Questionnaire:
    """Save a questionnaire and its questions from a valid form and question formset (which
    refuses to delete an answered question); questions keep the formset's order and blank
    extra rows are skipped."""
    questionnaire = form.save()
    formset.instance = questionnaire
    formset.save(commit=False)
    for question in formset.deleted_objects:
        question.delete()
    position = 0
    for question_form in formset.forms:
        question = question_form.instance
        if question_form in formset.deleted_forms:
            continue
        if question.pk is None and not question_form.has_changed():
            continue
        question.questionnaire = questionnaire
        question.position = position
        position += 1
        question.save()
    return questionnaire
