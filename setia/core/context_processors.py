from django.conf import settings


def navigation(request):
    """What the base layout needs on every page: the languages for the switch."""
    return {"available_languages": settings.LANGUAGES}
