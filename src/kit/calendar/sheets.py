"""The raw rows of a calendar file, whatever its format, read within fixed limits.

A prefecture may send CSV (UTF-8, Windows-1252 or UTF-16), Excel 2007+
(``.xlsx``, :mod:`kit.calendar.ooxml`), Excel 97-2003 (``.xls``, xlrd, first
sheet only) or OpenDocument (``.ods``, :mod:`kit.calendar.ods`); both zipped
formats are streamed from the archive (:mod:`kit.calendar.zipped`). Every limit
(:mod:`kit.calendar.limits`) is checked before the file is loaded, or while it
is streamed, each row counted before it is kept, so that memory and time stay
bounded whatever the file holds: nothing here ever echoes a whole cell.

The format is told by the file's first bytes (a ``.xls`` that is really a
CSV file is read as CSV), the suffix only when the content says nothing.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from kit.calendar.limits import (
    LIMITS_TEXT,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_SHEET_ROWS,
    MAX_UNPACKED_BYTES,
    RowLimits,
    Sheet,
    Unreadable,
    column_letter,
    megabytes,
    refuse,
    thousands,
)

__all__ = ["LIMITS_TEXT", "MAX_CELL_CHARS", "MAX_COLUMNS", "MAX_FILE_BYTES", "MAX_ROWS", "MAX_SHEET_ROWS",
           "MAX_UNPACKED_BYTES", "Sheet", "Unreadable", "column_letter", "decode", "detect_delimiter",
           "is_date_cell", "read_bytes", "read_file", "thousands"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# The longest line a CSV file may hold: every cell of a row at its longest, quoted, with its separator.
MAX_CSV_LINE_CHARS = MAX_COLUMNS * (MAX_CELL_CHARS + 3)

_refuse = refuse
_megabytes = megabytes


# Reading --------------------------------------------------------------------

def read_file(path: Path) -> Sheet:
    """The rows of ``path``; :class:`Unreadable` when it cannot be read within the limits."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise _refuse("c'est un dossier, pas un fichier")
        if size > MAX_FILE_BYTES:
            raise _refuse(f"fichier trop gros ({_megabytes(size)}) : {_megabytes(MAX_FILE_BYTES)} au plus ; "
                          "découpez-le en plusieurs fichiers")
        data = path.read_bytes()
    except FileNotFoundError:
        raise _refuse("fichier introuvable") from None
    except OSError as exc:
        from kit.cli.oserrors import french_os_error

        raise _refuse(f"fichier illisible ({french_os_error(exc)})") from None
    return read_bytes(data, path.suffix)


def read_bytes(data: bytes, suffix: str = "") -> Sheet:
    """The rows of a file's content (``suffix`` only breaks ties: « .csv », « .xls »…)."""
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(f"fichier trop gros ({_megabytes(len(data))}) : {_megabytes(MAX_FILE_BYTES)} au plus")
    suffix = suffix.lower()
    if data.startswith(_OLE_MAGIC):
        return _read_xls(data)
    if data.startswith(_ZIP_MAGIC):
        return _read_zip(data)
    if suffix in {".xlsx", ".xlsm", ".ods"} and data:
        raise _refuse(f"ce fichier « {suffix} » est abîmé (ce n'est pas un classeur) : réenregistrez-le")
    if suffix == ".numbers":
        raise _refuse("format Numbers non pris en charge : exportez le tableau en .xlsx, .ods ou CSV")
    return _read_csv(data)


# CSV ------------------------------------------------------------------------

_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# Bytes Windows-1252 leaves undefined.
_CP1252_HOLES = frozenset(b"\x81\x8d\x8f\x90\x9d")


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and its encoding, read in one encoding or refused.

    UTF-8 (BOM or not) and UTF-16 (with BOM) must be valid throughout; a file
    without BOM that is not valid UTF-8 is read as Windows-1252 only when it
    holds no UTF-8 sequence at all: a UTF-8 file with a few stray bytes is
    refused with every line holding one.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8):], "utf-8", "UTF-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise _refuse("le fichier annonce l'encodage UTF-16 mais contient des caractères illisibles : "
                          "réenregistrez-le en « CSV UTF-8 »") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE.search(data):
        _strict(data, "utf-8", "UTF-8")  # raises, naming each line
    return _strict(data, "cp1252", "Windows-1252"), "cp1252"


_ESCAPED = re.compile("[\udc80-\udcff]")


def _strict(body: bytes, encoding: str, label: str) -> str:
    """``body`` decoded, or :class:`Unreadable` naming each line with a bad byte.

    The bad bytes are found in one decoding that keeps them (as lone surrogates),
    never by splitting the file into lines: memory stays that of the text.
    """
    try:
        return body.decode(encoding)
    except UnicodeDecodeError:
        pass
    text = body.decode(encoding, "surrogateescape")
    errors: list[tuple[int, str]] = []
    line, counted = 1, 0
    for bad in _ESCAPED.finditer(text):
        position = bad.start()
        line += text.count("\n", counted, position)
        counted = position
        if errors and errors[-1][0] == line:
            continue  # one message a line
        column = position - (text.rfind("\n", 0, position) + 1)
        errors.append((line, (
            f"octet 0x{ord(bad.group()) - 0xDC00:02X} illisible en {label} (caractère {column + 1} de la ligne) : "
            "le fichier mélange deux encodages ; retapez les caractères accentués de cette ligne "
            "ou réenregistrez le fichier en « CSV UTF-8 »")))
        if len(errors) >= 1000:
            break
    if not errors:  # never reached: a decoding that fails has a byte it could not read
        errors.append((0, f"le fichier n'est pas lisible en {label}"))
    raise Unreadable(errors)


_HEADER_WORDS = re.compile(r"d[ée]partement|date|commune|lieu|heure", re.I)


def detect_delimiter(text: str) -> str:
    """``;``, ``,`` or tab: the one that splits the top lines into the most header-like cells."""
    head = text[:20_000].splitlines()[:10]
    best, best_score = ";", (-1, -1)
    for delimiter in (";", ",", "\t"):
        score = (max((sum(1 for cell in line.split(delimiter) if _HEADER_WORDS.search(cell))
                      for line in head), default=0),
                 sum(line.count(delimiter) for line in head))
        if score > best_score:
            best, best_score = delimiter, score
    return best


# A run of line ends is one item for the CSV reader (an empty row, or line ends inside a quoted cell, which
# the reader keeps as they are): a file of millions of blank lines is read in a few thousand steps.
_LINES = re.compile(r"(?:\r\n|\r|\n){1,65536}|[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


class _Lines:
    """The lines of ``text`` for ``csv.reader``, none too long, counting the lines read so far."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.read = 0  # lines of the file read so far (a run of line ends counts each of its lines)

    def __iter__(self) -> Iterator[str]:
        for match in _LINES.finditer(self.text):
            line = match.group()
            if line[0] in "\r\n":
                self.read += line.count("\n") + line.count("\r") - line.count("\r\n")
                yield line
                continue
            self.read += 1
            if len(line) > MAX_CSV_LINE_CHARS:
                raise _refuse(f"ligne trop longue ({thousands(len(line))} caractères) : une cellule trop longue "
                              f"({thousands(MAX_CELL_CHARS)} caractères au plus) ou des colonnes en trop "
                              f"({MAX_COLUMNS} au plus)", self.read)
            yield line


def _read_csv(data: bytes) -> Sheet:
    text, encoding = decode(data)
    delimiter = detect_delimiter(text)
    sheet = Sheet(kind="csv", rows=[], encoding=encoding, delimiter=delimiter)
    limits = RowLimits(sheet)
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            limits.add(start, cells)
            start = lines.read + 1
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise _refuse(f"cellule trop longue (plus de {thousands(csv.field_size_limit())} caractères) ; "
                          f"{thousands(MAX_CELL_CHARS)} caractères au plus par cellule", start) from None
        raise _refuse("ligne CSV illisible : vérifiez les guillemets de cette ligne", start) from None
    return sheet


# Zipped workbooks -----------------------------------------------------------

def _read_zip(data: bytes) -> Sheet:
    from kit.calendar.ods import MIMETYPE, read_ods
    from kit.calendar.ooxml import read_xlsx
    from kit.calendar.zipped import ZipParts

    parts = ZipParts(data)
    if "mimetype" in parts and parts.head("mimetype", 100).strip() == MIMETYPE:
        return read_ods(parts)
    if "_rels/.rels" in parts or "xl/workbook.xml" in parts:
        return read_xlsx(parts)
    raise _refuse("format non reconnu : enregistrez le tableau en .xlsx, .ods, .xls ou CSV")


# Excel 97-2003 --------------------------------------------------------------

def _read_xls(data: bytes) -> Sheet:
    import xlrd

    sheet = Sheet(kind="xls", rows=[])
    limits = RowLimits(sheet)
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True)
        try:
            first = book.sheet_by_index(0)
            for index in range(first.nrows):
                cells = [_xls_value(cell, book.datemode) for cell in first.row(index)]
                limits.add(index + 1, cells)
        finally:
            book.release_resources()
    except Unreadable:
        raise
    except Exception as exc:  # xlrd raises XLRDError, struct.error, AssertionError… on bad files
        raise _refuse(f"classeur Excel 97-2003 illisible ({type(exc).__name__}) : réenregistrez-le "
                      "au format .xlsx, .ods ou en CSV") from None
    return sheet


def _xls_value(cell: Any, datemode: int) -> Any:
    import xlrd

    kind, value = cell.ctype, cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_DATE:
        moment = xlrd.xldate.xldate_as_datetime(value, datemode)
        if value < 1:
            return moment.time()
        return moment if moment.time() != time(0) else moment.date()
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERREUR")
    return value


def is_date_cell(value: Any) -> bool:
    """A spreadsheet date (or date and time) cell."""
    return isinstance(value, (date, datetime))
