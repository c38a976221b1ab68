from functools import partial

from django.conf import settings

from setia.core.navigation import menu_for


def navigation(request):
    """What the base layout needs on every page: the languages for the switch, and the main
    menu with the current page's section marked (`setia.core.navigation`).

    The menu is a callable, so that it is built only when a template draws it, not for each
    htmx fragment rendered with this context.
    """
    context = {"available_languages": settings.LANGUAGES}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        match = request.resolver_match
        context["main_menu"] = partial(menu_for, user, match.view_name if match else "")
    return context
