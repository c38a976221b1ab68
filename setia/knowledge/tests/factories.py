from setia.knowledge import actions
from setia.knowledge.models import Article


def make_article(*, actor=None, approve: bool = True, **fields) -> Article:
    """An answer saved through the action (versioned, indexed), approved unless told not to."""
    data = {
        "key": "change-domain",
        "area": "domain",
        "question_id": "Bagaimana cara mengganti domain toko?",
        "question_en": "How do I change my store's domain?",
        "variants": "",
        "answer_id": "Buka Pengaturan > Domain lalu klik Ganti Domain.",
        "answer_en": "Open Settings > Domain and click Change Domain.",
        "tags": "",
        **fields,
    }
    owner = data.pop("owner", actor)
    article = actions.save_article(article=Article(owner=owner), actor=actor, data=data)
    if approve:
        article = actions.approve_article(article=article, actor=actor)
    return article
