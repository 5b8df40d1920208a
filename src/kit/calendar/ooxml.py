"""The first sheet of an Excel 2007+ workbook (.xlsx), streamed from its XML parts.

The parts are found by the relationships (``_rels/.rels``, then the
workbook's own), whatever their names. The sheet is parsed as it unpacks:
a value right of :data:`~kit.calendar.limits.MAX_COLUMNS` stops the reading
at its row, before the rest of the row is ever held; an empty cell is never
held; a value below the last row a spreadsheet can hold is refused, never
dropped. The shared texts are kept compactly (UTF-8 bytes and offsets), each
cut one character past the cell limit, its length remembered. Values come as
openpyxl gives them (``data_only``): numbers, dates for date-formatted numbers,
booleans, text.
"""

from __future__ import annotations

import posixpath
import re
from array import array
from functools import lru_cache
from typing import Any

from kit.calendar.limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_SHEET_ROWS,
    CappedText,
    LongText,
    RowLimits,
    Sheet,
    below_last_row,
    blank,
    quoted,
    refuse,
    too_far_right,
)
from kit.calendar.zipped import Finished, XmlHandler, ZipParts, parse_part

_MAIN = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main ",
         "http://purl.oclc.org/ooxml/spreadsheetml/main ")
_RELATIONS = "http://schemas.openxmlformats.org/package/2006/relationships Relationship"
_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_BROKEN = "classeur Excel abîmé (contenu illisible) : réenregistrez-le au format .xlsx ou en CSV"
# More than Excel itself allows (64,000 cell styles, a few hundred number formats): a broken file.
_MAX_RELATIONS = 10_000
_MAX_FORMATS = 10_000
_MAX_CELL_STYLES = 100_000


@lru_cache(maxsize=256)  # a workbook names a few dozen kinds of elements, millions of times each (bounded:
# a hostile file may name millions of distinct ones)
def _local(name: str) -> str:
    """« c » for « {main namespace} c »; an element of another namespace keeps its namespace."""
    for namespace in _MAIN:
        if name.startswith(namespace):
            return name[len(namespace):]
    return name


class _Relations(XmlHandler):
    def __init__(self) -> None:
        self.targets: dict[str, tuple[str, str]] = {}  # id → (type, target)

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.seen = True
        if name == _RELATIONS and attributes.get("TargetMode") != "External":
            if len(self.targets) >= _MAX_RELATIONS:
                raise refuse(_BROKEN)
            self.targets[attributes.get("Id", "")] = (attributes.get("Type", ""), attributes.get("Target", ""))

    def end(self, name: str) -> None:
        self.seen = True


def _relations(parts: ZipParts, part: str) -> dict[str, tuple[str, str]]:
    """The relationships of ``part`` (« » for the package), targets as entry names."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in parts:
        return {}
    handler = _Relations()
    parse_part(parts, rels, handler, _BROKEN)
    return {key: (kind, target.lstrip("/") if target.startswith("/")
                  else posixpath.normpath(posixpath.join(folder, target)))
            for key, (kind, target) in handler.targets.items()}


class _Workbook(XmlHandler):
    def __init__(self) -> None:
        self.first_sheet = ""
        self.date1904 = False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.seen = True
        local = _local(name)
        if local == "workbookPr":
            self.date1904 = attributes.get("date1904", "").lower() in ("1", "true")
        elif local == "sheet" and not self.first_sheet:
            self.first_sheet = next((value for key, value in attributes.items()
                                     if key.endswith("relationships id")), "")

    def end(self, name: str) -> None:
        self.seen = True
        if _local(name) == "sheets":
            raise Finished


class _Styles(XmlHandler):
    """Which cell styles (their index) show a date, and which a duration."""

    def __init__(self) -> None:
        self.formats: dict[int, str] = {}
        self.cell_formats: list[int] = []
        self.in_cell_xfs = False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.seen = True
        local = _local(name)
        if local == "numFmt":
            if len(self.formats) >= _MAX_FORMATS:
                raise refuse(_BROKEN)
            self.formats[_number(attributes.get("numFmtId", "0"))] = attributes.get("formatCode", "")[:200]
        elif local == "cellXfs":
            self.in_cell_xfs = True
        elif local == "xf" and self.in_cell_xfs:
            if len(self.cell_formats) >= _MAX_CELL_STYLES:
                raise refuse(_BROKEN)
            self.cell_formats.append(_number(attributes.get("numFmtId", "0")))

    def end(self, name: str) -> None:
        self.seen = True
        if _local(name) == "cellXfs":
            raise Finished

    def kinds(self) -> tuple[set[int], set[int]]:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

        dates: set[int] = set()
        durations: set[int] = set()
        for index, format_id in enumerate(self.cell_formats):
            code = self.formats.get(format_id, BUILTIN_FORMATS.get(format_id))
            if code and is_date_format(code):
                dates.add(index)
                if is_timedelta_format(code):
                    durations.add(index)
        return dates, durations


def _number(text: str) -> int:
    if not text.isdigit() or len(text) > 9:
        raise refuse(_BROKEN)
    return int(text)


class SharedTexts(XmlHandler):
    """The workbook's shared texts, as UTF-8 bytes one after the other."""

    def __init__(self) -> None:
        self.content = bytearray()
        self.ends = array("q")
        self.long: dict[int, int] = {}  # index → length, for texts cut at the cell limit
        self.decoded: list[str | LongText | None] = []  # the texts the sheet used, by index
        self.text: CappedText | None = None
        self.in_text = False
        self.phonetic = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.seen = True
        local = _local(name)
        if local == "si":
            self.text = CappedText()
        elif local == "t":
            self.in_text = True
        elif local == "rPh":
            self.phonetic += 1

    def data(self, text: str) -> None:
        self.seen = True
        if self.in_text and not self.phonetic and self.text is not None:
            self.text.add(text)

    def end(self, name: str) -> None:
        self.seen = True
        local = _local(name)
        if local == "t":
            self.in_text = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "si" and self.text is not None:
            if self.text.length > MAX_CELL_CHARS:
                self.long[len(self.ends)] = self.text.length
            self.content += "".join(self.text.parts).encode("utf-8", "surrogatepass")
            self.ends.append(len(self.content))
            self.text = None

    def __getitem__(self, index: int) -> str | LongText:
        """Text ``index``: the same object each time it is asked for (a text shared by every cell of
        the sheet is held once, as in the file)."""
        if not 0 <= index < len(self.ends):
            raise refuse(f"classeur Excel abîmé : texte partagé n° {index} absent ; réenregistrez-le")
        if not self.decoded:
            self.decoded = [None] * len(self.ends)  # 8 bytes a text: far less than a dictionary's
        known = self.decoded[index]
        if known is not None:
            return known
        start = self.ends[index - 1] if index else 0
        text = bytes(self.content[start:self.ends[index]]).decode("utf-8", "surrogatepass")
        length = self.long.get(index)
        value = LongText(text[:30], length) if length is not None else text
        self.decoded[index] = value
        return value


class _FirstSheet(XmlHandler):
    def __init__(self, sheet: Sheet, texts: SharedTexts, dates: set[int], durations: set[int],
                 date1904: bool) -> None:
        self.limits = RowLimits(sheet)
        self.texts = texts
        self.dates = dates
        self.durations = durations
        self.date1904 = date1904
        self.row = 0
        self.cells: list[Any] = []
        self.column = -1
        self.kind = ""
        self.style = 0
        self.value: CappedText | None = None
        self.inline = False
        self.phonetic = 0
        self.in_cell = False
        self.collecting = False  # inside <v>, or inside <t> of an inline text (not its phonetic reading)

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.seen = True
        local = _local(name)
        if local == "c":
            self.in_cell = True
            reference = attributes.get("r")
            if reference:
                match = _REFERENCE.fullmatch(reference)
                if match is None:
                    raise refuse(f"classeur Excel abîmé : référence de cellule « {quoted(reference)} » "
                                 "invalide ; réenregistrez-le", self.row)
                self.column = _column_index(match.group(1))
            else:
                self.column += 1
            self.kind = attributes.get("t", "n")
            self.style = _number(attributes.get("s", "0") or "0")
            self.value = None
            self.inline = False
        elif not self.in_cell:
            if local == "row":
                number = attributes.get("r")
                self.row = _number(number) if number else self.row + 1
                self.cells = []
                self.column = -1
        elif local == "v" or (local == "t" and self.inline and not self.phonetic):
            if self.value is None:
                self.value = CappedText()
            self.collecting = True
        elif local == "is":
            self.inline = True
        elif local == "rPh":
            self.phonetic += 1

    def data(self, text: str) -> None:
        self.seen = True
        if self.collecting and self.value is not None:
            self.value.add(text)

    def end(self, name: str) -> None:
        self.seen = True
        local = _local(name)
        if local == "c":
            self.in_cell = False
            self._end_cell()
        elif self.in_cell:
            if local == "rPh":
                self.phonetic -= 1
            elif local in ("v", "t"):
                self.collecting = False
        elif local == "row":
            if self.cells:
                self.limits.add(self.row, self.cells)
            self.cells = []
        elif local == "sheetData":
            raise Finished

    def _end_cell(self) -> None:
        value = self._cell_value()
        self.value = None
        if blank(value):
            return
        if self.column >= MAX_COLUMNS:
            raise too_far_right(self.column, self.row)
        if self.row > MAX_SHEET_ROWS:
            raise below_last_row(self.row)
        if self.column >= len(self.cells):
            self.cells.extend([None] * (self.column + 1 - len(self.cells)))
        self.cells[self.column] = value

    def _cell_value(self) -> Any:
        if self.value is None:
            return None
        text = self.value.value()
        if isinstance(text, LongText):
            return text
        kind = self.kind
        if kind == "s":
            return self.texts[_number(text.strip())]
        if kind in ("inlineStr", "str", "e"):
            return text
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601

            try:
                return from_ISO8601(text.strip())
            except (ValueError, TypeError):
                return text
        return self._number_value(text.strip())

    def _number_value(self, text: str) -> Any:
        if not text:
            return None
        try:
            number: int | float = float(text) if any(c in text for c in ".eE") else int(text)
        except ValueError:
            return text
        if self.style in self.dates:
            from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

            try:
                return from_excel(number, CALENDAR_MAC_1904 if self.date1904 else CALENDAR_WINDOWS_1900,
                                  timedelta=self.style in self.durations)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


_OFFICE_DOCUMENT = "/officeDocument"


def read_xlsx(parts: ZipParts) -> Sheet:
    """The rows of the first worksheet of an Excel 2007+ workbook."""
    package = _relations(parts, "")
    workbook_part = next((target for kind, target in package.values() if kind.endswith(_OFFICE_DOCUMENT)),
                         "xl/workbook.xml")
    workbook = _Workbook()
    parse_part(parts, workbook_part, workbook, _BROKEN)
    relations = _relations(parts, workbook_part)
    if workbook.first_sheet not in relations:
        raise refuse("classeur Excel abîmé : sa première feuille est introuvable ; réenregistrez-le "
                     "au format .xlsx ou en CSV")
    texts = SharedTexts()
    styles = _Styles()
    for kind, target in relations.values():
        if kind.endswith("/sharedStrings") and target in parts:
            parse_part(parts, target, texts, _BROKEN)
        elif kind.endswith("/styles") and target in parts:
            parse_part(parts, target, styles, _BROKEN)
    dates, durations = styles.kinds()
    sheet = Sheet(kind="xlsx", rows=[])
    reader = _FirstSheet(sheet, texts, dates, durations, workbook.date1904)
    parse_part(parts, relations[workbook.first_sheet][1], reader, _BROKEN)
    return sheet
