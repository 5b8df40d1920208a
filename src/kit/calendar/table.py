"""Calendar files as raw tables: CSV (any separator and encoding prefectures use) or .xlsx.

Nothing here judges the content: :mod:`kit.calendar.check` does.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kit.calendar.model import COLUMNS
from kit.controls import without_controls
from kit.territory import normalise

# Column names as prefectures write them, folded by `header_key`.


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
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
UNSUPPORTED_SUFFIXES = {".xls": "Excel 97-2003 (.xls)", ".ods": "OpenDocument (.ods)",
                         ".numbers": "Numbers"}


@dataclass
class Table:
    """Raw rows of a file: (line number, cells) after the header."""

    header_line: int
    header: list[str]
    rows: list[tuple[int, list[Any]]]
    skipped_above: int = 0


class Unreadable(Exception):
    """The file cannot be read as a table: the message says why, in French."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


def decode(data: bytes) -> str:
    """Text of a CSV file in UTF-8 (BOM or not), UTF-16 with BOM or Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8", data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, body = "utf-16", data
    else:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            encoding, body = "cp1252", data
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1 if encoding != "utf-16" else 0
        if encoding == "cp1252":
            raise Unreadable("encodage non reconnu : enregistrez le fichier en « CSV UTF-8 » "
                              "ou en « CSV (séparateur : point-virgule) »", line) from None
        raise Unreadable(f"le fichier annonce l'encodage {encoding.upper()} mais contient des "
                          "caractères illisibles", line) from None


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
        raise Unreadable("fichier vide : la première ligne doit donner les noms des colonnes "
                          "(departement, date, heure_debut, commune, lieu…)", 1)
    index = _find_header(rows)
    line, header = rows[index]
    return Table(header_line=line, header=[str(c) if c is not None else "" for c in header],
                  rows=rows[index + 1:], skipped_above=index)


def detect_delimiter(text: str) -> str:
    """``;``, ``,`` or tab: the one whose top rows name the most known columns."""
    head = "\n".join(text.splitlines()[:_HEADER_SEARCH_ROWS])
    best, best_score = ";", (-1, -1)
    for delimiter in (";", ",", "\t"):
        try:
            rows = list(csv.reader(io.StringIO(head), delimiter=delimiter))
        except csv.Error:
            continue
        score = (max((_known_count(r) for r in rows), default=0), head.count(delimiter))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv_table(data: bytes) -> tuple[Table, str]:
    text = decode(data)
    delimiter = detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Any]]] = []
    start = 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise Unreadable(f"ligne CSV illisible ({exc}) : vérifiez les guillemets", start) from None
    return _split_table(rows), delimiter


def _read_xlsx_table(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not keep: harmless here.
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                rows = [(n, list(cells)) for n, cells in enumerate(sheet.iter_rows(values_only=True), 1)]
            finally:
                book.close()
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, OSError) as exc:
        raise Unreadable(f"classeur Excel illisible ({type(exc).__name__}) : réenregistrez-le "
                          "au format .xlsx ou en CSV") from None
    except Exception as exc:  # openpyxl raises many kinds on corrupt workbooks
        raise Unreadable(f"classeur Excel illisible ({type(exc).__name__}) : réenregistrez-le "
                          "au format .xlsx ou en CSV") from None
    return _split_table(rows)


def read_table(path: Path) -> tuple[Table, bool]:
    """The raw table of ``path`` and whether it came from Excel."""
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED_SUFFIXES:
        raise Unreadable(f"format {UNSUPPORTED_SUFFIXES[suffix]} non pris en charge : "
                          "enregistrez le fichier au format .xlsx ou en CSV")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise Unreadable("fichier introuvable") from None
    except IsADirectoryError:
        raise Unreadable("c'est un dossier, pas un fichier") from None
    except OSError as exc:
        raise Unreadable(f"fichier illisible ({exc.strerror or exc})") from None
    if suffix in EXCEL_SUFFIXES or data.startswith(b"PK\x03\x04"):
        return _read_xlsx_table(data), True
    return _read_csv_table(data)[0], False


def cell_text(value: Any) -> str:
    """A cell as clean text: no control characters, no surrounding spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        text = value.isoformat(sep=" ")
    else:
        text = str(value)
    return without_controls(text, keep_carriage_returns=False).strip()
