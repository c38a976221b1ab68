from functools import partial

from setia.announcements.models import Announcement

# The banner names the oldest waiting announcement and how many more wait (up to this many).
BANNER_ROWS = 10


def _waiting(user) -> list[Announcement]:
    return list(
        Announcement.objects.pending_for(user.pk, user.team_id).order_by("published_at", "id")[
            :BANNER_ROWS
        ]
    )


def banner(request):
    """The announcements waiting for the signed-in person's acknowledgement, for the banner of
    every page.

    No query for someone with nothing to acknowledge (their mark, `announcements_pending`,
    comes with the user), one for the others, and only when a template draws the banner: the
    value is a callable, as the main menu is, so htmx fragments never pay for it.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.announcements_pending:
        return {}
    return {"announcement_banner": partial(_waiting, user)}
