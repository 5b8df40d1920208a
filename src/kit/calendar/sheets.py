"""The raw rows of a calendar file, whatever its format, read within fixed limits.

A prefecture may send CSV (UTF-8, Windows-1252 or UTF-16), Excel 2007+
(``.xlsx``, read with openpyxl in streaming mode), Excel 97-2003 (``.xls``,
xlrd) or OpenDocument (``.ods``, python-calamine). Every limit is checked
before the file is loaded, or while it is streamed, so that memory and time
stay bounded whatever the file holds: nothing here ever echoes a whole cell.

The format is told by the file's first bytes (a ``.xls`` that is really a
CSV file is read as CSV), the suffix only when the content says nothing.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from xml.parsers import expat

# Limits, generous for a real campaign (tens of thousands of forums, fourteen columns).
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # XML inside an .xlsx or .ods, all parts read
MAX_ROWS = 50_000  # non-empty rows, header included
MAX_COLUMNS = 40
MAX_CELL_CHARS = 2_000
# Rows of a workbook looked at in all (empty rows included): Excel's own maximum.
_MAX_SHEET_ROWS = 1_048_576

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def thousands(value: int) -> str:
    """« 50 000 »: digits grouped with a narrow no-break space."""
    return f"{value:,}".replace(",", "\u202f")


LIMITS_TEXT = (f"{thousands(MAX_FILE_BYTES // (1024 * 1024))} Mo, {thousands(MAX_ROWS)} lignes, "
               f"{MAX_COLUMNS} colonnes, {thousands(MAX_CELL_CHARS)} caractères par cellule")


class Unreadable(Exception):
    """The file cannot be read as a table; ``errors`` are (line, French message), line 0 for the file."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


def _refuse(message: str, line: int = 0) -> Unreadable:
    return Unreadable([(line, message)])


@dataclass
class Sheet:
    """Rows of the first sheet, each with its line (CSV) or row number (workbook)."""

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


def _preview(text: str) -> str:
    return text[:30].replace("\n", " ") + "…"


class _Limits:
    """Counts rows and checks widths and cell lengths as rows stream in."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.filled = 0

    def add(self, line: int, cells: list[Any]) -> None:
        last = len(cells)
        while last and _blank(cells[last - 1]):
            last -= 1
        if not last:
            self.sheet.rows.append((line, []))
            return
        if last > MAX_COLUMNS:
            raise _refuse(f"valeur dans la colonne {column_letter(last - 1)} : le tableau ne doit pas "
                          f"dépasser {MAX_COLUMNS} colonnes (supprimez les colonnes en trop)", line)
        self.filled += 1
        if self.filled > MAX_ROWS:
            raise _refuse(f"plus de {thousands(MAX_ROWS)} lignes remplies : découpez le fichier en "
                          "plusieurs fichiers", line)
        row = list(cells[:last])
        for index, value in enumerate(row):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                self.sheet.problems.append((line, (
                    f"cellule {column_letter(index)} trop longue ({thousands(len(value))} caractères, "
                    f"{thousands(MAX_CELL_CHARS)} au plus) : « {_preview(value)} »")))
                row[index] = ""
        self.sheet.rows.append((line, row))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


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
        from kit.oserrors import french_os_error

        raise _refuse(f"fichier illisible ({french_os_error(exc)})") from None
    return read_bytes(data, path.suffix)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


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


def _strict(body: bytes, encoding: str, label: str) -> str:
    """``body`` decoded, or :class:`Unreadable` naming each line with a bad byte."""
    try:
        return body.decode(encoding)
    except UnicodeDecodeError:
        pass
    errors: list[tuple[int, str]] = []
    for number, line in enumerate(body.split(b"\n"), 1):
        try:
            line.decode(encoding)
        except UnicodeDecodeError as exc:
            byte = line[exc.start]
            errors.append((number, (
                f"octet 0x{byte:02X} illisible en {label} (caractère {exc.start + 1} de la ligne) : "
                "le fichier mélange deux encodages ; retapez les caractères accentués de cette ligne "
                "ou réenregistrez le fichier en « CSV UTF-8 »")))
            if len(errors) >= 1000:
                break
    if not errors:  # a sequence cut across a line break: never reached in practice
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


def _read_csv(data: bytes) -> Sheet:
    text, encoding = decode(data)
    delimiter = detect_delimiter(text)
    sheet = Sheet(kind="csv", rows=[], encoding=encoding, delimiter=delimiter)
    limits = _Limits(sheet)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            limits.add(start, cells)
            start = reader.line_num + 1
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise _refuse(f"cellule trop longue (plus de {thousands(csv.field_size_limit())} caractères) ; "
                          f"{thousands(MAX_CELL_CHARS)} caractères au plus par cellule", start) from None
        raise _refuse("ligne CSV illisible : vérifiez les guillemets de cette ligne", start) from None
    return sheet


# Zipped workbooks -----------------------------------------------------------

def _read_zip(data: bytes) -> Sheet:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist() if info.filename.endswith(".xml"))
        is_ods = "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIMETYPE
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _refuse("classeur abîmé (archive illisible) : réenregistrez-le ou exportez-le en CSV") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise _refuse(f"classeur trop volumineux une fois décompressé ({_megabytes(unpacked)}, "
                      f"{_megabytes(MAX_UNPACKED_BYTES)} au plus) : enregistrez-le en CSV ou découpez-le")
    if is_ods:
        return _read_ods(data, archive)
    if "xl/workbook.xml" in names:
        return _read_xlsx(data)
    raise _refuse("format non reconnu : enregistrez le tableau en .xlsx, .ods, .xls ou CSV")


def _read_xlsx(data: bytes) -> Sheet:
    from openpyxl import load_workbook

    sheet = Sheet(kind="xlsx", rows=[])
    limits = _Limits(sheet)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not keep: harmless here.
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                worksheet = book.worksheets[0]
                # Rows come as long as their last cell, not padded to a declared width.
                worksheet.reset_dimensions()
                for number, cells in enumerate(worksheet.iter_rows(values_only=True), 1):
                    if number > _MAX_SHEET_ROWS:
                        break
                    limits.add(number, list(cells))
            finally:
                book.close()
    except Unreadable:
        raise
    except Exception as exc:  # openpyxl raises many kinds on corrupt workbooks
        raise _refuse(f"classeur Excel illisible ({type(exc).__name__}) : réenregistrez-le "
                      "au format .xlsx ou en CSV") from None
    return sheet


# OpenDocument ---------------------------------------------------------------

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


class _OdsExtent:
    """Streams content.xml to find the first table's filled extent, before any loading.

    A spreadsheet stores « 16 000 empty cells » as one element: the extent of
    the cells that hold something is what a reader will have to allocate.
    """

    def __init__(self) -> None:
        self.depth = 0  # inside the first table (1) or past it (-1)
        self.row = 0
        self.column = 0
        self.row_repeat = 1
        self.cell_repeat = 1
        self.cell_filled = False
        self.row_filled = False
        self.filled_rows = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if self.depth < 0:
            return
        if name == f"{_TABLE} table":
            self.depth += 1
        elif self.depth == 1 and name == f"{_TABLE} table-row":
            self.column = 0
            self.row_filled = False
            self.row_repeat = int(attributes.get(f"{_TABLE} number-rows-repeated", "1") or 1)
        elif self.depth == 1 and name in (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell"):
            self.cell_repeat = int(attributes.get(f"{_TABLE} number-columns-repeated", "1") or 1)
            self.cell_filled = f"{_OFFICE} value-type" in attributes
        elif self.depth == 1 and name == f"{_TEXT} p":
            self.cell_filled = True

    def end(self, name: str) -> None:
        if self.depth < 0:
            return
        if name == f"{_TABLE} table":
            self.depth = -1
        elif self.depth == 1 and name in (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell"):
            if self.cell_filled:
                last = self.column + self.cell_repeat
                if last > MAX_COLUMNS:
                    raise _refuse(f"valeur dans la colonne {column_letter(last - 1)} : le tableau ne doit "
                                  f"pas dépasser {MAX_COLUMNS} colonnes (supprimez les colonnes en trop)",
                                  self.row + 1)
                self.row_filled = True
            self.column += self.cell_repeat
        elif self.depth == 1 and name == f"{_TABLE} table-row":
            if self.row_filled:
                self.filled_rows += self.row_repeat
                if self.filled_rows > MAX_ROWS:
                    raise _refuse(f"plus de {thousands(MAX_ROWS)} lignes remplies : découpez le fichier en "
                                  "plusieurs fichiers", self.row + 1)
            self.row += self.row_repeat


def _check_ods_extent(archive: zipfile.ZipFile) -> None:
    extent = _OdsExtent()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = extent.start
    parser.EndElementHandler = extent.end
    try:
        with archive.open("content.xml") as content:
            while chunk := content.read(1 << 16):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (expat.ExpatError, KeyError, ValueError, zipfile.BadZipFile, OSError):
        raise _refuse("classeur OpenDocument abîmé (contenu illisible) : réenregistrez-le") from None


def _read_ods(data: bytes, archive: zipfile.ZipFile) -> Sheet:
    from python_calamine import CalamineWorkbook

    _check_ods_extent(archive)
    sheet = Sheet(kind="ods", rows=[])
    limits = _Limits(sheet)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        first = book.get_sheet_by_index(0)
        rows: Iterator[list[Any]] = first.iter_rows()
        offset = first.start[0] if first.start else 0
        for number, cells in enumerate(rows, offset + 1):
            limits.add(number, [_calamine_value(value) for value in cells])
    except Unreadable:
        raise
    except Exception as exc:  # calamine raises its own error kinds on corrupt files
        raise _refuse(f"classeur OpenDocument illisible ({type(exc).__name__}) : réenregistrez-le "
                      "au format .ods ou en CSV") from None
    return sheet


def _calamine_value(value: Any) -> Any:
    """Calamine's cell values as the other readers give them (empty text as None)."""
    if isinstance(value, str) and not value:
        return None
    if isinstance(value, timedelta) and timedelta(0) <= value < timedelta(days=1):
        return (datetime.min + value).time()
    return value


# Excel 97-2003 --------------------------------------------------------------

def _read_xls(data: bytes) -> Sheet:
    import xlrd

    sheet = Sheet(kind="xls", rows=[])
    limits = _Limits(sheet)
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True)
        try:
            first = book.sheet_by_index(0)
            for index in range(min(first.nrows, _MAX_SHEET_ROWS)):
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
