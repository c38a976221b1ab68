import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils import translation

# Session keys of SessionLimitsMiddleware: when the user logged in and when a request last
# showed activity, in whole seconds since the epoch.
LOGIN_AT = "setia_login_at"
SEEN_AT = "setia_seen_at"
# Activity is recorded at most this often, so a busy user costs one session write a minute,
# not one per request; the idle timeout is accurate to within this many seconds.
ACTIVITY_EVERY_SECONDS = 60


def start_session_clock(sender, request, user, **kwargs) -> None:
    """Note the login time in the new session (`user_logged_in` receiver).

    Stamped at login, on the request that logs in, so that the first page after it does not
    have to save the session again.
    """
    if request is not None:
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


class SessionLimitsMiddleware:
    """End a signed-in session when it has been idle too long or has lived too long.

    Idle: no request for `SESSION_COOKIE_AGE` seconds. Every request counts as activity, but it
    is written down (and the session saved, which also moves its expiry in the session table)
    only when the last record is a minute old. Absolute: `SESSION_ABSOLUTE_SECONDS` after
    login, however active. An ended session is logged out before the view runs, so the view
    sees an anonymous visitor and sends them to log in. Runs after authentication.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self._check(request, now=int(time.time()))
        return self.get_response(request)

    def _check(self, request, *, now: int) -> None:
        session = request.session
        login_at = session.get(LOGIN_AT)
        seen_at = session.get(SEEN_AT)
        if login_at is None or seen_at is None:
            # Signed in before this middleware existed: start counting now.
            session[LOGIN_AT] = login_at or now
            session[SEEN_AT] = now
        elif (
            now - seen_at >= settings.SESSION_COOKIE_AGE
            or now - login_at >= settings.SESSION_ABSOLUTE_SECONDS
        ):
            logout(request)
        elif now - seen_at >= ACTIVITY_EVERY_SECONDS:
            session[SEEN_AT] = now


class UserLanguageMiddleware:
    """Serve each signed-in user in the language they chose, whatever the browser asks for.

    Runs after LocaleMiddleware (which serves anonymous visitors from the cookie or the browser)
    and after authentication.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
