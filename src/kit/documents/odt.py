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

import io
from dataclasses import dataclass, field, replace

import lxml.html
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
from kit.documents.html import CHROME_CLASSES
from kit.documents.registry import AUTHOR, KIT_SUBTITLE, KIT_TITLE, MINISTRY, STATE, PrintPage, plain_title
from kit.documents.walk import PLAIN, OfficeWalker, ParagraphKind, Run

LANGUAGE, COUNTRY = "fr", "FR"
FIELD_STYLE = "Champ_20_a_20_remplir"  # display name « Champ à remplir »
FIELD_COLOUR = "#ffff00"
_BLUE = "#000091"
_HEADING_LEVELS = {"h1": 1, "h2": 1, "h3": 2, "h4": 3, "h5": 4, "h6": 4}
_PARAGRAPH_STYLES: dict[ParagraphKind, str] = {
    "body": "Text_20_body",
    "right": "Kit_20_droite",  # the letter's place and date
    "indent": "Kit_20_retrait",  # recipient and signature blocks
}


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


@dataclass
class _Table:
    """A table being written: its rows of the head (repeated on each page) and of the body."""

    table: Table
    head: list[Element] = field(default_factory=list)
    body: list[Element] = field(default_factory=list)


class _Writer(OfficeWalker[Element, Element]):
    """One ODT document being written: its styles, then its body."""

    def __init__(self, page: OdtPage) -> None:
        super().__init__(skip_classes=page.skip_classes, skip_tags=("script", "style", "button", "form"),
                         field_class=page.field_class)
        self.page = page
        self.doc = OpenDocumentText()
        self._spans: dict[Run, str] = {}
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
            paragraph.addElement(Span(stylename=self._span(Run(bold=index == 0)), text=line))
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

    def _span(self, run: Run) -> str:
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

    # What the walk writes ------------------------------------------------------------

    def paragraph(self, container: Element, kind: ParagraphKind = "body") -> Element:
        paragraph = P(stylename=_PARAGRAPH_STYLES[kind])
        container.addElement(paragraph)
        return paragraph

    def heading(self, container: Element, tag: str) -> Element:
        level = _HEADING_LEVELS[tag]
        heading = H(outlinelevel=level, stylename=f"Heading_20_{level}")
        container.addElement(heading)
        return heading

    def text(self, paragraph: Element, text: str, run: Run) -> None:
        if run.field:
            # A field is always a span in the « Champ à remplir » style, its own formatting inside.
            holder = Span(stylename=FIELD_STYLE)
            paragraph.addElement(holder)
            paragraph, run = holder, replace(run, field=False)
        if run == PLAIN:
            teletype.addTextToElement(paragraph, text)
            return
        span = Span(stylename=self._span(run))
        teletype.addTextToElement(span, text)
        paragraph.addElement(span)

    def line_break(self, paragraph: Element) -> None:
        paragraph.addElement(LineBreak())

    def rule(self, container: Element) -> None:
        container.addElement(P(stylename="Kit_20_centre", text="———"))

    def start_list(self, container: Element, ordered: bool, depth: int) -> Element:
        return List(stylename="Kit_20_numeros" if ordered else "Kit_20_puces")

    def start_item(self, listing: Element) -> Element:
        return ListItem()  # nested lists go inside the item

    def item_paragraph(self, listing: Element, item: Element) -> Element:
        return self.paragraph(item)

    def end_item(self, listing: Element, item: Element) -> None:
        listing.addElement(item)

    def end_list(self, container: Element, listing: Element) -> None:
        container.addElement(listing)

    def start_table(self, container: Element, width: int) -> _Table:
        table = Table(name=f"Tableau{len(self.doc.getElementsByType(Table)) + 1}", stylename="Kit_20_tableau")
        table.addElement(TableColumn(numbercolumnsrepeated=width))
        return _Table(table)

    def start_row(self, table: _Table, index: int, header: bool) -> Element:
        row = TableRow()
        (table.head if header else table.body).append(row)
        return row

    def cell(self, row: Element, column: int, header: bool) -> Element:
        cell = TableCell(valuetype="string", stylename="Kit_20_entete" if header else "Kit_20_cellule")
        row.addElement(cell)
        return cell

    def cell_paragraph(self, cell: Element) -> Element:
        return self.paragraph(cell)

    def end_row(self, table: _Table, row: Element, missing: int) -> None:
        for _ in range(missing):
            row.addElement(TableCell(stylename="Kit_20_cellule"))

    def end_table(self, container: Element, table: _Table) -> None:
        if table.head:
            # Header rows repeat at the top of every printed page.
            header_rows = TableHeaderRows()
            for row in table.head:
                header_rows.addElement(row)
            table.table.addElement(header_rows)
        for row in table.body:
            table.table.addElement(row)
        container.addElement(table.table)

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
