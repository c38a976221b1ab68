"""A story from its interview to publication, in a real browser (Debian's Chromium through
Playwright)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from setia.accounts.models import Role
from setia.stories import actions
from setia.stories.models import Questionnaire, Story
from setia.stories.states import State
from setia.stories.tests.factories import answer_all
from setia.test import make_customer, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_story_moves_from_the_interview_to_published(page):
    # given a manager and a home-living merchant whose interview is scheduled and answered
    team = make_team("Tim Timur")
    dewi = make_user(Role.MANAGER, team=team, email="dewi@example.test", language="en")
    merchant = make_customer(team=team, owner=dewi, name="Rumah Jati")
    story = actions.start_story(
        customer=merchant,
        questionnaire=Questionnaire.objects.get(name="Home living"),
        series="Kampanye home living",
        actor=dewi,
    )
    actions.move_story(story=story, state=State.CONSENT_ASKED, actor=dewi)
    moment = timezone.now()
    actions.record_consent(
        story=story, given=True, channel="whatsapp", person="Mega", answered_at=moment, actor=dewi
    )
    actions.schedule_interview(story=story, interviewer=dewi, interview_at=moment, actor=dewi)
    answer_all(story, "Kami mulai dari garasi")

    # when she opens the board and moves the story on, one step at a time
    page.goto("/")
    page.get_by_label("Email").fill("dewi@example.test")
    page.get_by_label("Password").fill("password-for-tests")
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.goto("/stories/")
    page.locator("#state-scheduled").get_by_role("button", name="Move to Interviewed").click()
    page.wait_for_url(re.compile(r"/stories/#state-interviewed$"))
    page.locator("#state-interviewed").get_by_role("link", name="Rumah Jati").click()
    page.wait_for_url(re.compile(r"/stories/[0-9a-f-]{36}/$"))
    for step in ("Draft", "In review", "Approved"):
        page.get_by_role("button", name=f"Move to {step}").click()
        expect(page.locator("#state")).to_have_text(step)

    # and records where it was published
    publish = page.locator("#publish")
    publish.get_by_label("Channel").select_option(label="Newsletter")
    publish.get_by_label("Published on").fill(datetime.date.today().isoformat())
    publish.get_by_label("Link").fill("https://blog.example/rumah-jati")
    publish.get_by_role("button", name="Record the publication").click()

    # then the story is published, with its article assembled from the answers
    expect(page.locator("#state")).to_have_text("Published")
    expect(page.locator("#article")).to_contain_text("Kami mulai dari garasi 1")
    story = Story.objects.get()
    assert (story.state, story.approved_by) == (State.PUBLISHED, dewi)
    assert story.publications.get().link == "https://blog.example/rumah-jati"
