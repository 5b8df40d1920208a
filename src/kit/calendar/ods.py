"""The first sheet of an OpenDocument workbook (.ods), streamed from its content.xml.

OpenDocument writes « 16 000 empty cells » or « a million times this row » as
one element (``table:number-columns-repeated``, ``table:number-rows-repeated``):
each repeat is counted against the limits before it is expanded, an empty
repeat is never expanded, only the first table is read (the parsing stops at
its end, the other sheets are never unpacked) and a cell's text is kept up to
one character more than a cell may hold, its length counted beyond.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from kit.calendar.limits import (
    MAX_COLUMNS,
    MAX_SHEET_ROWS,
    CappedText,
    RowLimits,
    Sheet,
    below_last_row,
    blank,
    refuse,
    too_far_right,
)
from kit.calendar.zipped import Finished, XmlHandler, ZipParts, parse_part

MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0 "
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0 "
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0 "
_TABLE_ELEMENT = _TABLE + "table"
_ROW = _TABLE + "table-row"
_CELLS = (_TABLE + "table-cell", _TABLE + "covered-table-cell")
_ROWS_REPEATED = _TABLE + "number-rows-repeated"
_COLUMNS_REPEATED = _TABLE + "number-columns-repeated"
_VALUE_TYPE = _OFFICE + "value-type"
_ANNOTATION = _OFFICE + "annotation"
_PARAGRAPHS = (_TEXT + "p", _TEXT + "h")
_SPACE, _TAB, _LINE_BREAK = _TEXT + "s", _TEXT + "tab", _TEXT + "line-break"
_DURATION = re.compile(r"-?P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?")
_BROKEN = "classeur OpenDocument abîmé (contenu illisible) : réenregistrez-le au format .ods ou en CSV"


def _repeat(attributes: dict[str, str], name: str) -> int:
    text = attributes.get(name, "1") or "1"
    if not text.isdigit() or len(text) > 12:
        raise refuse(_BROKEN)
    return max(int(text), 1)


def _typed(kind: str, attributes: dict[str, str], text: Any) -> Any:
    """A cell's value as the other readers give it: numbers, dates, times, booleans, text."""
    try:
        if kind in ("float", "percentage", "currency"):
            return float(attributes[_OFFICE + "value"])
        if kind == "date":
            moment = datetime.fromisoformat(attributes[_OFFICE + "date-value"])
            return moment.date() if "T" not in attributes[_OFFICE + "date-value"] else moment
        if kind == "time":
            match = _DURATION.fullmatch(attributes[_OFFICE + "time-value"])
            if match:
                days, hours, minutes, seconds = (float(part or 0) for part in match.groups())
                span = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
                return (datetime.min + span).time() if timedelta(0) <= span < timedelta(days=1) else span
        if kind == "boolean":
            return attributes[_OFFICE + "boolean-value"].strip().lower() in ("true", "1")
    except (KeyError, ValueError, OverflowError):
        pass  # a value the file does not give as it says: its text stands
    return text


class _FirstTable(XmlHandler):
    def __init__(self, sheet: Sheet) -> None:
        self.limits = RowLimits(sheet)
        self.tables = 0  # table:table elements open (a table in a cell is one more)
        self.row = 0  # rows above the current one
        self.in_row = False
        self.row_repeat = 1
        self.cells: list[Any] = []
        self.column = 0
        self.cell: CappedText | None = None
        self.cell_kind = ""
        self.cell_attributes: dict[str, str] = {}
        self.cell_repeat = 1
        self.paragraphs = 0
        self.in_paragraph = 0
        self.hidden = 0  # inside an annotation: never the cell's value

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.seen = True
        if name == _TABLE_ELEMENT:
            self.tables += 1
            return
        if self.tables != 1:
            return
        cell = self.cell
        if cell is not None:
            if name == _ANNOTATION:
                self.hidden += 1
            elif self.hidden:
                return
            elif name in _PARAGRAPHS:
                if self.paragraphs:
                    cell.add("\n")
                self.paragraphs += 1
                self.in_paragraph += 1
            elif name == _SPACE and self.in_paragraph:
                cell.add_spaces(_repeat(attributes, _TEXT + "c"))
            elif name == _TAB and self.in_paragraph:
                cell.add("\t")
            elif name == _LINE_BREAK and self.in_paragraph:
                cell.add("\n")
        elif name in _CELLS and self.in_row:
            self.cell = CappedText()
            self.cell_kind = attributes.get(_VALUE_TYPE, "")
            self.cell_attributes = attributes
            self.cell_repeat = _repeat(attributes, _COLUMNS_REPEATED)
            self.paragraphs = self.in_paragraph = self.hidden = 0
        elif name == _ROW:
            self.in_row = True
            self.row_repeat = _repeat(attributes, _ROWS_REPEATED)
            self.cells = []
            self.column = 0

    def data(self, text: str) -> None:
        self.seen = True
        if self.cell is not None and self.in_paragraph and not self.hidden and self.tables == 1:
            self.cell.add(text)

    def end(self, name: str) -> None:
        self.seen = True
        if name == _TABLE_ELEMENT:
            self.tables -= 1
            if not self.tables:
                raise Finished  # the other sheets are never read
            return
        if self.tables != 1:
            return
        if self.cell is not None:
            if name == _ANNOTATION:
                self.hidden -= 1
            elif name in _PARAGRAPHS and not self.hidden:
                self.in_paragraph -= 1
            elif name in _CELLS:
                self._end_cell()
        elif name == _ROW and self.in_row:
            self._end_row()

    def _end_cell(self) -> None:
        assert self.cell is not None
        text = self.cell.value() if self.paragraphs else None
        value = _typed(self.cell_kind, self.cell_attributes, text)
        self.cell = None
        if not blank(value):
            last = self.column + self.cell_repeat
            if last > MAX_COLUMNS:
                raise too_far_right(last - 1, self.row + 1)
            self.cells.extend([None] * (self.column - len(self.cells)))
            self.cells.extend([value] * self.cell_repeat)
        self.column += self.cell_repeat

    def _end_row(self) -> None:
        self.in_row = False
        if self.cells:
            line = self.row + 1
            if line + self.row_repeat - 1 > MAX_SHEET_ROWS:
                raise below_last_row(max(line, MAX_SHEET_ROWS + 1))
            for offset in range(self.row_repeat):  # stops at the row limit
                self.limits.add(line + offset, self.cells)
        self.row += self.row_repeat
        self.cells = []


def read_ods(parts: ZipParts) -> Sheet:
    """The rows of the first sheet of an OpenDocument workbook."""
    sheet = Sheet(kind="ods", rows=[])
    parse_part(parts, "content.xml", _FirstTable(sheet), _BROKEN)
    return sheet
