from setia.lib.dates import now
from setia.stories.models import Answer, Questionnaire, Story


def make_story(customer, **fields) -> Story:
    """A story of `customer`, a candidate on the general questionnaire unless told."""
    fields.setdefault("questionnaire", Questionnaire.objects.get(name="Umum"))
    fields.setdefault("state_changed_at", now())
    return Story.objects.create(customer=customer, **fields)


def answer_all(story: Story, text: str = "Jawaban") -> list[Answer]:
    """An answer to every question of the story's questionnaire: “<text> <n>”."""
    return Answer.objects.bulk_create(
        Answer(story=story, question=question, text=f"{text} {n}")
        for n, question in enumerate(story.questionnaire.questions.all(), start=1)
    )
