"""The limits every calendar file is read within, and the rows a reader keeps under them.

Each reader (:mod:`kit.calendar.sheets` for CSV and .xls, :mod:`kit.calendar.ods`,
:mod:`kit.calendar.ooxml`) hands its rows to :class:`RowLimits` one at a time,
at most :data:`MAX_COLUMNS` cells each: a row is counted before it is kept,
blank rows are never kept, and a cell longer than :data:`MAX_CELL_CHARS` is
never held whole (readers that stream give a :class:`LongText`, its start and
its length). Nothing here ever echoes more than 30 characters of a cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

# Limits, generous for a real campaign (tens of thousands of forums, fourteen columns).
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # every entry of an .xlsx or .ods, by declared and by actual size
MAX_ROWS = 50_000  # non-empty rows, header included
MAX_COLUMNS = 40
MAX_CELL_CHARS = 2_000
# The last row a spreadsheet (Excel, LibreOffice) can hold: a value below it is refused, never dropped.
MAX_SHEET_ROWS = 1_048_576
# Characters of a cell quoted in a message.
QUOTED_CHARS = 30


def thousands(value: int) -> str:
    """« 50 000 »: digits grouped with a narrow no-break space."""
    return f"{value:,}".replace(",", "\u202f")


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


def quoted(text: str) -> str:
    """The first 30 characters of ``text`` (« … » when cut), on one line: what a message may quote."""
    shown = text[:QUOTED_CHARS].replace("\r", " ").replace("\n", " ")
    return shown + "…" if len(text) > QUOTED_CHARS else shown


LIMITS_TEXT = (f"{thousands(MAX_FILE_BYTES // (1024 * 1024))} Mo, {thousands(MAX_ROWS)} lignes, "
               f"{MAX_COLUMNS} colonnes, {thousands(MAX_CELL_CHARS)} caractères par cellule")


class Unreadable(Exception):
    """The file cannot be read as a table; ``errors`` are (line, French message), line 0 for the file."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


def refuse(message: str, line: int = 0) -> Unreadable:
    return Unreadable([(line, message)])


class LongText(NamedTuple):
    """A cell too long to keep: its first characters and its length."""

    start: str
    length: int


@dataclass
class Sheet:
    """Rows of the first sheet that hold something, each with its line (CSV) or row number (workbook)."""

    kind: str  # "csv", "xlsx", "xls" or "ods"
    rows: list[tuple[int, list[Any]]]
    # Cells refused without stopping the reading (too long): (line, message).
    problems: list[tuple[int, str]] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""


def column_letter(index: int) -> str:
    """0 → « A », 40 → « AO », 16383 → « XFD »."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def too_far_right(column: int, line: int) -> Unreadable:
    """A value in column ``column`` (0-based), beyond :data:`MAX_COLUMNS`."""
    return refuse(f"valeur dans la colonne {column_letter(column)} : le tableau ne doit pas "
                  f"dépasser {MAX_COLUMNS} colonnes (supprimez les colonnes en trop)", line)


def below_last_row(line: int) -> Unreadable:
    return refuse(f"valeur à la ligne {thousands(line)}, sous la dernière ligne d'un tableur "
                  f"({thousands(MAX_SHEET_ROWS)}) : le fichier est abîmé ; réenregistrez-le", line)


class RowLimits:
    """Counts rows and checks widths and cell lengths as rows stream in."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.filled = 0

    def add(self, line: int, cells: list[Any]) -> None:
        """Keep row ``line`` if it holds something; :class:`Unreadable` past a limit."""
        last = len(cells)
        while last and blank(cells[last - 1]):
            last -= 1
        if not last:
            return  # a blank row is never kept
        if last > MAX_COLUMNS:
            raise too_far_right(last - 1, line)
        if line > MAX_SHEET_ROWS and self.sheet.kind != "csv":
            raise below_last_row(line)
        self.filled += 1
        if self.filled > MAX_ROWS:
            raise refuse(f"plus de {thousands(MAX_ROWS)} lignes remplies : découpez le fichier en "
                         "plusieurs fichiers", line)
        row = list(cells[:last])
        long: list[tuple[int, str, int]] = []  # (index, start, length) of the cells too long
        for index, value in enumerate(row):
            if isinstance(value, LongText):
                long.append((index, value.start, value.length))
                row[index] = ""
            elif isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                long.append((index, value[:QUOTED_CHARS], len(value)))
                row[index] = ""
        if long:
            self._too_long(line, long)
        self.sheet.rows.append((line, row))

    def _too_long(self, line: int, long: list[tuple[int, str, int]]) -> None:
        """One message for the row, however many of its cells are too long."""
        index, start, length = long[0]
        if len(long) == 1:
            message = (f"cellule {column_letter(index)} trop longue ({thousands(length)} caractères, "
                       f"{thousands(MAX_CELL_CHARS)} au plus) : « {quoted(start + '…')} »")
        else:
            letters = ", ".join(column_letter(cell[0]) for cell in long)
            message = (f"cellules {letters} trop longues ({thousands(MAX_CELL_CHARS)} caractères au plus ; "
                       f"{column_letter(index)} en a {thousands(length)}) : « {quoted(start + '…')} »")
        self.sheet.problems.append((line, message))


class CappedText:
    """Text gathered piece by piece, keeping at most one character more than a cell may hold."""

    __slots__ = ("length", "parts", "kept")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.kept = 0
        self.length = 0

    def add(self, text: str) -> None:
        self.length += len(text)
        room = MAX_CELL_CHARS + 1 - self.kept
        if room > 0:
            piece = text[:room]
            self.parts.append(piece)
            self.kept += len(piece)

    def add_spaces(self, count: int, character: str = " ") -> None:
        self.length += count
        room = MAX_CELL_CHARS + 1 - self.kept
        if room > 0:
            piece = character * min(count, room)
            self.parts.append(piece)
            self.kept += len(piece)

    def value(self) -> str | LongText:
        text = "".join(self.parts)
        return LongText(text[:QUOTED_CHARS], self.length) if self.length > MAX_CELL_CHARS else text
