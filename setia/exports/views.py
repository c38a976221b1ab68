"""Exports of the customers list to CSV and XLSX: the list's rows, only what the user may see.

The rows come from `setia.exports.rows`, which reads the query string with the list's own
QuerySet methods (`visible_to`, `listed`), so an export can never hold a row the list would not
show.
"""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from setia.core.http import AuthenticatedHttpRequest, InvalidParameter
from setia.exports.rows import customers_for, headers, rows
from setia.lib.dates import now
from setia.lib.ratelimits import rate_limited
from setia.lib.spreadsheets import csv_download, xlsx_download


def _customers(request):
    """The list's customers for the query string; a search the list refuses is a 400 that
    says why, never an export of every customer."""
    try:
        return customers_for(request.user, request.GET)
    except ValidationError as error:
        raise InvalidParameter.refusing(error) from error


def _filename(extension: str) -> str:
    return f"customers-{now().strftime('%Y%m%d-%H%M')}.{extension}"


@login_required
@permission_required("customers.export_customer", raise_exception=True)
@require_GET
@rate_limited("export", rate_setting="RATE_LIMIT_EXPORT")
def export_customers_csv(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    # Headers and queryset are built now, in the user's language and request; the rows are
    # produced while the response streams.
    header = headers()
    customers = _customers(request)
    return csv_download(header, rows(customers), _filename("csv"))


@login_required
@permission_required("customers.export_customer", raise_exception=True)
@require_GET
@rate_limited("export", rate_setting="RATE_LIMIT_EXPORT")
def export_customers_xlsx(request: AuthenticatedHttpRequest) -> FileResponse:
    customers = _customers(request)
    return xlsx_download(headers(), rows(customers), _filename("xlsx"))
