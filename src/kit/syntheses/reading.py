"""A received DOCX or ODT file as a neutral sequence of blocks: headings, paragraphs, tables.

Word (2003 with the compatibility pack, 2007 and later) and OpenOffice.org
files are read straight from their XML with lxml, in document order, with
what people leave in them: tracked changes are read as accepted (inserted
text kept, deleted text left out) and counted, comments are kept apart with
their text, list items and headings are told from plain paragraphs. Nothing
here knows the template: :mod:`kit.syntheses.parts` does.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import lxml.etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_T, _TB, _O = f"{{{TEXT}}}", f"{{{TABLE}}}", f"{{{OFFICE}}}"

# Word's built-in heading styles, in English and French (style names, not ids).
_HEADING_NAME = re.compile(r"^(?:heading|titre|title)\s*(\d?)$", re.IGNORECASE)
# A table may repeat an empty cell thousands of times (a whole row of a spreadsheet pasted).
_MAX_REPEAT = 64


class Unreadable(Exception):
    """The file cannot be read as a DOCX or ODT document; the French message says why."""


@dataclass(frozen=True)
class Block:
    """One block of a document: a heading, a paragraph or a table, with its place."""

    kind: str  # "heading", "paragraph" or "table"
    text: str = ""  # heading or paragraph text (lines joined by "\n")
    level: int = 0  # heading level, 1 for the highest
    rows: tuple[tuple[str, ...], ...] = ()  # table cells' text
    number: int = 0  # 1-based: « paragraphe 12 », « tableau 3 »
    list_item: bool = False

    @property
    def place(self) -> str:
        return f"tableau {self.number}" if self.kind == "table" else f"paragraphe {self.number}"


@dataclass
class Document:
    """What a received file holds, in order, with what the filling left in it."""

    path: Path
    blocks: list[Block] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # each comment's text, in order
    tracked_changes: int = 0  # insertions and deletions not yet accepted


def read_document(path: Path) -> Document:
    """Read a .docx or .odt file; :class:`Unreadable` when it is neither."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise Unreadable("fichier illisible : ce n'est pas un document DOCX ou ODT valide "
                         f"({type(exc).__name__})") from None
    with archive:
        names = set(archive.namelist())
        try:
            if "word/document.xml" in names:
                return _read_docx(path, archive, names)
            if "content.xml" in names:
                return _read_odt(path, archive)
        except lxml.etree.XMLSyntaxError:
            raise Unreadable("fichier abîmé : son contenu XML est illisible ; enregistrez-le de nouveau "
                             "depuis Word ou LibreOffice") from None
    raise Unreadable("ni DOCX ni ODT : enregistrez la synthèse au format .docx ou .odt")


def _xml(archive: zipfile.ZipFile, name: str) -> lxml.etree._Element:
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return lxml.etree.fromstring(archive.read(name), parser)


def clean(text: str) -> str:
    """Spaces as one reads them: runs of spaces made one, tabs kept (one between two cells typed as text),
    lines trimmed, no empty line."""
    lines = (re.sub(r" *\t *", "\t", re.sub(r"[ \u00a0\r\f\v]+", " ", line)).strip(" \t")
             for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


# DOCX -------------------------------------------------------------------------

class _Numbered:
    def __init__(self) -> None:
        self.paragraphs = 0
        self.tables = 0


def _read_docx(path: Path, archive: zipfile.ZipFile, names: set[str]) -> Document:
    body = _xml(archive, "word/document.xml").find(f"{_W}body")
    heading_styles: dict[str, int] = {}
    if "word/styles.xml" in names:
        for style in _xml(archive, "word/styles.xml").iter(f"{_W}style"):
            name = style.find(f"{_W}name")
            match = _HEADING_NAME.match((name.get(f"{_W}val") if name is not None else "") or "")
            if match:
                heading_styles[style.get(f"{_W}styleId") or ""] = int(match.group(1) or 1)
            else:
                level = style.find(f"{_W}pPr/{_W}outlineLvl")
                if level is not None and (level.get(f"{_W}val") or "9").isdigit() and int(level.get(f"{_W}val") or 9) < 9:
                    heading_styles[style.get(f"{_W}styleId") or ""] = int(level.get(f"{_W}val") or 0) + 1
    document = Document(path)
    if body is None:
        return document
    counter = _Numbered()
    for element in _docx_blocks(body):
        if element.tag == f"{_W}tbl":
            counter.tables += 1
            rows = tuple(tuple(_docx_cell(cell) for cell in _docx_cells(row)) for row in element.iter(f"{_W}tr")
                         if row.getparent() is element)
            document.blocks.append(Block("table", rows=rows, number=counter.tables))
            continue
        text = clean(_docx_text(element))
        if not text:
            continue
        counter.paragraphs += 1
        style = element.find(f"{_W}pPr/{_W}pStyle")
        outline = element.find(f"{_W}pPr/{_W}outlineLvl")
        level = heading_styles.get(style.get(f"{_W}val") or "", 0) if style is not None else 0
        if not level and outline is not None and (outline.get(f"{_W}val") or "9") < "9":
            level = int(outline.get(f"{_W}val") or 0) + 1
        listed = element.find(f"{_W}pPr/{_W}numPr") is not None or (
            style is not None and "list" in (style.get(f"{_W}val") or "").lower())
        document.blocks.append(Block("heading" if level else "paragraph", text=text, level=level,
                                     number=counter.paragraphs, list_item=listed))
    document.tracked_changes = sum(1 for _ in body.iter(f"{_W}ins", f"{_W}del", f"{_W}moveFrom", f"{_W}moveTo"))
    if "word/comments.xml" in names:
        for comment in _xml(archive, "word/comments.xml").iter(f"{_W}comment"):
            text = clean("\n".join(_docx_text(p) for p in comment.iter(f"{_W}p")))
            if text:
                document.comments.append(text)
    return document


def _docx_blocks(parent: lxml.etree._Element) -> Iterator[lxml.etree._Element]:
    """Paragraphs and tables of the body in order, through content controls and tracked moves."""
    for child in parent:
        if child.tag in (f"{_W}p", f"{_W}tbl"):
            yield child
        elif child.tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}ins", f"{_W}moveTo", f"{_W}customXml"):
            yield from _docx_blocks(child)


def _docx_cells(row: lxml.etree._Element) -> Iterator[lxml.etree._Element]:
    for child in row:
        if child.tag == f"{_W}tc":
            yield child
        elif child.tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"):
            yield from _docx_cells(child)


def _docx_cell(cell: lxml.etree._Element) -> str:
    # A table nested in the cell is read as lines of the cell.
    return clean("\n".join(_docx_text(p) for p in cell.iter(f"{_W}p")))


def _docx_text(paragraph: lxml.etree._Element) -> str:
    """A paragraph's text as accepted: deleted and moved-away text left out."""
    parts: list[str] = []
    for element in paragraph.iter():
        tag = element.tag
        if tag == f"{_W}t":
            if next(element.iterancestors(f"{_W}del", f"{_W}moveFrom"), None) is None:
                parts.append(element.text or "")
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
    return "".join(parts)


# ODT --------------------------------------------------------------------------

def _read_odt(path: Path, archive: zipfile.ZipFile) -> Document:
    root = _xml(archive, "content.xml")
    document = Document(path)
    text_body = root.find(f"{_O}body/{_O}text")
    if text_body is None:
        return document
    document.tracked_changes = sum(1 for _ in text_body.iter(f"{_T}changed-region"))
    counter = _Numbered()
    for element, listed in _odt_blocks(text_body, False):
        if element.tag == f"{_TB}table":
            counter.tables += 1
            rows = tuple(tuple(_odt_cells(row, document.comments)) for row in _odt_rows(element))
            document.blocks.append(Block("table", rows=rows, number=counter.tables))
            continue
        text = clean(_odt_text(element, document.comments))
        if not text:
            continue
        counter.paragraphs += 1
        level = 0
        if element.tag == f"{_T}h":
            level = int(element.get(f"{_T}outline-level") or 1)
        document.blocks.append(Block("heading" if level else "paragraph", text=text, level=level,
                                     number=counter.paragraphs, list_item=listed))
    return document


def _odt_blocks(parent: lxml.etree._Element, listed: bool) -> Iterator[tuple[lxml.etree._Element, bool]]:
    for child in parent:
        tag = child.tag
        if tag in (f"{_T}p", f"{_T}h", f"{_TB}table"):
            yield child, listed
        elif tag in (f"{_T}list", f"{_T}list-item", f"{_T}list-header"):
            yield from _odt_blocks(child, True)
        elif tag in (f"{_T}section", f"{_T}index-body", f"{_T}table-of-content", f"{_T}alphabetical-index",
                     f"{_T}illustration-index", f"{_T}user-index"):
            yield from _odt_blocks(child, listed)
        # text:tracked-changes holds the deleted text (left out), sequence declarations, forms: not content.


def _odt_rows(table: lxml.etree._Element) -> Iterator[lxml.etree._Element]:
    for child in table:
        if child.tag == f"{_TB}table-row":
            yield child
        elif child.tag in (f"{_TB}table-header-rows", f"{_TB}table-rows", f"{_TB}table-row-group"):
            yield from _odt_rows(child)


def _odt_cells(row: lxml.etree._Element, comments: list[str]) -> Iterator[str]:
    for cell in row:
        if cell.tag != f"{_TB}table-cell":
            continue
        # A table nested in the cell is read as lines of the cell.
        text = clean("\n".join(_odt_text(p, comments) for p in cell.iter(f"{_T}p", f"{_T}h")
                               if next(p.iterancestors(f"{_O}annotation"), None) is None))
        repeat = min(int(cell.get(f"{_TB}number-columns-repeated") or 1), _MAX_REPEAT)
        for _ in range(repeat if text else 1):
            yield text


def _odt_text(element: lxml.etree._Element, comments: list[str]) -> str:
    """A paragraph's text; its comments (office:annotation) go to ``comments``."""
    parts: list[str] = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag == f"{_O}annotation":
            text = clean("\n".join(_odt_text(p, []) for p in child.iter(f"{_T}p")))
            if text:
                comments.append(text)
        elif tag == f"{_T}s":
            parts.append(" " * int(child.get(f"{_T}c") or 1))
        elif tag == f"{_T}tab":
            parts.append("\t")
        elif tag == f"{_T}line-break":
            parts.append("\n")
        elif tag == f"{_T}note":
            body = child.find(f"{_T}note-body")
            if body is not None:
                parts.append(" (note : " + " ".join(_odt_text(p, comments) for p in body.iter(f"{_T}p")) + ")")
        elif tag in (f"{_T}change", f"{_T}change-start", f"{_T}change-end", f"{_O}annotation-end",
                     f"{_T}bookmark", f"{_T}bookmark-start", f"{_T}bookmark-end", f"{_T}soft-page-break"):
            pass
        else:
            parts.append(_odt_text(child, comments))
        parts.append(child.tail or "")
    return "".join(parts)
