"""PDF files of the kit's documents, made by WeasyPrint from their print HTML."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from kit.documents.fetch import LocalOnlyFetcher
from kit.documents.pdfua import finish

STYLESHEET = Path(__file__).with_name("printing.css")


@lru_cache(maxsize=1)
def _fonts() -> Any:
    """The system fonts, loaded once: that saves time on every document."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(html: str, *, base_url: str, fetcher: LocalOnlyFetcher,
               stylesheet: Path = STYLESHEET, leaders: bool = True) -> bytes:
    """The PDF of a complete HTML document, laid out with the kit's print stylesheet."""
    from weasyprint import CSS, HTML

    fonts = _fonts()
    css = CSS(string=stylesheet.read_text(encoding="utf-8"), url_fetcher=fetcher,
              font_config=fonts, base_url=stylesheet.parent.as_uri() + "/")
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[css], font_config=fonts, pdf_variant="pdf/ua-1",
                                    uncompressed_pdf=False)
    return finish(pdf, leaders=leaders)
