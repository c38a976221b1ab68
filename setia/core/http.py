from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from setia.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a `@login_required` view receives, as the type checker should see it.

    Only for annotations: Django builds a plain `HttpRequest`. The login check guarantees a
    signed-in `User` rather than `User | AnonymousUser`, and django-htmx's middleware adds `htmx`.
    """

    user: User
    htmx: HtmxDetails
