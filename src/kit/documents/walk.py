"""The one walk of a page's HTML into an office document, for the DOCX and ODT writers.

:class:`OfficeWalker` reads the lxml tree of a page's article once: blocks
(headings, paragraphs, lists, tables, definition lists, admonitions and other
containers, rules, footnotes), inline content (bold, italic, superscript,
fields to fill in, line breaks, check boxes, the address of an external link)
and the screen furniture it leaves out. Each format
(:mod:`kit.documents.docx`, :mod:`kit.documents.odt`) writes what it finds
through the few methods it implements; the walk itself is written once, so
that both files say the same thing.
"""

from __future__ import annotations

import copy
import re
from abc import ABC, abstractmethod
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Any, Generic, Literal, TypeVar

from lxml.html import HtmlElement

from kit.documents.html import classes_of

# Elements that make blocks of their own: a list item, a table cell or a container holding one is
# written as blocks, not as one paragraph.
BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "div", "blockquote",
                    "details", "hr", "dl", "section", "article", "summary", "figure"})
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_CONTAINERS = frozenset({"div", "section", "article", "blockquote", "details", "figure"})
_WHITE_SPACE = re.compile(r"\s+")

# How a paragraph of text is laid out: the letter's place and date go right, its recipient and
# signature blocks are indented.
ParagraphKind = Literal["body", "right", "indent"]

C = TypeVar("C")  # where blocks go: the document's body, a table cell, a list item
P = TypeVar("P")  # a paragraph (or heading) where text goes


@dataclass(frozen=True)
class Run:
    """The character style of a run of text."""

    bold: bool = False
    italic: bool = False
    superscript: bool = False
    field: bool = False  # a field to fill in


PLAIN = Run()


def has_blocks(el: HtmlElement) -> bool:
    return any(isinstance(child.tag, str) and child.tag in BLOCKS for child in el)


class OfficeWalker(ABC, Generic[C, P]):
    """The walk of an article's HTML; each format implements the methods that write.

    Lists and tables go through handles of the format's own (``Any`` here):
    what :meth:`start_list` or :meth:`start_table` returns is given back to the
    methods that fill them.
    """

    footnotes = False  # write the page's footnotes (elements of class « footnote ») after its text

    def __init__(self, *, skip_classes: Collection[str], skip_tags: Collection[str], field_class: str) -> None:
        self.skip_classes = frozenset(skip_classes)
        self.skip_tags = frozenset(skip_tags)
        self.field_class = field_class

    # What each format writes -------------------------------------------------------------

    @abstractmethod
    def paragraph(self, container: C, kind: ParagraphKind = "body") -> P:
        """A new paragraph at the end of ``container``."""

    @abstractmethod
    def heading(self, container: C, tag: str) -> P:
        """A new heading (``tag`` is ``h1``…``h6``) at the end of ``container``."""

    @abstractmethod
    def text(self, paragraph: P, text: str, run: Run) -> None:
        """Text at the end of ``paragraph``: never empty, its white space already collapsed."""

    @abstractmethod
    def line_break(self, paragraph: P) -> None:
        """A line break (``<br>``) at the end of ``paragraph``."""

    @abstractmethod
    def rule(self, container: C) -> None:
        """A thematic break (``<hr>``)."""

    @abstractmethod
    def start_list(self, container: C, ordered: bool, depth: int) -> Any:
        """A list of ``container`` (``depth`` 0 at the top, 1 inside an item…): its handle."""

    @abstractmethod
    def start_item(self, listing: Any) -> C:
        """A new item of ``listing``: where the lists it holds go."""

    @abstractmethod
    def item_paragraph(self, listing: Any, item: C) -> P:
        """A new paragraph of the list item ``item``."""

    def end_item(self, listing: Any, item: C) -> None:
        """The item is written (its paragraphs and the lists it holds)."""

    def end_list(self, container: C, listing: Any) -> None:
        """The list is written."""

    @abstractmethod
    def start_table(self, container: C, width: int) -> Any:
        """A table of ``width`` columns in ``container``: its handle."""

    @abstractmethod
    def start_row(self, table: Any, index: int, header: bool) -> Any:
        """Row ``index`` of ``table`` (``header``: a row of the table's head): its handle."""

    @abstractmethod
    def cell(self, row: Any, column: int, header: bool) -> C:
        """The cell ``column`` of ``row`` (``header``: a ``<th>``), where its blocks go."""

    @abstractmethod
    def cell_paragraph(self, cell: C) -> P:
        """The paragraph of a cell that holds text only."""

    def cell_lead(self, cell: C, text: str) -> None:
        """The text of a cell before its first block (stripped; may be empty)."""

    def end_row(self, table: Any, row: Any, missing: int) -> None:
        """The row is written; ``missing`` cells short of the table's width."""

    def end_table(self, container: C, table: Any) -> None:
        """The table is written."""

    def end_footnote(self, paragraph: P) -> None:
        """A footnote's paragraph is written."""

    # The walk ------------------------------------------------------------------------------

    def blocks(self, container: C, root: HtmlElement) -> None:
        """The block elements under ``root``, written to ``container``."""
        for el in root:
            if not isinstance(el.tag, str):
                continue
            classes = classes_of(el)
            if classes & self.skip_classes or el.tag in self.skip_tags:
                if self.footnotes and "footnote" in classes:
                    self._footnotes(container, el)
                continue
            if el.tag in HEADINGS:
                self.inline(self.heading(container, el.tag), el, PLAIN)
            elif el.tag == "p":
                kind: ParagraphKind = "body"
                if "kit-droite" in classes:
                    kind = "right"
                elif classes & {"kit-destinataire", "kit-signature"}:
                    kind = "indent"
                self.inline(self.paragraph(container, kind), el, PLAIN)
            elif el.tag in ("ul", "ol"):
                self._list(container, el, 0)
            elif el.tag == "table":
                self._table(container, el)
            elif el.tag == "hr":
                self.rule(container)
            elif el.tag == "dl":
                for item in el:
                    if isinstance(item.tag, str):
                        self.inline(self.paragraph(container), item, Run(bold=item.tag == "dt"))
            elif el.tag == "summary":
                self.inline(self.paragraph(container), el, Run(bold=True))
            elif el.tag in _CONTAINERS:
                self._container(container, el, classes)

    def _container(self, container: C, el: HtmlElement, classes: set[str]) -> None:
        if "admonition" in classes:
            title = el.find("p")
            if title is not None and "admonition-title" in classes_of(title):
                self.inline(self.paragraph(container), title, Run(bold=True))
                rest = copy.deepcopy(el)
                rest.remove(rest.find("p"))
                self.blocks(container, rest)
                return
        if has_blocks(el):
            self.blocks(container, el)
        else:
            self.inline(self.paragraph(container), el, PLAIN)

    def _list(self, container: C, el: HtmlElement, depth: int) -> None:
        listing = self.start_list(container, el.tag == "ol", depth)
        for li in el.findall("li"):
            item = self.start_item(listing)
            # The item's text before any nested block, then its nested lists.
            head = copy.deepcopy(li)
            for child in list(head):
                if isinstance(child.tag, str) and child.tag in BLOCKS and child.tag != "p":
                    head.remove(child)
            for p in head.findall("p") or [head]:
                self.inline(self.item_paragraph(listing, item), p, PLAIN)
            for child in li:
                if child.tag in ("ul", "ol"):
                    self._list(item, child, depth + 1)
            self.end_item(listing, item)
        self.end_list(container, listing)

    def _table(self, container: C, el: HtmlElement) -> None:
        rows = el.xpath("./thead/tr|./tbody/tr|./tr")
        if not rows:
            return
        width = max(len(row.xpath("./th|./td")) for row in rows)
        table = self.start_table(container, width)
        for index, row in enumerate(rows):
            cells = row.xpath("./th|./td")
            handle = self.start_row(table, index, row.getparent().tag == "thead")
            for column, cell in enumerate(cells):
                target = self.cell(handle, column, cell.tag == "th")
                if has_blocks(cell):
                    self.cell_lead(target, (cell.text or "").strip())
                    self.blocks(target, cell)
                else:
                    self.inline(self.cell_paragraph(target), cell, Run(bold=cell.tag == "th"))
            self.end_row(table, handle, width - len(cells))
        self.end_table(container, table)

    def _footnotes(self, container: C, el: HtmlElement) -> None:
        for number, li in enumerate(el.xpath("./ol/li"), start=1):
            paragraph = self.paragraph(container)
            self.write(paragraph, f"{number}. ", PLAIN)
            for p in li.findall("p") or [li]:
                self.inline(paragraph, p, PLAIN)
            self.end_footnote(paragraph)

    def write(self, paragraph: P, text: str, run: Run) -> None:
        """``text`` at the end of ``paragraph``, its white space collapsed (nothing if empty)."""
        text = _WHITE_SPACE.sub(" ", text)
        if text:
            self.text(paragraph, text, run)

    def inline(self, paragraph: P, el: HtmlElement, run: Run) -> None:
        """The text of ``el`` and of its inline children (not its tail), at the end of ``paragraph``."""
        self.write(paragraph, el.text or "", run)
        for child in el:
            if not isinstance(child.tag, str):
                self.write(paragraph, child.tail or "", run)
                continue
            classes = classes_of(child)
            inner = run
            if child.tag in ("strong", "b"):
                inner = replace(run, bold=True)
            elif child.tag in ("em", "i"):
                inner = replace(run, italic=True)
            elif child.tag == "sup":
                inner = replace(run, superscript=True)
            if child.tag == "mark" or self.field_class in classes:
                inner = replace(inner, field=True)
            if child.tag == "br":
                self.line_break(paragraph)
                self.write(paragraph, (child.tail or "").lstrip(), run)  # no space at the start of a line
                continue
            if child.tag in ("label", "input") or "task-list-control" in classes:
                self.write(paragraph, "☐ ", run)
            elif not classes & {"headerlink", "footnote-backref"}:
                self.inline(paragraph, child, inner)
                href = child.get("href", "")
                if child.tag == "a" and href.startswith(("http://", "https://")):
                    # An external link's address, after its text unless the text is the address.
                    if " ".join(child.text_content().split()).rstrip("/") != href.rstrip("/"):
                        self.write(paragraph, f" ({href})", run)
            self.write(paragraph, child.tail or "", run)
