"""MkDocs plugin: French typography on French pages, applied after Markdown."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment
from mkdocs.plugins import BasePlugin
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink

from kit.html.typography import french_html
from kit.i18n import DEFAULT_LANGUAGE, language_of
from kit.site import NoOptions


def _retitle(links: list[AnchorLink]) -> None:
    for link in links:
        link.title = french_html(link.title)
        _retitle(link.children)


class TypographyPlugin(BasePlugin[NoOptions]):
    def on_env(self, env: Environment, /, **_: Any) -> Environment:
        # Templates printing front matter (the letter header) apply the same rules: {{ x | french }}.
        env.filters["french"] = french_html
        return env

    def on_page_content(self, html: str, /, *, page: Page, **_: Any) -> str:
        if language_of(page.file.src_uri) != DEFAULT_LANGUAGE:
            return html
        _retitle(list(page.toc))
        if page.title:
            page.title = french_html(page.title)
        return french_html(html)
