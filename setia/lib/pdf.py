"""PDF files made with WeasyPrint from an HTML print template. Nothing is fetched: no
stylesheet, image or font from outside the document (fonts are the system's), so a PDF made
offline is the same as one made online.

WeasyPrint needs the Pango library of the operating system and fails to import without it;
`PdfUnavailable` says so in the reader's language and how to install it.
"""

from django.utils.translation import gettext as _

PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"


class PdfUnavailable(Exception):
    """WeasyPrint cannot run here (its system libraries are missing)."""

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        return _(
            "PDFs cannot be made on this server: WeasyPrint needs the Pango library. "
            "An administrator installs it with: apt-get install %(packages)s"
        ) % {"packages": PANGO_PACKAGES}


def inline_svg(chart) -> str | None:
    """A pygal chart as an inline <svg> element (without the XML declaration)."""
    if chart is None:
        return None
    text = chart.render(is_unicode=True)
    return text.split("?>", 1)[1] if text.startswith("<?xml") else text


def _no_fetching(url: str, *args, **kwargs):
    # Everything a PDF shows is in its HTML; a URL reaching here is a mistake, not a fetch.
    raise ValueError(f"PDFs fetch nothing ({url[:40]})")


def render_pdf(document: str) -> bytes:
    """`document` (HTML) as PDF bytes; `PdfUnavailable` when WeasyPrint cannot run here."""
    try:
        import weasyprint  # noqa: PLC0415  (here, so a server without Pango still starts)
    except (ImportError, OSError) as error:
        # OSError: WeasyPrint is installed but the Pango libraries it loads are not.
        raise PdfUnavailable from error
    return weasyprint.HTML(string=document, url_fetcher=_no_fetching).write_pdf()
