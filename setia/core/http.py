import uuid
from typing import Any

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails

from setia.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a `@login_required` view receives, as the type checker should see it.

    Only for annotations: Django builds a plain `HttpRequest`. The login check guarantees a
    signed-in `User` rather than `User | AnonymousUser`, and django-htmx's middleware adds `htmx`.
    """

    user: User
    htmx: HtmxDetails


# The status of a form sent back with its errors as an htmx fragment. htmx swaps 2xx answers and,
# by base.html's `responseHandling`, 422 as well, so the errors appear in place, beside the
# fields, whatever DEBUG says; a 400 would not be swapped (and with DEBUG, django-htmx's
# error handler would put the bare fragment in place of the whole page).
INVALID_FRAGMENT_STATUS = 422


def invalid_form_status(request: HttpRequest) -> int:
    """The status of a response that shows a form again with its errors: 422 for an htmx
    request (a fragment swapped in place), 400 for a whole page."""
    return INVALID_FRAGMENT_STATUS if getattr(request, "htmx", False) else 400


class InvalidParameter(BadRequest):
    """A query parameter or form field a view cannot use: a 400 whose page shows the message.

    The message is for the user, in their language (raise it with a translated string); other
    400s (Django's own `BadRequest` and `SuspiciousOperation`) keep the generic page, as their
    text is not written for users.
    """

    @classmethod
    def refusing(cls, error: ValidationError) -> "InvalidParameter":
        """The 400 for a value a model or QuerySet refused, with its messages."""
        return cls(" ".join(error.messages))


def valid_parameters(form: forms.Form) -> dict[str, Any]:
    """The cleaned data of `form`, bound to a query string or posted fields, for a view that
    cannot show the form again: a malformed value raises `InvalidParameter` naming each field
    and its error, instead of being ignored or failing further on."""
    if form.is_valid():
        return form.cleaned_data
    problems = []
    for name, errors in form.errors.items():
        text = " ".join(str(error) for error in errors)
        field = form.fields.get(name)
        problems.append(f"{field.label}: {text}" if field and field.label else text)
    raise InvalidParameter(" ".join(problems))


def local_url(request: HttpRequest, target: str | None) -> str | None:
    """`target` when it is a path on this site (`/customers/…`), else None: where a form's
    `next` field may send the user back to. A bare word is no path: `redirect()` would take it
    for a view's name and fail."""
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return None


_ANY_CODE = str(uuid.UUID(int=0))


def code_url_parts(name: str) -> tuple[str, str]:
    """The URL named `name` (one `<uuid:code>` argument) as the text before and after the code.

    A page listing many records joins these with each record's code: `reverse()` once per row
    is most of a 50-row list's rendering time.
    """
    before, after = reverse(name, args=[_ANY_CODE]).split(_ANY_CODE)
    return before, after
