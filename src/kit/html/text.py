"""The one HTML text-node walker: change the text of a page, never its tags, attributes or code."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

# A start, end or empty tag (its name in group 2), or a comment.
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>|<!--.*?-->", re.S)


def map_text(html: str, change: Callable[[str], str], *, skip: Collection[str]) -> str:
    """``html`` with ``change`` applied to every run of text outside the elements named in ``skip``."""
    out: list[str] = []
    skip_depth = 0
    pos = 0
    for match in _TAG.finditer(html):
        text = html[pos : match.start()]
        out.append(text if skip_depth else change(text))
        out.append(match.group(0))
        closing, name, self_closing = match.group(1), (match.group(2) or "").lower(), match.group(3)
        if name in skip and not self_closing:
            skip_depth = max(0, skip_depth + (-1 if closing else 1))
        pos = match.end()
    tail = html[pos:]
    out.append(tail if skip_depth else change(tail))
    return "".join(out)


def map_text_in_context(html: str, change: Callable[[str, str], str], *, skip: Collection[str],
                        inline: Collection[str]) -> str:
    """Like :func:`map_text`, but ``change(text, before)`` also gets the text that precedes the run.

    ``before`` is the last run of text read before this one (changed or
    skipped) when only inline tags (named in ``inline``) separate them, so that
    « <strong>mot</strong> : » reads as one run; any other tag empties it.
    """
    out: list[str] = []
    skip_depth = 0
    pos = 0
    before = ""
    for match in _TAG.finditer(html):
        text = html[pos : match.start()]
        if not skip_depth:
            text = change(text, before)
        out.append(text)
        before = text or before
        out.append(match.group(0))
        closing, name, self_closing = match.group(1), (match.group(2) or "").lower(), match.group(3)
        if name in skip and not self_closing:
            skip_depth = max(0, skip_depth + (-1 if closing else 1))
        if name and name not in inline:
            before = ""
        pos = match.end()
    tail = html[pos:]
    out.append(tail if skip_depth else change(tail, before))
    return "".join(out)
