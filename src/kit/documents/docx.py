"""Editable DOCX files of the templates, made from their print HTML with python-docx."""

from __future__ import annotations

import copy
import io
import re
from dataclasses import dataclass

import docx
import lxml.html
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml.html import HtmlElement

from kit.calendar.xlsx import without_clock
from kit.documents import docx_french
from kit.documents.fields import FIELD_CLASS
from kit.documents.html import CHROME_CLASSES, CHROME_TAGS, classes_of, remove_element
from kit.documents.registry import (
    AUTHOR,
    KIT_SUBTITLE,
    KIT_TITLE,
    MINISTRY,
    STATE,
    PrintPage,
    plain_title,
)

_HEADINGS = {"h1": 0, "h2": 1, "h3": 2, "h4": 3, "h5": 4, "h6": 4}
_BLUE = RGBColor(0x00, 0x00, 0x91)


@dataclass
class _Run:
    bold: bool = False
    italic: bool = False
    field: bool = False
    superscript: bool = False


def _add_text(paragraph: Paragraph, text: str, style: _Run) -> None:
    if not text:
        return
    text = re.sub(r"\s+", " ", text)
    run = paragraph.add_run(text)
    run.bold = style.bold or None
    run.italic = style.italic or None
    if style.superscript:
        run.font.superscript = True
    if style.field:
        # The style names the field in Word; the highlight shows it in LibreOffice too
        # (which does not read a highlight from a character style).
        run.style = docx_french.FIELD_STYLE
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _inline(paragraph: Paragraph, el: HtmlElement, style: _Run) -> None:
    """Add the text of ``el`` (its children, not its tail) to ``paragraph``."""
    _add_text(paragraph, el.text or "", style)
    for child in el:
        if not isinstance(child.tag, str):
            _add_text(paragraph, child.tail or "", style)
            continue
        classes = classes_of(child)
        inner = _Run(**vars(style))
        if child.tag in ("strong", "b"):
            inner.bold = True
        elif child.tag in ("em", "i"):
            inner.italic = True
        elif child.tag == "sup":
            inner.superscript = True
        if child.tag == "mark" or FIELD_CLASS in classes:
            inner.field = True
        if child.tag == "br":
            paragraph.add_run().add_break()
            _add_text(paragraph, (child.tail or "").lstrip(), style)  # no space at the start of a line
            continue
        elif child.tag in ("label", "input") or "task-list-control" in classes:
            _add_text(paragraph, "☐ ", style)
        elif "headerlink" in classes or "footnote-backref" in classes:
            pass
        else:
            _inline(paragraph, child, inner)
            if child.tag == "a" and child.get("href", "").startswith(("http://", "https://")):
                href = child.get("href", "")
                if " ".join(child.text_content().split()).rstrip("/") != href.rstrip("/"):
                    _add_text(paragraph, f" ({href})", style)
        _add_text(paragraph, child.tail or "", style)


_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "div", "blockquote",
           "details", "hr", "dl", "section", "article", "summary"}


def _has_blocks(el: HtmlElement) -> bool:
    return any(isinstance(child.tag, str) and child.tag in _BLOCKS for child in el)


def _cell_blocks(cell, el: HtmlElement) -> None:
    """Fill a table cell (its first paragraph exists already)."""
    first = cell.paragraphs[0]
    if _has_blocks(el):
        _inline_text_only(first, el)
        _blocks(cell, el)
    else:
        _inline(first, el, _Run(bold=el.tag == "th"))


def _inline_text_only(paragraph: Paragraph, el: HtmlElement) -> None:
    _add_text(paragraph, (el.text or "").strip(), _Run())


def _list(container, el: HtmlElement, depth: int) -> None:
    style = "List Number" if el.tag == "ol" else "List Bullet"
    if depth:
        style += f" {min(depth + 1, 3)}"
    for li in el.findall("li"):
        paragraph = container.add_paragraph(style=style)
        # Text before any nested block, then the nested blocks.
        head = copy.deepcopy(li)
        for child in list(head):
            if isinstance(child.tag, str) and child.tag in _BLOCKS and child.tag != "p":
                head.remove(child)
        if head.find("p") is not None:
            for i, p in enumerate(head.findall("p")):
                if i:
                    paragraph = container.add_paragraph(style=style)
                _inline(paragraph, p, _Run())
        else:
            _inline(paragraph, head, _Run())
        for child in li:
            if child.tag in ("ul", "ol"):
                _list(container, child, depth + 1)


def _table(container, el: HtmlElement) -> None:
    rows = el.xpath("./thead/tr|./tbody/tr|./tr")
    if not rows:
        return
    width = max(len(row.xpath("./th|./td")) for row in rows)
    table = container.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    for index, row in enumerate(rows):
        cells = row.xpath("./th|./td")
        docx_row = table.add_row()
        if index == 0 and row.getparent().tag == "thead":
            # Header rows repeat at the top of every printed page.
            tr_pr = docx_row._tr.get_or_add_trPr()
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            tr_pr.append(header)
        for col, cell in enumerate(cells):
            _cell_blocks(docx_row.cells[col], cell)
    container.add_paragraph()


def _blocks(container, root: HtmlElement) -> None:
    """Add the block elements under ``root`` to ``container`` (document or cell)."""
    for el in root:
        if not isinstance(el.tag, str):
            continue
        classes = classes_of(el)
        if classes & (CHROME_CLASSES | {"footnote", "kit-consigne"}) or el.tag in CHROME_TAGS:
            if "footnote" in classes:
                _footnotes(container, el)
            continue
        if el.tag in _HEADINGS:
            paragraph = container.add_heading(level=_HEADINGS[el.tag]) if hasattr(
                container, "add_heading") else container.add_paragraph()
            _inline(paragraph, el, _Run())
        elif el.tag == "p":
            paragraph = container.add_paragraph()
            _inline(paragraph, el, _Run())
            if "kit-droite" in classes:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT  # the letter's place and date
            elif classes & {"kit-destinataire", "kit-signature"}:
                paragraph.paragraph_format.left_indent = Cm(8.5)  # recipient and signature blocks
        elif el.tag in ("ul", "ol"):
            _list(container, el, 0)
        elif el.tag == "table":
            _table(container, el)
        elif el.tag == "hr":
            container.add_paragraph("—" * 3).alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif el.tag == "dl":
            for item in el:
                paragraph = container.add_paragraph()
                _inline(paragraph, item, _Run(bold=item.tag == "dt"))
        elif el.tag in ("div", "section", "article", "blockquote", "details", "figure"):
            if "admonition" in classes:
                title = el.find("p")
                if title is not None and "admonition-title" in classes_of(title):
                    paragraph = container.add_paragraph()
                    _inline(paragraph, title, _Run(bold=True))
                    rest = copy.deepcopy(el)
                    rest.remove(rest.find("p"))
                    _blocks(container, rest)
                    continue
            if _has_blocks(el):
                _blocks(container, el)
            else:
                paragraph = container.add_paragraph()
                _inline(paragraph, el, _Run())
        elif el.tag == "summary":
            paragraph = container.add_paragraph()
            _inline(paragraph, el, _Run(bold=True))


def _footnotes(container, el: HtmlElement) -> None:
    for number, li in enumerate(el.xpath("./ol/li"), start=1):
        paragraph = container.add_paragraph()
        _add_text(paragraph, f"{number}. ", _Run())
        for p in li.findall("p") or [li]:
            _inline(paragraph, p, _Run())
        for run in paragraph.runs:
            run.font.size = Pt(9)


def _page_number(paragraph: Paragraph) -> None:
    """Add « Page N sur M » as Word fields, updated by Word and LibreOffice."""
    def field(instruction: str) -> None:
        run = paragraph.add_run()
        simple = OxmlElement("w:fldSimple")
        simple.set(qn("w:instr"), instruction)
        inner = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        inner.append(text)
        simple.append(inner)
        run._r.addnext(simple)

    paragraph.add_run("Page ")
    field("PAGE")
    paragraph.add_run(" sur ")
    field("NUMPAGES")


def render_docx(page: PrintPage, *, keywords: str = "forums sécurité 2009; modèle",
                comments: str = "Remplacez les passages surlignés en jaune, crochets compris.") -> bytes:
    """An editable Word document of ``page``, its fields to fill highlighted in yellow."""
    document = docx.Document()
    docx_french.field_style(document)
    styles = document.styles
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(11)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        style = styles[name]
        style.font.name = "Arial"
        style.font.color.rgb = _BLUE
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2)
    header = section.header.paragraphs[0]
    state = header.add_run(STATE.upper())
    state.bold = True
    state.font.size = Pt(8)
    header.add_run().add_break()
    ministry = header.add_run(MINISTRY)
    ministry.font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    footer.add_run(f"{KIT_TITLE} – {plain_title(page.title)} – ")
    _page_number(footer)
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for run in footer.runs:
        run.font.size = Pt(8)

    props = document.core_properties
    props.title = plain_title(page.title)
    props.author = AUTHOR
    props.subject = f"{KIT_TITLE} – {KIT_SUBTITLE}"
    props.language = "fr-FR"
    props.keywords = keywords
    props.comments = comments

    root = lxml.html.fragment_fromstring(page.html or "<p></p>", create_parent="div")
    # The page's title (« Modèle : ... ») names the template, not the document to send.
    for h1 in root.iter("h1"):
        remove_element(h1)
        break
    _blocks(document, root)
    docx_french.make_french(document)
    out = io.BytesIO()
    document.save(out)
    return without_clock(out.getvalue())
