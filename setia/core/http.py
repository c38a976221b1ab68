import uuid
from typing import Any

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django_htmx.middleware import HtmxDetails

from setia.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a `@login_required` view receives, as the type checker should see it.

    Only for annotations: Django builds a plain `HttpRequest`. The login check guarantees a
    signed-in `User` rather than `User | AnonymousUser`, and django-htmx's middleware adds `htmx`.
    """

    user: User
    htmx: HtmxDetails


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


_ANY_CODE = str(uuid.UUID(int=0))


def code_url_parts(name: str) -> tuple[str, str]:
    """The URL named `name` (one `<uuid:code>` argument) as the text before and after the code.

    A page listing many records joins these with each record's code: `reverse()` once per row
    is most of a 50-row list's rendering time.
    """
    before, after = reverse(name, args=[_ANY_CODE]).split(_ANY_CODE)
    return before, after
