"""The seed's story work: three newsletter stories, published; the plus-size campaign's three
interviews, published on social media and covered by Liputan6, Antara and JPNN; four
home-living interviews on the home-living questionnaire, still on their way (interviewed, in
draft, in review, approved); and a few merchants at the pipeline's first steps. Built through
the app's actions, so each step is on the merchant's timeline and each interview is a task."""

import datetime

from django.db import transaction
from django.utils import timezone
from rich.progress import Progress

from setia.accounts.models import Role
from setia.customers.demo_load import demo_customers
from setia.stories import actions
from setia.stories.models import Questionnaire, Story
from setia.stories.states import ConsentChannel, PublicationChannel, State

NEWSLETTER = "Newsletter Success Story"
PLUS_SIZE = "Kampanye brand plus size"
HOME_LIVING = "Kampanye home living"

# Where each story stops, in the order merchants are given to them: the steps that show a
# form come first, so that even a small demo has one story at each.
PLAN: list[tuple[str, str, str, str]] = [
    # (series, questionnaire, category slug, last state)
    (PLUS_SIZE, "Umum", "plus-size-fashion", State.PUBLISHED),
    (HOME_LIVING, "Home living", "home-living", State.DRAFT),
    (HOME_LIVING, "Home living", "home-living", State.IN_REVIEW),
    ("", "Umum", "", State.CONSENT_ASKED),
    ("", "Umum", "", State.CONSENT_GIVEN),
    (NEWSLETTER, "Umum", "", State.INTERVIEW_SCHEDULED),
    (HOME_LIVING, "Home living", "home-living", State.INTERVIEWED),
    (HOME_LIVING, "Home living", "home-living", State.APPROVED),
    ("", "Umum", "", State.CANDIDATE),
    (NEWSLETTER, "Umum", "", State.PUBLISHED),
    (PLUS_SIZE, "Umum", "plus-size-fashion", State.PUBLISHED),
    (NEWSLETTER, "Umum", "", State.PUBLISHED),
    (PLUS_SIZE, "Umum", "plus-size-fashion", State.PUBLISHED),
    (NEWSLETTER, "Umum", "", State.PUBLISHED),
    ("", "Umum", "", State.DECLINED),
]

# The plus-size campaign's coverage: (outlet, link, reach), one per published story.
COVERAGE = [
    ("Liputan6", "https://www.liputan6.com/bisnis/read/setia-plus-size", 125_000),
    ("Antara News", "https://www.antaranews.com/berita/setia-busana-plus-size", 80_000),
    ("JPNN", "https://www.jpnn.com/news/setia-jual-busana-plus-size", 60_000),
]

# Answers in the merchant's words, by the question's position (own wording, not the seed's).
ANSWERS = [
    "Kami mulai dari garasi rumah dengan tiga orang perajin.",
    "Saya pemilik sekaligus pengurus pemasaran.",
    "Awalnya kami hanya menitip barang di toko teman, lalu mencoba berjualan sendiri.",
    "Bahan lokal yang awet, desain yang mengikuti selera sekarang, harga yang jujur.",
    "Produk untuk dapur dan meja makan paling dicari, terutama menjelang Lebaran.",
    "Pesanan datang dari luar kota tiap hari, dan pembayaran tercatat otomatis.",
]


def load(*, seed: int, people, reference: datetime.date, progress: Progress) -> str:
    """The stories once: loading again adds nothing."""
    if Story.objects.exists():
        return "stories created=0 published=0 coverage=0"
    manager = next(user for user in people.users if user.groups.filter(name=Role.MANAGER))
    executive = next(user for user in people.users if user.groups.filter(name=Role.EXECUTIVE))
    questionnaires = {q.name: q for q in Questionnaire.objects.all()}
    bar = progress.add_task("Demo stories", total=len(PLAN))
    merchants = _merchants()
    created = published = covered = 0
    with transaction.atomic():
        for n, (series, questionnaire, category, last) in enumerate(PLAN):
            customer = _take(merchants, category)
            if customer is None or questionnaire not in questionnaires:
                break
            story = actions.start_story(
                customer=customer,
                questionnaire=questionnaires[questionnaire],
                series=series,
                actor=manager,
            )
            created += 1
            _walk(story, last, executive, manager, reference, n)
            if last == State.PUBLISHED:
                published += 1
                if series == PLUS_SIZE and covered < len(COVERAGE):
                    outlet, link, reach = COVERAGE[covered]
                    actions.add_coverage(
                        story=story,
                        outlet=outlet,
                        link=link,
                        published_on=reference - datetime.timedelta(days=20),
                        reach=reach,
                        actor=manager,
                    )
                    covered += 1
            # Spread the stories over the past weeks, as a pipeline fills over time.
            Story.objects.filter(pk=story.pk).update(
                state_changed_at=timezone.now() - datetime.timedelta(days=2 * n + 1)
            )
            progress.advance(bar)
    return f"stories created={created} published={published} coverage={covered}"


def _merchants() -> list:
    return list(demo_customers().alive().select_related("category").order_by("id"))


def _take(merchants: list, category: str):
    """The first merchant left of `category` (any when there is none of it)."""
    for index, customer in enumerate(merchants):
        if not category or customer.category.slug == category:
            return merchants.pop(index)
    return merchants.pop(0) if merchants else None


def _walk(story: Story, last: str, executive, manager, reference: datetime.date, n: int) -> None:
    """Take `story` from candidate to `last` through the actions."""
    if last == State.CANDIDATE:
        return
    actions.move_story(story=story, state=State.CONSENT_ASKED, actor=executive)
    if last == State.CONSENT_ASKED:
        return
    answered = timezone.now() - datetime.timedelta(days=30 + n)
    actions.record_consent(
        story=story,
        given=last != State.DECLINED,
        channel=ConsentChannel.WHATSAPP if n % 2 else ConsentChannel.EMAIL,
        person=f"Pemilik {story.customer.name}",
        answered_at=answered,
        actor=executive,
    )
    if last in (State.CONSENT_GIVEN, State.DECLINED):
        return
    actions.schedule_interview(
        story=story,
        interviewer=executive,
        interview_at=timezone.now() + datetime.timedelta(days=3 + n)
        if last == State.INTERVIEW_SCHEDULED
        else answered + datetime.timedelta(days=7),
        actor=executive,
    )
    if last == State.INTERVIEW_SCHEDULED:
        return
    questions = list(story.questionnaire.questions.all())
    actions.save_answers(
        story=story,
        texts={q.pk: ANSWERS[i % len(ANSWERS)] for i, q in enumerate(questions)},
        actor=executive,
    )
    for state in (State.INTERVIEWED, State.DRAFT, State.IN_REVIEW, State.APPROVED):
        if story.state == last:
            return
        actions.move_story(
            story=story, state=state, actor=manager if state == State.APPROVED else executive
        )
    if story.state == last:
        return
    actions.publish(
        story=story,
        channel=PublicationChannel.NEWSLETTER
        if story.series == NEWSLETTER
        else PublicationChannel.SOCIAL,
        published_on=reference - datetime.timedelta(days=25),
        link=f"https://blog.setia.example/kisah/{story.code}",
        actor=manager,
    )
