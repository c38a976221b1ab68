from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.core.http import AuthenticatedHttpRequest
from setia.core.pagination import CountedUpToPaginator
from setia.stories import actions, candidates
from setia.stories.forms import (
    AnswersForm,
    ArticleForm,
    ConsentForm,
    CoverageForm,
    MoveForm,
    PublicationForm,
    QuestionFormSet,
    QuestionnaireForm,
    ScheduleForm,
    StoryForm,
)
from setia.stories.models import Questionnaire, Story
from setia.stories.states import PLAIN_MOVES, State

# Stories shown in each column of the board; the column's full list is a page of its own.
BOARD_COLUMN = 10


def _story_for(request: AuthenticatedHttpRequest, code) -> Story:
    """The story `code` of a merchant the user may see; another team's answers as one that does
    not exist (404)."""
    story = (
        Story.objects.visible_to(request.user)
        .select_related("customer__category", "questionnaire", "interviewer", "interview_task")
        .filter(code=code)
        .first()
    )
    if story is None:
        raise Http404("no story")
    return story


def _plain_moves(story: Story, user) -> list[tuple[str, str]]:
    """The (state, label) of the plain moves `user` may make on `story` now."""
    moves = []
    for state in story.next_states:
        if (story.state, state) not in PLAIN_MOVES:
            continue
        if state == State.APPROVED and not user.has_perm("stories.approve_story"):
            continue
        moves.append((state, str(State(state).label)))
    return moves


@login_required
@permission_required("stories.view_story", raise_exception=True)
@require_GET
def story_board(request: AuthenticatedHttpRequest) -> HttpResponse:
    visible = Story.objects.visible_to(request.user)
    counts = visible.counts_by_state()
    cards: dict[str, list[dict]] = {state: [] for state in State.values}
    for story in visible.first_per_state(BOARD_COLUMN).select_related("customer"):
        cards[story.state].append({"story": story, "moves": _plain_moves(story, request.user)})
    columns = [
        {"state": state, "label": label, "count": counts[state], "stories": cards[state]}
        for state, label in State.choices
    ]
    return render(request, "stories/board.html", {"columns": columns, "column_size": BOARD_COLUMN})


@login_required
@permission_required("stories.view_story", raise_exception=True)
@require_GET
def story_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    stories = Story.objects.visible_to(request.user).select_related("customer")
    if state in State.values:
        stories = stories.filter(state=state)
    else:
        state = ""
    page = CountedUpToPaginator(
        stories.order_by("-state_changed_at", "-id"), settings.PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": f"state={state}" if state else "",
        "state": state,
        "states": State.choices,
    }
    return render(request, "stories/list.html", context)


@login_required
@permission_required("stories.view_story", raise_exception=True)
@require_GET
def candidate_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = CountedUpToPaginator(
        candidates.suggested_for(request.user), settings.PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": candidates.rows(page.object_list),
        "query": "",
        "min_growth": candidates.MIN_GROWTH_PERCENT,
        "min_gmv": candidates.MIN_GMV_90D,
        "min_health": candidates.MIN_HEALTH,
    }
    return render(request, "stories/candidates.html", context)


@login_required
@permission_required("stories.add_story", raise_exception=True)
@require_http_methods(["GET", "POST"])
def story_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial = {
        "merchant": request.GET.get("merchant", ""),
        "questionnaire": Questionnaire.objects.order_by("name", "id")
        .values_list("pk", flat=True)
        .first(),
    }
    form = StoryForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        customer = form.instance.customer
        try:
            story = actions.start_story(
                customer=customer,
                questionnaire=form.cleaned_data["questionnaire"],
                series=form.cleaned_data["series"],
                reason=candidates.reason_for(customer),
                actor=request.user,
            )
        except actions.StoryError as error:
            form.add_error("merchant", error.message)
        else:
            messages.success(request, _("Story added to the pipeline."))
            return redirect(story)
    return render(
        request,
        "stories/form.html",
        {"form": form, "title": _("New success story"), "back": reverse("stories:story-board")},
        status=400 if form.errors else 200,
    )


def _detail(request: AuthenticatedHttpRequest, story: Story, status: int = 200, **forms):
    """The story's page, with the forms its state offers (bound ones passed in `forms`)."""
    questions = list(story.questionnaire.questions.all())
    answers = {answer.question_id: answer.text for answer in story.answers.all()}
    context = {
        "story": story,
        "qa": [(question, answers.get(question.pk, "")) for question in questions],
        "answered": len(answers),
        "publications": list(story.publications.all()),
        "coverage": list(story.coverage.all()),
        "moves": _plain_moves(story, request.user),
        "can_answer": story.state in actions.ANSWERING_STATES,
        "can_write": story.state in actions.WRITING_STATES,
    }
    if story.state == State.CONSENT_ASKED:
        context["consent_form"] = forms.get("consent_form") or ConsentForm()
    if story.state == State.CONSENT_GIVEN:
        context["schedule_form"] = forms.get("schedule_form") or ScheduleForm(user=request.user)
    if story.state in (State.APPROVED, State.PUBLISHED):
        context["publication_form"] = forms.get("publication_form") or PublicationForm()
        context["coverage_form"] = forms.get("coverage_form") or CoverageForm()
    return render(request, "stories/detail.html", context, status=status)


@login_required
@permission_required("stories.view_story", raise_exception=True)
@require_GET
def story_detail(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    return _detail(request, _story_for(request, code))


def _done(request: AuthenticatedHttpRequest, story: Story) -> HttpResponse:
    """Back to the board when the move was made there, else to the story."""
    if request.POST.get("back") == "board":
        return redirect(f"{reverse('stories:story-board')}#state-{story.state}")
    return redirect(story)


@login_required
@permission_required("stories.change_story", raise_exception=True)
@require_POST
def story_move(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    story = _story_for(request, code)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a state the story can move to."))
        return _done(request, story)
    try:
        actions.move_story(
            story=story,
            state=form.cleaned_data["state"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    except actions.StoryError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(merchant)s: %(state)s.")
            % {"merchant": story.customer.name, "state": story.state_label()},
        )
    return _done(request, story)


def _step(request, story, form_name: str, form, run) -> HttpResponse:
    """Run a step with details from a bound form: invalid, the page again with its errors
    (400); refused by the action, the reason as a message."""
    if not form.is_valid():
        return _detail(request, story, status=400, **{form_name: form})
    try:
        run(form.cleaned_data)
    except actions.StoryError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect(story)


@login_required
@permission_required("stories.change_story", raise_exception=True)
@require_POST
def story_consent(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    story = _story_for(request, code)
    return _step(
        request,
        story,
        "consent_form",
        ConsentForm(request.POST),
        lambda data: actions.record_consent(
            story=story,
            given=data["answer"],
            channel=data["channel"],
            person=data["person"],
            answered_at=data["answered_at"],
            actor=request.user,
        ),
    )


@login_required
@permission_required("stories.change_story", raise_exception=True)
@require_POST
def story_schedule(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    story = _story_for(request, code)
    return _step(
        request,
        story,
        "schedule_form",
        ScheduleForm(request.POST, user=request.user),
        lambda data: actions.schedule_interview(
            story=story,
            interviewer=data["interviewer"],
            interview_at=data["interview_at"],
            actor=request.user,
        ),
    )


@login_required
@permission_required("stories.change_story", raise_exception=True)
@require_POST
def story_publish(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    story = _story_for(request, code)
    return _step(
        request,
        story,
        "publication_form",
        PublicationForm(request.POST),
        lambda data: actions.publish(story=story, actor=request.user, **data),
    )


@login_required
@permission_required("stories.change_story", raise_exception=True)
@require_POST
def story_coverage(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    story = _story_for(request, code)
    return _step(
        request,
        story,
        "coverage_form",
        CoverageForm(request.POST),
        lambda data: actions.add_coverage(story=story, actor=request.user, **data),
    )


def _story_form_page(request, story: Story, form, save, saved: str, title: str) -> HttpResponse:
    """A step of `story` on a page of its own: on a valid POST, `save()` (an action) and back to
    the story with `saved`; otherwise the form, with the action's refusal among its errors."""
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except actions.StoryError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, saved)
            return redirect(story)
    return render(
        request,
        "stories/form.html",
        {"form": form, "title": title, "back": story.get_absolute_url()},
        status=400 if form.errors else 200,
    )


@login_required
@permission_required("stories.change_story", raise_exception=True)
@require_http_methods(["GET", "POST"])
def story_answers(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    story = _story_for(request, code)
    questions = list(story.questionnaire.questions.all())
    answers = {answer.question_id: answer.text for answer in story.answers.all()}
    form = AnswersForm(request.POST or None, questions=questions, answers=answers)
    return _story_form_page(
        request,
        story,
        form,
        lambda: actions.save_answers(story=story, texts=form.texts(), actor=request.user),
        _("Answers saved."),
        _("Interview answers: %(merchant)s") % {"merchant": story.customer.name},
    )


@login_required
@permission_required("stories.change_story", raise_exception=True)
@require_http_methods(["GET", "POST"])
def story_article(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    story = _story_for(request, code)
    form = ArticleForm(request.POST or None, instance=story)
    return _story_form_page(
        request,
        story,
        form,
        lambda: actions.save_article(
            story=story,
            title=form.cleaned_data["title"],
            article_id=form.cleaned_data["article_id"],
            article_en=form.cleaned_data["article_en"],
            actor=request.user,
        ),
        _("Article saved."),
        _("Article: %(merchant)s") % {"merchant": story.customer.name},
    )


@login_required
@permission_required("stories.view_questionnaire", raise_exception=True)
@require_GET
def questionnaire_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = CountedUpToPaginator(
        Questionnaire.objects.order_by("name", "id"), settings.PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "stories/questionnaire_list.html", {"page": page, "query": ""})


def _questionnaire_form(request, questionnaire: Questionnaire | None, title: str):
    form = QuestionnaireForm(request.POST or None, instance=questionnaire)
    formset = QuestionFormSet(request.POST or None, instance=questionnaire, prefix="questions")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved = actions.save_questionnaire(form=form, formset=formset)
        messages.success(request, _("Questionnaire saved."))
        return redirect(saved)
    return render(
        request,
        "stories/questionnaire_form.html",
        {
            "form": form,
            "formset": formset,
            "title": title,
            "back": reverse("stories:questionnaire-list"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@permission_required("stories.add_questionnaire", raise_exception=True)
@require_http_methods(["GET", "POST"])
def questionnaire_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _questionnaire_form(request, None, _("New questionnaire"))


@login_required
@permission_required("stories.change_questionnaire", raise_exception=True)
@require_http_methods(["GET", "POST"])
def questionnaire_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    return _questionnaire_form(request, questionnaire, questionnaire.name)
