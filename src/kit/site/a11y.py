"""MkDocs plugin: accessibility fixes on each page's HTML (see kit.html.a11y and kit.html.theme_markup)."""

from __future__ import annotations

from typing import Any

from mkdocs.plugins import BasePlugin
from mkdocs.structure.pages import Page

from kit.html.a11y import label_task_checkboxes
from kit.html.theme_markup import fix_content_names, fix_theme_markup, mark_french_quotes
from kit.i18n import DEFAULT_LANGUAGE, language_of
from kit.site import NoOptions


class A11yPlugin(BasePlugin[NoOptions]):
    def on_page_content(self, html: str, /, *, page: Page, **_: Any) -> str:
        """Name the checkboxes of task lists, the footnotes, the permalinks; acronyms take the focus."""
        return fix_content_names(label_task_checkboxes(html), language_of(page.file.src_uri))

    def on_post_page(self, output: str, /, *, page: Page, **_: Any) -> str:
        """The theme's own markup made valid (W3C Nu checker); French quotations of English pages marked."""
        output = fix_theme_markup(output)
        if language_of(page.file.src_uri) != DEFAULT_LANGUAGE:
            output = mark_french_quotes(output)
        return output

    def on_post_template(self, output_content: str, /, *, template_name: str, **_: Any) -> str:
        """The same fixes on pages written from a template alone (404.html)."""
        return fix_theme_markup(output_content) if template_name.endswith(".html") else output_content
