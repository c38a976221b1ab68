"""The demo's agreed answers: 70-odd questions merchants ask, in Indonesian and English,
approved, with owners and review dates spread over the coming months."""

from datetime import date, timedelta
from pathlib import Path

from rich.progress import Progress

from setia.knowledge import actions
from setia.knowledge.models import Article

DEMO_FILE = Path(__file__).parent / "demo" / "faq.csv"


def load_answers(*, actor) -> actions.ImportResult:
    """Import the demo answers, approved (also what the accuracy tests search)."""
    return actions.import_faq(
        content=DEMO_FILE.read_text(encoding="utf-8"), actor=actor, approve=True
    )


def load(*, seed: int, people, reference: date, progress: Progress) -> str:
    """The demo answers, once (idempotent: nothing when answers exist)."""
    if Article.objects.exists():
        return "answers: already loaded"
    managers = [user for user in people.users if user.has_perm("knowledge.approve_article")]
    writers = [user for user in people.users if user.has_perm("knowledge.change_article")]
    result = load_answers(actor=managers[0] if managers else None)
    # Owners, review dates and use counts spread out; a few reviews are due already, so the
    # owners have review tasks.
    articles = list(Article.objects.order_by("id"))
    for number, article in enumerate(articles):
        article.owner = writers[number % len(writers)] if writers else None
        article.review_on = reference + timedelta(days=(number * 7) % 180 - 14)
        article.use_count = (number * 37 + seed) % 120
    Article.objects.bulk_update(articles, ["owner", "review_on", "use_count"])
    tasks = actions.create_review_tasks(day=reference)
    return f"answers {result.summary()} review_tasks={tasks}"
