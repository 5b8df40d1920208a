"""Templates as OpenDocument text (ODT), written with odfpy.

The State's interoperability framework (RGI) asks administrations to exchange
editable documents in ODF: each template to fill in is also offered as an
ODT file, made from the same HTML as its page, PDF and DOCX. It is a French
document (``fr-FR`` in the default style and the metadata), its headings use
the standard « Titre 1… » styles with their outline level (LibreOffice's
navigator and Word's navigation pane list them), and every field to fill in
carries the « Champ à remplir » character style, highlighted in yellow, with
its brackets.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import lxml.html
from lxml.html import HtmlElement
from odf import dc, teletype
from odf.element import Element
from odf.opendocument import OpenDocumentText
from odf.style import (
    DefaultStyle,
    Footer,
    Header,
    ListLevelProperties,
    MasterPage,
    PageLayout,
    PageLayoutProperties,
    ParagraphProperties,
    Style,
    TableCellProperties,
    TableProperties,
    TextProperties,
)
from odf.table import Table, TableCell, TableColumn, TableHeaderRows, TableRow
from odf.text import (
    H,
    LineBreak,
    List,
    ListItem,
    ListLevelStyleBullet,
    ListLevelStyleNumber,
    ListStyle,
    P,
    PageCount,
    PageNumber,
    Span,
)

from kit.calendar.xlsx import without_clock
from kit.documents.fields import FIELD_CLASS
from kit.documents.html import CHROME_CLASSES, classes_of
from kit.documents.registry import AUTHOR, KIT_SUBTITLE, KIT_TITLE, MINISTRY, STATE, PrintPage, plain_title

LANGUAGE, COUNTRY = "fr", "FR"
FIELD_STYLE = "Champ_20_a_20_remplir"  # display name « Champ à remplir »
FIELD_COLOUR = "#ffff00"
_BLUE = "#000091"
_HEADING_LEVELS = {"h1": 1, "h2": 1, "h3": 2, "h4": 3, "h5": 4, "h6": 4}
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "div", "blockquote",
           "details", "hr", "dl", "section", "article", "summary", "figure"}


@dataclass(frozen=True)
class OdtPage:
    """What an ODT file is made of: the page's title and its rendered article."""

    title: str  # the document's title (metadata and footer)
    html: str  # the page's content, fields already marked (``<mark class="kit-champ">``)
    header_lines: tuple[str, ...]  # running header, first line in capitals
    footer_text: str  # running footer, before « Page N sur M »
    subject: str = ""
    author: str = ""
    skip_classes: frozenset[str] = frozenset()  # screen furniture and instructions left out
    field_class: str = "kit-champ"


@dataclass(frozen=True)
class _Run:
    bold: bool = False
    italic: bool = False
    superscript: bool = False
    field: bool = False


_PLAIN = _Run()


class _Writer:
    """One ODT document being written: its styles, then its body."""

    def __init__(self, page: OdtPage) -> None:
        self.page = page
        self.doc = OpenDocumentText()
        self._spans: dict[_Run, str] = {}
        self._styles()

    # Styles --------------------------------------------------------------

    def _styles(self) -> None:
        doc = self.doc
        base = {"fontfamily": "'Liberation Sans', Arial", "fontsize": "11pt",
                "language": LANGUAGE, "country": COUNTRY}
        # The document's language: the default of every paragraph and of every style.
        default = DefaultStyle(family="paragraph")
        default.addElement(TextProperties(attributes=base))
        doc.styles.addElement(default)
        standard = Style(name="Standard", family="paragraph", attributes={"class": "text"})
        standard.addElement(TextProperties(attributes=base))
        standard.addElement(ParagraphProperties(marginbottom="0.2cm"))
        doc.styles.addElement(standard)
        body = Style(name="Text_20_body", displayname="Text body", family="paragraph",
                     parentstylename="Standard", attributes={"class": "text"})
        body.addElement(ParagraphProperties(margintop="0cm", marginbottom="0.25cm"))
        doc.styles.addElement(body)
        heading = Style(name="Heading", family="paragraph", parentstylename="Standard",
                        nextstylename="Text_20_body", attributes={"class": "text"})
        heading.addElement(ParagraphProperties(margintop="0.4cm", marginbottom="0.2cm", keepwithnext="always"))
        heading.addElement(TextProperties(color=_BLUE, fontweight="bold"))
        doc.styles.addElement(heading)
        for level, size in ((1, "16pt"), (2, "13pt"), (3, "11.5pt"), (4, "11pt")):
            style = Style(name=f"Heading_20_{level}", displayname=f"Heading {level}", family="paragraph",
                          parentstylename="Heading", nextstylename="Text_20_body",
                          defaultoutlinelevel=str(level), attributes={"class": "text"})
            style.addElement(TextProperties(fontsize=size, fontweight="bold"))
            doc.styles.addElement(style)
        for name, props in (("Kit_20_droite", {"textalign": "end"}),
                            ("Kit_20_retrait", {"marginleft": "8.5cm"}),
                            ("Kit_20_centre", {"textalign": "center"})):
            style = Style(name=name, displayname=name.replace("_20_", " "), family="paragraph",
                          parentstylename="Text_20_body")
            style.addElement(ParagraphProperties(attributes=props))
            doc.styles.addElement(style)
        field = Style(name=FIELD_STYLE, displayname="Champ à remplir", family="text")
        field.addElement(TextProperties(backgroundcolor=FIELD_COLOUR))
        doc.styles.addElement(field)
        for name in ("Header", "Footer"):
            style = Style(name=name, displayname=name, family="paragraph", parentstylename="Standard",
                          attributes={"class": "extra"})
            style.addElement(TextProperties(fontsize="8pt"))
            doc.styles.addElement(style)
        self._lists()
        self._tables()
        self._page()

    def _lists(self) -> None:
        for name, numbered in (("Kit_20_puces", False), ("Kit_20_numeros", True)):
            style = ListStyle(name=name, displayname=name.replace("_20_", " "))
            for level in range(1, 4):
                level_style: Element
                if numbered:
                    level_style = ListLevelStyleNumber(level=level, numformat="1", numsuffix=".")
                else:
                    level_style = ListLevelStyleBullet(level=level, bulletchar="•–◦"[level - 1])
                level_style.addElement(ListLevelProperties(spacebefore=f"{0.6 * (level - 1):.1f}cm",
                                                           minlabelwidth="0.6cm"))
                style.addElement(level_style)
            self.doc.styles.addElement(style)

    def _tables(self) -> None:
        table = Style(name="Kit_20_tableau", family="table")
        table.addElement(TableProperties(width="16.6cm", align="margins"))
        self.doc.automaticstyles.addElement(table)
        cell = Style(name="Kit_20_cellule", family="table-cell")
        cell.addElement(TableCellProperties(border="0.5pt solid #999999", padding="0.1cm"))
        self.doc.automaticstyles.addElement(cell)
        head = Style(name="Kit_20_entete", family="table-cell")
        head.addElement(TableCellProperties(border="0.5pt solid #999999", padding="0.1cm",
                                            backgroundcolor="#eeeef8"))
        self.doc.automaticstyles.addElement(head)

    def _page(self) -> None:
        layout = PageLayout(name="Kit_20_A4")
        layout.addElement(PageLayoutProperties(pagewidth="21cm", pageheight="29.7cm", printorientation="portrait",
                                               margintop="1.5cm", marginbottom="1.5cm",
                                               marginleft="2.2cm", marginright="2.2cm"))
        self.doc.automaticstyles.addElement(layout)
        master = MasterPage(name="Standard", pagelayoutname=layout)
        header = Header()
        for index, line in enumerate(self.page.header_lines):
            paragraph = P(stylename="Header")
            paragraph.addElement(Span(stylename=self._span(_Run(bold=index == 0)), text=line))
            header.addElement(paragraph)
        master.addElement(header)
        footer = Footer()
        paragraph = P(stylename="Footer")
        teletype.addTextToElement(paragraph, f"{self.page.footer_text} – Page ")
        paragraph.addElement(PageNumber(selectpage="current", text="1"))
        teletype.addTextToElement(paragraph, " sur ")
        paragraph.addElement(PageCount(text="1"))
        footer.addElement(paragraph)
        master.addElement(footer)
        self.doc.masterstyles.addElement(master)

    def _span(self, run: _Run) -> str:
        """The name of the automatic text style for ``run``'s bold, italic, superscript (made once)."""
        name = self._spans.get(run)
        if name is None:
            name = f"T{len(self._spans) + 1}"
            props: dict[str, str] = {}
            if run.bold:
                props["fontweight"] = "bold"
            if run.italic:
                props["fontstyle"] = "italic"
            if run.superscript:
                props["textposition"] = "super 58%"
            style = Style(name=name, family="text")
            style.addElement(TextProperties(attributes=props))
            self.doc.automaticstyles.addElement(style)
            self._spans[run] = name
        return name

    # Inline content ------------------------------------------------------

    def _text(self, parent: Element, text: str, run: _Run) -> None:
        text = re.sub(r"\s+", " ", text)
        if not text:
            return
        if run.field:
            # A field is always a span in the « Champ à remplir » style, its own formatting inside.
            field = Span(stylename=FIELD_STYLE)
            parent.addElement(field)
            parent, run = field, replace(run, field=False)
        if run == _Run():
            teletype.addTextToElement(parent, text)
            return
        span = Span(stylename=self._span(run))
        teletype.addTextToElement(span, text)
        parent.addElement(span)

    def _inline(self, parent: Element, el: HtmlElement, run: _Run) -> None:
        """The text of ``el`` and its inline children (not its tail) into ``parent``."""
        self._text(parent, el.text or "", run)
        for child in el:
            if not isinstance(child.tag, str):
                self._text(parent, child.tail or "", run)
                continue
            classes = classes_of(child)
            inner = run
            if child.tag in ("strong", "b"):
                inner = replace(run, bold=True)
            elif child.tag in ("em", "i"):
                inner = replace(run, italic=True)
            elif child.tag == "sup":
                inner = replace(run, superscript=True)
            if child.tag == "mark" or self.page.field_class in classes:
                inner = replace(inner, field=True)
            if child.tag == "br":
                parent.addElement(LineBreak())
                self._text(parent, (child.tail or "").lstrip(), run)
                continue
            if child.tag in ("label", "input") or "task-list-control" in classes:
                self._text(parent, "☐ ", run)
            elif not classes & {"headerlink", "footnote-backref"}:
                self._inline(parent, child, inner)
                href = child.get("href", "")
                if child.tag == "a" and href.startswith(("http://", "https://")):
                    if " ".join(child.text_content().split()).rstrip("/") != href.rstrip("/"):
                        self._text(parent, f" ({href})", run)
            self._text(parent, child.tail or "", run)

    # Blocks ------------------------------------------------------------------

    def _paragraph(self, parent: Element, el: HtmlElement, *, style: str = "Text_20_body",
                   run: _Run = _PLAIN) -> None:
        paragraph = P(stylename=style)
        self._inline(paragraph, el, run)
        parent.addElement(paragraph)

    def blocks(self, parent: Element, root: HtmlElement) -> None:
        """The block elements under ``root``, added to ``parent`` (the body, a cell, a list item)."""
        for el in root:
            if not isinstance(el.tag, str):
                continue
            classes = classes_of(el)
            if classes & self.page.skip_classes or el.tag in ("script", "style", "button", "form"):
                continue
            handler = self._handlers.get(el.tag)
            if handler is not None:
                handler(self, parent, el)
            elif el.tag in ("div", "section", "article", "blockquote", "details", "figure"):
                self._container(parent, el)

    def _heading(self, parent: Element, el: HtmlElement) -> None:
        level = _HEADING_LEVELS[el.tag]
        heading = H(outlinelevel=level, stylename=f"Heading_20_{level}")
        self._inline(heading, el, _Run())
        parent.addElement(heading)

    def _p(self, parent: Element, el: HtmlElement) -> None:
        classes = classes_of(el)
        style = "Text_20_body"
        if "kit-droite" in classes:
            style = "Kit_20_droite"  # the letter's place and date
        elif classes & {"kit-destinataire", "kit-signature"}:
            style = "Kit_20_retrait"  # recipient and signature blocks
        self._paragraph(parent, el, style=style)

    def _list(self, parent: Element, el: HtmlElement) -> None:
        style = "Kit_20_numeros" if el.tag == "ol" else "Kit_20_puces"
        listing = List(stylename=style)
        for li in el.findall("li"):
            item = ListItem()
            head = copy.deepcopy(li)
            for child in list(head):
                if isinstance(child.tag, str) and child.tag in _BLOCKS and child.tag != "p":
                    head.remove(child)
                    child.tail = None
            paragraphs = head.findall("p")
            if paragraphs:
                for p in paragraphs:
                    self._paragraph(item, p)
            else:
                self._paragraph(item, head)
            for child in li:
                if child.tag in ("ul", "ol"):
                    self._list(item, child)
            listing.addElement(item)
        parent.addElement(listing)

    def _table(self, parent: Element, el: HtmlElement) -> None:
        rows = el.xpath("./thead/tr|./tbody/tr|./tr")
        if not rows:
            return
        width = max(len(row.xpath("./th|./td")) for row in rows)
        table = Table(name=f"Tableau{len(self.doc.getElementsByType(Table)) + 1}", stylename="Kit_20_tableau")
        table.addElement(TableColumn(numbercolumnsrepeated=width))
        head: list[Element] = []
        body: list[Element] = []
        for row in rows:
            odf_row = TableRow()
            cells = row.xpath("./th|./td")
            for cell in cells:
                odf_cell = TableCell(valuetype="string",
                                     stylename="Kit_20_entete" if cell.tag == "th" else "Kit_20_cellule")
                if any(isinstance(c.tag, str) and c.tag in _BLOCKS for c in cell):
                    self.blocks(odf_cell, cell)
                else:
                    self._paragraph(odf_cell, cell, run=_Run(bold=cell.tag == "th"))
                odf_row.addElement(odf_cell)
            for _ in range(width - len(cells)):
                odf_row.addElement(TableCell(stylename="Kit_20_cellule"))
            (head if row.getparent().tag == "thead" else body).append(odf_row)
        if head:
            # Header rows repeat at the top of every printed page.
            header_rows = TableHeaderRows()
            for odf_row in head:
                header_rows.addElement(odf_row)
            table.addElement(header_rows)
        for odf_row in body:
            table.addElement(odf_row)
        parent.addElement(table)

    def _hr(self, parent: Element, el: HtmlElement) -> None:
        parent.addElement(P(stylename="Kit_20_centre", text="———"))

    def _dl(self, parent: Element, el: HtmlElement) -> None:
        for item in el:
            if isinstance(item.tag, str):
                self._paragraph(parent, item, run=_Run(bold=item.tag == "dt"))

    def _summary(self, parent: Element, el: HtmlElement) -> None:
        self._paragraph(parent, el, run=_Run(bold=True))

    def _container(self, parent: Element, el: HtmlElement) -> None:
        if "admonition" in classes_of(el):
            title = el.find("p")
            if title is not None and "admonition-title" in classes_of(title):
                self._paragraph(parent, title, run=_Run(bold=True))
                rest = copy.deepcopy(el)
                rest.remove(rest.find("p"))
                self.blocks(parent, rest)
                return
        if any(isinstance(c.tag, str) and c.tag in _BLOCKS for c in el):
            self.blocks(parent, el)
        else:
            self._paragraph(parent, el)

    _handlers: dict[str, Callable[[_Writer, Element, HtmlElement], None]] = {
        **dict.fromkeys(_HEADING_LEVELS, _heading),
        "p": _p, "ul": _list, "ol": _list, "table": _table, "hr": _hr, "dl": _dl, "summary": _summary,
    }

    def save(self) -> bytes:
        meta = self.doc.meta
        meta.addElement(dc.Title(text=self.page.title))
        meta.addElement(dc.Language(text=f"{LANGUAGE}-{COUNTRY}"))
        if self.page.subject:
            meta.addElement(dc.Subject(text=self.page.subject))
        if self.page.author:
            meta.addElement(dc.Creator(text=self.page.author))
        out = io.BytesIO()
        self.doc.write(out)
        return without_clock(out.getvalue())


def render_odt(page: OdtPage) -> bytes:
    """The ODT file of ``page``: its content without the first heading (the template's name)."""
    writer = _Writer(page)
    root = lxml.html.fragment_fromstring(page.html or "<p></p>", create_parent="div")
    first = root.find(".//h1")
    if first is not None:
        parent = first.getparent()
        if parent is not None:
            parent.remove(first)
    writer.blocks(writer.doc.text, root)
    return writer.save()


def render_kit_odt(page: PrintPage) -> bytes:
    """The ODT file of a template page of the kit, like its DOCX: same header, footer and fields."""
    title = plain_title(page.title)
    return render_odt(OdtPage(
        title=title, html=page.html, header_lines=(STATE.upper(), MINISTRY),
        footer_text=f"{KIT_TITLE} – {title}", subject=f"{KIT_TITLE} – {KIT_SUBTITLE}", author=AUTHOR,
        skip_classes=frozenset(CHROME_CLASSES | {"footnote", "kit-consigne"}), field_class=FIELD_CLASS))
