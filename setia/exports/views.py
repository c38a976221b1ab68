"""Exports of the customers list to CSV and XLSX: the list's rows, only what the user may see.

The rows come from `setia.exports.rows`, which reads the query string with the list's own
QuerySet methods (`visible_to`, `listed`), so an export can never hold a row the list would not
show.
"""

import csv
import tempfile

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from setia.core.http import AuthenticatedHttpRequest, InvalidParameter
from setia.exports.rows import customers_for, headers, rows
from setia.lib.dates import now
from setia.lib.ratelimits import rate_limited

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"  # lets Excel read the file as UTF-8 (Indonesian names, "Rp", …)


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


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
    writer = csv.writer(_Echo())

    def lines():
        yield BOM + writer.writerow(header)
        for row in rows(customers):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@login_required
@permission_required("customers.export_customer", raise_exception=True)
@require_GET
@rate_limited("export", rate_setting="RATE_LIMIT_EXPORT")
def export_customers_xlsx(request: AuthenticatedHttpRequest) -> FileResponse:
    # openpyxl's write-only mode keeps memory flat, but a workbook is a zip whose directory is
    # written last: the file is built in a temporary file first, then streamed from disk.
    customers = _customers(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers())
    for row in rows(customers):
        sheet.append(row)
    output = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it)
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output, as_attachment=True, filename=_filename("xlsx"), content_type=XLSX_TYPE
    )
