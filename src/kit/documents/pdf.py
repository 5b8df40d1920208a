"""PDF files of the kit's documents, made by WeasyPrint from their print HTML.

A document's links to the site's pages are not printed: its layout is the same whatever the
site's address. It is laid out once with its links under :data:`LINK_ROOT`, and :func:`relink`
points them at a real address afterwards, in milliseconds. So the PDFs made for ``make serve``'s
local address serve the publication on the intranet, and those of one version the next: mike
gives each version an address of its own (``…/1.1/``), and only the pages that changed are laid
out again.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

import pikepdf

from kit.documents.fetch import LocalOnlyFetcher
from kit.documents.pdfua import finish, saved

# The site's root in the links of a document laid out for any address (``.invalid`` is reserved: RFC 2606).
LINK_ROOT = "https://adresse-du-kit.invalid/"

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


def relink(data: bytes, site_url: str) -> bytes:
    """The PDF ``data``, laid out with its links under :data:`LINK_ROOT`, with them under ``site_url`` instead.

    Only the targets of the link annotations change: the pages, their text and the structure tree
    are the very objects of the layout, so the result is the PDF that a layout for ``site_url``
    would have given. ValueError if ``data`` is not a readable PDF (a damaged copy in a cache).
    """
    old, new = LINK_ROOT.encode("ascii"), site_url.encode("utf-8")
    try:
        opened = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as error:
        raise ValueError(f"PDF illisible : {error}") from error
    with opened as pdf:
        for page in pdf.pages:
            for annotation in page.obj.get("/Annots", []):
                action = annotation.get("/A")
                if action is None or "/URI" not in action:
                    continue
                target = bytes(action.URI)
                if target.startswith(old):
                    action.URI = pikepdf.String(new + target[len(old):])
        return saved(pdf)
