"""Each form of a story's steps, posted with one field at a time set to an odd value: a 400
with a message or a redirect with one, never a 500 (the project-wide crawl reads one story
page, so it meets only that state's forms)."""

import pytest
from django.urls import reverse

from setia.desk.tests.test_odd_fields import ODD_VALUES
from setia.stories.states import State
from setia.stories.tests.factories import make_story

# (step, the state that offers its form, a valid post)
FORMS = [
    ("move", State.CANDIDATE, {"state": "consent_asked", "note": ""}),
    (
        "consent",
        State.CONSENT_ASKED,
        {"answer": "yes", "channel": "email", "person": "Mega", "answered_at": "2026-12-01T10:00"},
    ),
    ("schedule", State.CONSENT_GIVEN, {"interviewer": "", "interview_at": "2026-12-09T10:00"}),
    ("answers", State.DRAFT, {}),
    ("article", State.DRAFT, {"title": "Judul", "article_id": "Isi", "article_en": "Body"}),
    (
        "publish",
        State.APPROVED,
        {"channel": "blog", "published_on": "2026-12-01", "link": "https://blog.example/a"},
    ),
    (
        "coverage",
        State.PUBLISHED,
        {
            "outlet": "Antara",
            "link": "https://antaranews.example/a",
            "published_on": "2026-12-01",
            "reach": "1000",
        },
    ),
]


@pytest.mark.parametrize(("step", "state", "valid"), FORMS, ids=[f[0] for f in FORMS])
def test_no_odd_value_makes_a_step_fail(client, manager, customer, step, state, valid):
    story = make_story(customer, state=state)
    fields = dict(valid)
    if step == "schedule":
        fields["interviewer"] = str(manager.pk)
    if step == "answers":
        fields = {f"q{q.pk}": "Jawaban" for q in story.questionnaire.questions.all()}
    client.force_login(manager)
    client.raise_request_exception = False
    url = reverse(f"stories:story-{step}", args=[story.code])

    statuses = set()
    for name in fields:
        for value in ODD_VALUES:
            response = client.post(url, {**fields, name: value})
            statuses.add(response.status_code)

    assert max(statuses) < 500, statuses
