"""A calendar file as a table: the header row found and mapped, the rows under it.

The bytes are read by :mod:`kit.calendar.sheets` (every format, within the
limits); this module finds the header among the top rows and gives each
cell as clean text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kit.calendar import sheets
from kit.calendar.controls import without_controls
from kit.calendar.model import COLUMNS
from kit.calendar.sheets import decode, detect_delimiter
from kit.calendar.text import clean
from kit.territory import normalise

__all__ = ["KNOWN_HEADERS", "WORKBOOK_SUFFIXES", "Table", "Unreadable", "cell_text", "decode", "detect_delimiter",
           "header_key", "read_table"]

# Column names as prefectures write them, folded by `header_key`.
_ALIASES = {
    "dep": "departement", "dept": "departement", "code departement": "departement",
    "code dep": "departement", "departement code": "departement",
    "heure": "heure_debut", "debut": "heure_debut", "heure de debut": "heure_debut",
    "horaire": "heure_debut", "fin": "heure_fin", "heure de fin": "heure_fin",
    "ville": "commune", "canton": "cantons", "cantons concernes": "cantons",
    "animation": "animateur", "animatrice": "animateur", "statut du forum": "statut",
    "identifiant": "id", "date d annonce": "annonce", "date annonce": "annonce",
    "adresse postale": "adresse", "lieu du forum": "lieu", "date du forum": "date",
}
KNOWN_HEADERS = {**{c.replace("_", " "): c for c in COLUMNS}, **_ALIASES}
# How many rows may stand above the header (a title, a blank line).
_HEADER_SEARCH_ROWS = 10
# A calendar to merge into must be a CSV file.
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".numbers"}

Unreadable = sheets.Unreadable


@dataclass
class Table:
    """Raw rows of a file: (line number, cells) after the header."""

    header_line: int
    header: list[str]
    rows: list[tuple[int, list[Any]]]
    skipped_above: int = 0


def header_key(cell: Any) -> str:
    return normalise(str(cell or "").replace("\ufeff", ""))


def _known_count(cells: Sequence[Any]) -> int:
    return sum(1 for cell in cells if header_key(cell) in KNOWN_HEADERS)


def _find_header(rows: list[tuple[int, list[Any]]]) -> int:
    """Index of the header row: the first of the top rows naming three known columns."""
    for index, (_, cells) in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        if _known_count(cells) >= 3:
            return index
    return 0


def _split_table(rows: list[tuple[int, list[Any]]]) -> Table:
    rows = [(n, cells) for n, cells in rows if any(cell_text(c) for c in cells)]
    if not rows:
        raise Unreadable([(1, "fichier vide : la première ligne doit donner les noms des colonnes "
                              "(departement, date, heure_debut, commune, lieu…)")])
    index = _find_header(rows)
    line, header = rows[index]
    return Table(header_line=line, header=[str(c) if c is not None else "" for c in header],
                 rows=rows[index + 1:], skipped_above=index)


def read_table(path: Path, data: bytes | None = None) -> tuple[Table, bool, list[tuple[int, str]]]:
    """The table of ``path`` (or of its content ``data``), whether it came from a workbook, refused cells.

    :class:`Unreadable` (with every (line, message)) when it cannot be read.
    """
    sheet = sheets.read_file(path) if data is None else sheets.read_bytes(data, Path(path).suffix)
    return _split_table(sheet.rows), sheet.kind != "csv", sheet.problems


def cell_text(value: Any) -> str:
    """A cell as NFC text, control characters made spaces, without surrounding spaces."""
    if type(value) is str and value.isprintable() and unicodedata.is_normalized("NFC", value):
        return value.strip()  # most cells: already visible NFC text (printable: no control character)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    # The row's check refuses such characters at FILE:LINE; what is shown never carries them.
    return without_controls(clean(str(value)), keep_carriage_returns=False).strip()
