"""MkDocs plugin: the letter's header and signature (front matter key ``lettre``) put into its content.

Listed before kit-typography in mkdocs.yml: the French rules then apply to
them, and the search plugin indexes them with the page (the signatory, the NOR
and the addressees find the letter).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mkdocs.plugins import BasePlugin
from mkdocs.structure.pages import Page

from kit.i18n import language_of
from kit.letter import letter_content
from kit.site import NoOptions


class LetterPlugin(BasePlugin[NoOptions]):
    def on_page_content(self, html: str, /, *, page: Page, **_: Any) -> str:
        letter = page.meta.get("lettre")
        if not isinstance(letter, Mapping):
            return html
        return letter_content(html, letter, language_of(page.file.src_uri))
