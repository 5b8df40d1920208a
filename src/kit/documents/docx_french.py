"""French Word documents: language, and a style for the fields to fill in.

python-docx starts from a template written in American English: its default
language, its theme font language and every style say ``en-US``, so Word
spell-checks French as English and labels an exported PDF as English. This
module makes a document French everywhere (defaults, theme, styles, every
run of the body, headers and footers), and gives the fields to fill in a
character style of their own, « Champ à remplir », highlighted in yellow.
"""

from __future__ import annotations

import re

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.styles.style import CharacterStyle
from lxml.etree import _Element

LANGUAGE = "fr-FR"
FIELD_STYLE = "Champ à remplir"
_LANG_ATTRIBUTES = ("w:val", "w:eastAsia")


def _child(parent: _Element, tag: str, *, first: bool = False) -> _Element:
    """``parent``'s ``tag`` child, created (as first or last child) when missing."""
    child = parent.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        if first:
            parent.insert(0, child)
        else:
            parent.append(child)
    return child


def _french(element: _Element) -> None:
    """Every language attribute of ``element`` set to French."""
    for attribute in _LANG_ATTRIBUTES:
        element.set(qn(attribute), LANGUAGE)


def _set_lang(r_pr: _Element) -> None:
    """Set ``<w:lang>`` of a run-properties element to French (created when missing)."""
    _french(_child(r_pr, "w:lang"))


def _r_pr(parent: _Element) -> _Element:
    return _child(parent, "w:rPr", first=True)


def field_style(document: Document) -> CharacterStyle:
    """The « Champ à remplir » character style (yellow highlight), created once."""
    styles = document.styles
    if FIELD_STYLE in [style.name for style in styles]:
        style = styles[FIELD_STYLE]
        assert isinstance(style, CharacterStyle)
        return style
    style = styles.add_style(FIELD_STYLE, WD_STYLE_TYPE.CHARACTER)
    assert isinstance(style, CharacterStyle)
    style.font.highlight_color = WD_COLOR_INDEX.YELLOW
    style.quick_style = True  # shown in the style gallery
    return style


def make_french(document: Document) -> None:
    """Make ``document`` French everywhere Word and LibreOffice read a language."""
    styles_element = document.styles.element
    defaults = _child(styles_element, "w:docDefaults", first=True)
    r_pr_default = _child(defaults, "w:rPrDefault", first=True)
    _set_lang(_r_pr(r_pr_default))
    for lang in styles_element.iter(qn("w:lang")):
        _french(lang)
    _french(_child(document.settings.element, "w:themeFontLang"))
    # Every run says it too: text pasted elsewhere keeps its language.
    parts = [document.element.body]
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if not part.is_linked_to_previous:
                parts.append(part._element)
    for part in parts:
        for run in part.iter(qn("w:r")):
            _set_lang(_r_pr(run))
    # The template also carries a copy of its styles for Word 2010 (stylesWithEffects.xml).
    for rel in document.part.rels.values():
        target = rel.target_part if not rel.is_external else None
        if target is not None and str(target.partname).endswith("/stylesWithEffects.xml"):
            blob = re.sub(rb'(w:(?:val|eastAsia)=")en-US"', rb'\1' + LANGUAGE.encode() + b'"', target.blob)
            target._blob = blob
