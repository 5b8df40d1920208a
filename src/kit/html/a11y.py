"""Accessibility fixes applied to the HTML that Markdown produced."""

from __future__ import annotations

import html
import re

from kit.html.text import tokens

# pymdownx.tasklist writes a checkbox with no name: « <label class="task-list-control">
# <input type="checkbox" disabled/><span …></span></label> Text of the item ».
_TASK_ITEM = re.compile(
    r'(<li class="task-list-item">\s*<label class="task-list-control">\s*<input\b)([^>]*?)(\s*/?>)'
    r"(.*?)(?=<ul|<ol|</li>)",
    re.S,
)


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment, tags removed (a space each), entities decoded, spaces collapsed."""
    text = " ".join(run for run, _, _, _ in tokens(fragment))
    # Only ASCII white space: the no-break spaces of French typography stay.
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(text)).strip()


def label_task_checkboxes(page_html: str) -> str:
    """Give each task-list checkbox the text of its item as accessible name (RGAA 11.1).

    Without it, screen readers announce « case à cocher » with nothing else.
    Checkboxes that already have an ``aria-label`` are left alone.
    """
    def add_label(match: re.Match[str]) -> str:
        start, attrs, end, rest = match.groups()
        text = plain_text(rest)
        if "aria-label" in attrs or not text:
            return match.group(0)
        return f'{start}{attrs} aria-label="{html.escape(text, quote=True)}"{end}{rest}'

    return _TASK_ITEM.sub(add_label, page_html)
