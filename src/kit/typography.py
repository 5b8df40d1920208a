"""French typography applied to rendered HTML.

The sources stay plain: the rules are applied to the text nodes of the HTML
that Markdown produced, never inside tags (so never inside attributes or
URLs) and never inside code, preformatted text, scripts or styles.
"""

from __future__ import annotations

import re

from kit.htmltext import map_text

NBSP = "\u00a0"  # espace insécable, before « : » and inside guillemets
NNBSP = "\u202f"  # espace fine insécable, before ; ! ? and %

# Elements whose text is never touched.
_SKIP = {"code", "pre", "script", "style", "kbd", "samp", "textarea", "svg", "math"}
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


def french_text(text: str) -> str:
    """Apply the French no-break space rules to a run of plain text.

    HTML entities (``&amp;``, ``&#39;``) are kept whole: their « ; » is not
    punctuation.
    """
    parts = _ENTITY.split(text)
    for i in range(0, len(parts), 2):
        for pattern, replacement in _RULES:
            parts[i] = pattern.sub(replacement, parts[i])
    return "".join(parts)


def french_html(html: str) -> str:
    """Apply :func:`french_text` to every text node of ``html`` that may change."""
    return map_text(html, french_text, skip=_SKIP)
