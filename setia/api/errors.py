"""The API's error answers. Apart from `rest.py`: DRF reads this handler from its settings
after its views module is loaded, which the authentication classes are needed for."""

from rest_framework.views import exception_handler

from setia.core.views import log_refusal


def handle_exception(exc, context):
    """DRF's JSON error answers, with the refusals (403, 404) to a signed-in person logged as
    the pages log them: someone probing other teams' addresses shows in the same log."""
    response = exception_handler(exc, context)
    if response is not None and response.status_code in (403, 404):
        log_refusal(context["request"]._request, response.status_code)
    return response
