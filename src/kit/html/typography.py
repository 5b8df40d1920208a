"""French typography applied to rendered HTML.

The sources stay plain: the rules are applied to the text nodes of the HTML
that Markdown produced, never inside tags (so never inside attributes or
URLs) and never inside code, preformatted text, scripts or styles.
"""

from __future__ import annotations

import re

from kit.html.text import map_text_in_context

NBSP = "\u00a0"  # espace insécable, before « : » and inside guillemets
NNBSP = "\u202f"  # espace fine insécable, before ; ! ? and %

# Elements whose text is never touched.
_SKIP = {"code", "pre", "script", "style", "kbd", "samp", "textarea", "svg", "math"}
# Inline elements: the text on either side of their tags reads as one run.
_INLINE = {"a", "abbr", "b", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q", "s", "samp",
           "small", "span", "strong", "sub", "sup", "time", "u", "var"}
_ENTITY = re.compile(r"(&#?\w+;)")

# A punctuation mark followed by a space, the end of the text node or a
# closing quote: never the colon of « http:// », « 18:30 » or « ?x=1 ».
_AFTER = r"(?=\s|$|[»)\]])"
_RULES: list[tuple[re.Pattern[str], str]] = [
    # « ; ! ? »: narrow no-break space, replacing any space before them.
    (re.compile(r"(?<=[^\s;!?])[ \u00a0\u202f]?([;!?])" + _AFTER), NNBSP + r"\1"),
    # « : »: no-break space.
    (re.compile(r"(?<=\S)[ \u00a0\u202f]?:" + _AFTER), NBSP + ":"),
    # Guillemets: no-break space inside.
    (re.compile(r"«[ \u00a0\u202f]*"), "«" + NBSP),
    (re.compile(r"[ \u00a0\u202f]*»"), NBSP + "»"),
    # A number and « % ».
    (re.compile(r"(?<=\d)[ \u00a0\u202f]?%"), NNBSP + "%"),
]


def french_text(text: str, before: str = "") -> str:
    """Apply the French no-break space rules to a run of plain text.

    ``before`` is the last character of the text that precedes this run in the
    document (across inline tags such as ``</strong>`` or ``</abbr>``): a
    punctuation mark at the start of the run then gets its no-break space too.
    HTML entities (``&amp;``, ``&#39;``) are kept whole: their « ; » is not
    punctuation.
    """
    parts = _ENTITY.split(text)
    for i in range(0, len(parts), 2):
        # What precedes this part (the previous entity reads as a letter), reduced to what the rules
        # look at, and put in front of it for their look-behinds only.
        context = _context(_last_char(before) if i == 0 else "x")
        chunk = _apply(context + parts[i])
        parts[i] = chunk[len(context):] if chunk.startswith(context) else _apply(parts[i])
    return "".join(parts)


def _apply(text: str) -> str:
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def _context(char: str) -> str:
    """The character before a run, as the rules see it: space, « ; ! ? », digit, « or letter."""
    if not char:
        return ""
    if char.isspace():
        return " "
    if char in ";!?«":
        return char
    return "0" if char.isdigit() else "x"


def _last_char(text: str) -> str:
    """The last character of ``text`` as context for the next run (an entity reads as a letter)."""
    if not text:
        return ""
    return "x" if _ENTITY.search(text[-10:]) and text.endswith(";") else text[-1]


def french_html(html: str) -> str:
    """Apply :func:`french_text` to every text node of ``html`` that may change.

    The text nodes are read in document order, each with the text before it,
    so that « <strong>habitudes</strong> : » or « <abbr>Balu</abbr> ; » get
    their no-break space as plain text does. Block-level tags reset that context.
    """
    return map_text_in_context(html, french_text, skip=_SKIP, inline=_INLINE)
