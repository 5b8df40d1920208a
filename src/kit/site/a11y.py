"""MkDocs plugin: accessibility fixes on each page's HTML (see kit.a11y)."""

from __future__ import annotations

from typing import Any

from mkdocs.plugins import BasePlugin

from kit.a11y import label_task_checkboxes
from kit.site import NoOptions


class A11yPlugin(BasePlugin[NoOptions]):
    def on_page_content(self, html: str, /, **_: Any) -> str:
        """Name the checkboxes of task lists after their item."""
        return label_task_checkboxes(html)
