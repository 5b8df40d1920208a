"""MkDocs hook: the letter's header and signature (front matter key ``lettre``) put into its content.

Runs before the typography hook (French rules apply to them) and before the
search plugin indexes the page (the signatory, the NOR and the addressees are
found by the search).
"""

from __future__ import annotations

from collections.abc import Mapping

import _setup  # noqa: F401  (puts scripts/ on sys.path)
from kit.i18n import language_of
from kit.letter import letter_content
from mkdocs.structure.pages import Page


def on_page_content(html: str, *, page: Page, **_: object) -> str:
    letter = page.meta.get("lettre")
    if not isinstance(letter, Mapping):
        return html
    return letter_content(html, letter, language_of(page.file.src_uri))
