"""MkDocs hook: accessibility fixes on each page's HTML (see kit.a11y)."""

from __future__ import annotations

import _setup  # noqa: F401
from kit.a11y import label_task_checkboxes


def on_page_content(html: str, **_: object) -> str:
    """Name the checkboxes of task lists after their item."""
    return label_task_checkboxes(html)
