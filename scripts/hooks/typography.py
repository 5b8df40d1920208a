"""MkDocs hook: French typography on French pages, applied after Markdown."""

from __future__ import annotations

import _setup  # noqa: F401  (puts scripts/ on sys.path)
from jinja2 import Environment
from kit.i18n import DEFAULT_LANGUAGE, language_of
from kit.typography import french_html
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink


def _retitle(links: list[AnchorLink]) -> None:
    for link in links:
        link.title = french_html(link.title)
        _retitle(link.children)


def on_env(env: Environment, **_: object) -> Environment:
    # Templates printing front matter (the letter header) apply the same rules: {{ x | french }}.
    env.filters["french"] = french_html
    return env


def on_page_content(html: str, *, page: Page, **_: object) -> str:
    if language_of(page.file.src_uri) != DEFAULT_LANGUAGE:
        return html
    _retitle(list(page.toc))
    if page.title:
        page.title = french_html(page.title)
    return french_html(html)
