"""Fields to fill in: the ``[text]`` of the templates, marked in the HTML and listed."""

from __future__ import annotations

import re

import lxml.html

from kit.html.text import map_text

FIELD_CLASS = "kit-champ"
# A field may run over several lines of the Markdown source.
_FIELD = re.compile(r"\[([^\[\]<>]{1,400})\]")
_NO_FIELDS_IN = {"code", "pre", "script", "style", "a", "textarea", "svg", "mark"}


def mark_fields(html: str) -> str:
    """Wrap every ``[text to fill]`` of ``html``'s text in ``<mark class="kit-champ">``.

    Only text nodes change, never tags, attributes, code or links.
    """
    return map_text(html, lambda text: _FIELD.sub(lambda m: f'<mark class="{FIELD_CLASS}">[{m.group(1)}]</mark>', text),
                    skip=_NO_FIELDS_IN)


def fields_of(html: str) -> list[str]:
    """The fields to fill in ``html`` (after :func:`mark_fields`), in order."""
    root = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")
    return [" ".join(el.text_content().split()) for el in root.xpath(f'.//mark[@class="{FIELD_CLASS}"]')]
