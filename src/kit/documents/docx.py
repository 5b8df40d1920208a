"""Editable DOCX files of the templates, made from their print HTML with python-docx."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import docx
import lxml.html
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph

from kit.calendar.xlsx import without_clock
from kit.documents import docx_french
from kit.documents.fields import FIELD_CLASS
from kit.documents.html import CHROME_CLASSES, CHROME_TAGS, remove_element
from kit.documents.registry import (
    AUTHOR,
    KIT_SUBTITLE,
    KIT_TITLE,
    MINISTRY,
    STATE,
    PrintPage,
    plain_title,
)
from kit.documents.walk import PLAIN, OfficeWalker, ParagraphKind, Run

_HEADINGS = {"h1": 0, "h2": 1, "h3": 2, "h4": 3, "h5": 4, "h6": 4}
_BLUE = RGBColor(0x00, 0x00, 0x91)


@dataclass(frozen=True)
class _List:
    """A list being written: its paragraphs go to ``container``, in ``style``."""

    container: Any
    style: str


class _DocxWriter(OfficeWalker[Any, Paragraph]):
    """The page's HTML written into a python-docx document (or a table cell of it)."""

    footnotes = True

    def paragraph(self, container: Any, kind: ParagraphKind = "body") -> Paragraph:
        paragraph = container.add_paragraph()
        if kind == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT  # the letter's place and date
        elif kind == "indent":
            paragraph.paragraph_format.left_indent = Cm(8.5)  # recipient and signature blocks
        return paragraph

    def heading(self, container: Any, tag: str) -> Paragraph:
        if hasattr(container, "add_heading"):
            return container.add_heading(level=_HEADINGS[tag])
        return container.add_paragraph()

    def text(self, paragraph: Paragraph, text: str, run: Run) -> None:
        written = paragraph.add_run(text)
        written.bold = run.bold or None
        written.italic = run.italic or None
        if run.superscript:
            written.font.superscript = True
        if run.field:
            # The style names the field in Word; the highlight shows it in LibreOffice too
            # (which does not read a highlight from a character style).
            written.style = docx_french.FIELD_STYLE
            written.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def line_break(self, paragraph: Paragraph) -> None:
        paragraph.add_run().add_break()

    def rule(self, container: Any) -> None:
        container.add_paragraph("—" * 3).alignment = WD_ALIGN_PARAGRAPH.CENTER

    def start_list(self, container: Any, ordered: bool, depth: int) -> _List:
        # Word's list styles carry the level: « List Bullet », « List Bullet 2 », « List Bullet 3 ».
        style = "List Number" if ordered else "List Bullet"
        if depth:
            style += f" {min(depth + 1, 3)}"
        return _List(container, style)

    def start_item(self, listing: _List) -> Any:
        return listing.container  # nested lists follow the item, one level further in

    def item_paragraph(self, listing: _List, item: Any) -> Paragraph:
        return listing.container.add_paragraph(style=listing.style)

    def start_table(self, container: Any, width: int) -> Table:
        table = container.add_table(rows=0, cols=width)
        table.style = "Table Grid"
        return table

    def start_row(self, table: Table, index: int, header: bool) -> _Row:
        row = table.add_row()
        if index == 0 and header:
            # Header rows repeat at the top of every printed page.
            tr_pr = row._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            tr_pr.append(repeat)
        return row

    def cell(self, row: _Row, column: int, header: bool) -> Any:
        return row.cells[column]

    def cell_paragraph(self, cell: Any) -> Paragraph:
        return cell.paragraphs[0]  # a new cell has one empty paragraph

    def cell_lead(self, cell: Any, text: str) -> None:
        self.write(cell.paragraphs[0], text, PLAIN)

    def end_table(self, container: Any, table: Table) -> None:
        container.add_paragraph()

    def end_footnote(self, paragraph: Paragraph) -> None:
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
    _DocxWriter(skip_classes=CHROME_CLASSES | {"footnote", "kit-consigne"}, skip_tags=CHROME_TAGS,
                field_class=FIELD_CLASS).blocks(document, root)
    docx_french.make_french(document)
    out = io.BytesIO()
    document.save(out)
    return without_clock(out.getvalue())
