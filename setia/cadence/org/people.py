"""Who to ask for what: the people directory's search and each person's "ask me about", from
the topics they list, the product areas of the approved agreed answers they own, and the
partners they have met. Each is one query for a whole page of people."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from setia.accounts.models import User
from setia.cadence.org.chart import people
from setia.cadence.org.models import Expertise
from setia.engagement.models import ProductArea
from setia.knowledge.models import Article
from setia.partners.models import Meeting as PartnerMeeting
from setia.partners.models import Partner

SEARCH_MAX_LENGTH = 100


@dataclass
class AskMeAbout:
    topics: list[str] = field(default_factory=list)
    areas: list[tuple[str, str, int]] = field(default_factory=list)  # code, label, answers
    partners: list[Partner] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.topics or self.areas or self.partners)


def _areas_matching(term: str) -> list[str]:
    """The product areas whose name (in the reader's language) or code contains `term`."""
    folded = term.casefold()
    return [
        code
        for code, label in ProductArea.choices
        if folded in str(label).casefold() or folded in code
    ]


def search(term: str):
    """Active people (as `chart.people` gives them) matching `term` in their name, e-mail, team,
    listed topics, the questions, tags or area of the approved answers they own, or the name of
    a partner they met. Each source is a subquery of ids, so nobody is listed twice."""
    rows = people()
    term = " ".join(term.split())[:SEARCH_MAX_LENGTH]
    if not term:
        return rows
    answers = Article.objects.approved().filter(
        Q(question_id__icontains=term)
        | Q(question_en__icontains=term)
        | Q(tags__icontains=term)
        | Q(area__in=_areas_matching(term))
    )
    met = PartnerMeeting.objects.filter(partner__name__icontains=term)
    return rows.filter(
        Q(full_name__icontains=term)
        | Q(email__icontains=term)
        | Q(team__name__icontains=term)
        | Q(pk__in=Expertise.objects.filter(topic__icontains=term).values("person_id"))
        | Q(pk__in=answers.filter(owner__isnull=False).values("owner_id"))
        | Q(pk__in=met.values("attendees"))
    )


def ask_me_about(users: list[User]) -> dict[int, AskMeAbout]:
    """What each of `users` can be asked about, by their id (three queries)."""
    ids = [user.pk for user in users]
    found: dict[int, AskMeAbout] = defaultdict(AskMeAbout)
    for person_id, topic in Expertise.objects.filter(person_id__in=ids).values_list(
        "person_id", "topic"
    ):
        found[person_id].topics.append(topic)
    labels = dict(ProductArea.choices)
    areas = (
        Article.objects.approved()
        .filter(owner_id__in=ids)
        .order_by()
        .values_list("owner_id", "area")
        .annotate(answers=Count("pk"))
        .order_by("owner_id", "-answers", "area")
    )
    for person_id, area, answers in areas:
        found[person_id].areas.append((area, str(labels.get(area, area)), answers))
    through = PartnerMeeting.attendees.through
    met = (
        through.objects.filter(user_id__in=ids, meeting__partner__isnull=False)
        .values_list("user_id", "meeting__partner_id", "meeting__partner__name")
        .distinct()
        .order_by("user_id", "meeting__partner__name")
    )
    for person_id, partner_id, name in met:
        found[person_id].partners.append(Partner(pk=partner_id, name=name))
    return {pk: found[pk] for pk in ids}
