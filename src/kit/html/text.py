"""The one HTML tokenizer and text-node walker: change the text of a page, never its tags, attributes or code.

:func:`tokens` cuts HTML into runs of text and the markup after each: tags
(whose quoted attribute values may hold « > »), comments, declarations, and
``<script>``/``<style>`` elements whole (their content is raw text, never
markup nor text to change). :func:`map_text` and :func:`map_text_in_context`
change the runs of text; :mod:`kit.html.theme_markup` reads the same tokens.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator

# The attributes of a tag: anything up to its « > », values in quotes read whole.
ATTRIBUTES = r"""[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*"""
# A start, end or empty tag (« / » before its name in group 1, its name in group 2, its attributes in
# group 3), a comment or a declaration (« <!DOCTYPE html> »).
_MARKUP = re.compile(rf"<(/?)([a-zA-Z][a-zA-Z0-9-]*)({ATTRIBUTES})>|<!--.*?-->|<![^>]*>", re.S)
# Elements whose content is raw text: read whole, up to their end tag.
_RAW_TEXT = {"script": re.compile(r"</script\s*>", re.I), "style": re.compile(r"</style\s*>", re.I)}

# Kinds of markup.
START, END, WHOLE = 1, -1, 0


def tokens(html: str) -> Iterator[tuple[str, str, str, int]]:
    """``(text, markup, name, kind)`` for each piece of markup of ``html``, in order.

    ``text`` is the run of text before the markup; ``name`` the tag's name in
    lower case (``""`` for a comment or a declaration); ``kind`` is
    :data:`START`, :data:`END` or :data:`WHOLE` (an empty tag such as
    ``<br/>``, a comment, a declaration, or a ``<script>``/``<style>`` element
    with its content). The last item carries the text after the last markup,
    with ``markup == ""``.
    """
    pos = 0
    search = _MARKUP.search
    while (match := search(html, pos)) is not None:
        name = (match.group(2) or "").lower()
        end = match.end()
        if match.group(1):
            kind = END
        elif not name or match.group(3).endswith("/"):
            kind = WHOLE
        else:
            kind = START
            closing = _RAW_TEXT.get(name)
            if closing is not None:
                found = closing.search(html, end)
                end = found.end() if found is not None else len(html)
                kind = WHOLE
        yield html[pos:match.start()], html[match.start():end], name, kind
        pos = end
    yield html[pos:], "", "", WHOLE


def map_text_in_context(html: str, change: Callable[[str, str], str], *, skip: Collection[str],
                        inline: Collection[str]) -> str:
    """``html`` with ``change(text, before)`` applied to every run of text outside the elements named in ``skip``.

    ``before`` is the last run of text read before this one (changed or
    skipped) when only inline tags (named in ``inline``) separate them, so that
    « <strong>mot</strong> : » reads as one run; any other tag empties it.
    """
    out: list[str] = []
    skip_depth = 0
    before = ""
    for text, markup, name, kind in tokens(html):
        if not skip_depth:
            text = change(text, before)
        out.append(text)
        out.append(markup)
        before = text or before
        if kind and name in skip:
            skip_depth = max(0, skip_depth + kind)
        if name and name not in inline:
            before = ""
    return "".join(out)


def map_text(html: str, change: Callable[[str], str], *, skip: Collection[str]) -> str:
    """``html`` with ``change`` applied to every run of text outside the elements named in ``skip``."""
    return map_text_in_context(html, lambda text, _before: change(text), skip=skip, inline=())
