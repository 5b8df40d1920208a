"""PDF files of the kit's documents, made by WeasyPrint from their print HTML."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from kit.documents.fetch import LocalOnlyFetcher
from kit.documents.pdfua import finish

STYLESHEET = Path(__file__).with_name("printing.css")
# What changes from the kit's A4 layout for the other page sizes: the page, and a poster enlarged with it.
PAPER_CSS = {
    "A4": "",
    "A3": "@page { size: A3; } .kit-affiche { font-size: 20pt; border-width: 3.5mm; padding: 12mm 14mm; }",
}


@lru_cache(maxsize=1)
def _fonts() -> Any:
    """The system fonts, loaded once: that saves time on every document."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(html: str, *, base_url: str, fetcher: LocalOnlyFetcher,
               stylesheet: Path = STYLESHEET, paper: str = "A4", leaders: bool = True) -> bytes:
    """The PDF of a complete HTML document, laid out with the kit's print stylesheet on ``paper`` (A4, A3)."""
    from weasyprint import CSS, HTML

    fonts = _fonts()
    css = CSS(string=stylesheet.read_text(encoding="utf-8"), url_fetcher=fetcher,
              font_config=fonts, base_url=stylesheet.parent.as_uri() + "/")
    sheets = [css]
    if PAPER_CSS[paper]:
        # After the kit's stylesheet, so that its rules win over the A4 ones.
        sheets.append(CSS(string=PAPER_CSS[paper], font_config=fonts))
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=sheets, font_config=fonts, pdf_variant="pdf/ua-1",
                                    uncompressed_pdf=False)
    return finish(pdf, leaders=leaders)
