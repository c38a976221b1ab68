from setia.accounts.models import User


def set_language(*, user: User, language: str) -> User:
    """Store the user's language; every page from now on is served in it."""
    user.language = language
    user.save(update_fields=["language", "updated_at"])
    return user
