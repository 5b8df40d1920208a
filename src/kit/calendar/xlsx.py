"""The forum calendar as an Excel workbook (.xlsx), written with openpyxl.

Dates and times are real date and time cells (a spreadsheet sorts and filters
them as such), the header row stays on screen when scrolling, columns are
wide enough for their content, and no cell can ever be a formula: every text
goes through :func:`_text_cell`, which stores it as a string whatever its first
character. The headers are the French labels that ``forums.py check`` reads
back, so a downloaded workbook can be edited and sent back as is. Like the
other exports it never carries the ``contact`` column, and the same forums
give the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from kit.calendar.datafile import forum_cells
from kit.calendar.model import Forum, sort_key
from kit.territory import Territory

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

# Column (as in the data file), French header, kind of cell.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("departement", "Département", "text"),
    ("date", "Date", "date"),
    ("heure_debut", "Heure de début", "time"),
    ("heure_fin", "Heure de fin", "time"),
    ("commune", "Commune", "text"),
    ("lieu", "Lieu", "text"),
    ("adresse", "Adresse", "text"),
    ("cantons", "Cantons", "text"),
    ("animateur", "Animation", "text"),
    ("statut", "Statut", "text"),
    ("participants", "Participants", "number"),
    ("source", "Source", "text"),
    ("provenance", "Provenance", "text"),
    ("id", "Identifiant", "text"),
    ("annonce", "Date d'annonce", "date"),
)
SHEET_TITLE = "Forums"
DATE_FORMAT = "DD/MM/YYYY"
TIME_FORMAT = "HH:MM"
_MIN_WIDTH, _MAX_WIDTH = 8, 60
# Fixed dates in the file (properties and ZIP entries), so that the same data gives the same bytes.
FIXED_DATE = datetime(2009, 2, 26)  # the date of the circular, for reproducible files
_ZIP_DATE = (2009, 2, 26, 0, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:(?:modified|created)[^>]*>)[^<]*(</dcterms:(?:modified|created)>)")

CellValue = str | date | time | int | None


def _text_cell(sheet: Worksheet, row: int, column: int, value: str) -> Cell:
    """A cell holding ``value`` as text, never as a formula (« =1+1 » stays « =1+1 »)."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    cell.data_type = "s"  # openpyxl would read a leading « = » as a formula
    return cell


def _typed_cell(sheet: Worksheet, row: int, column: int, value: CellValue) -> None:
    if value is None:
        return
    if isinstance(value, str):
        _text_cell(sheet, row, column, value)
        return
    if isinstance(value, int):
        sheet.cell(row=row, column=column, value=value)
        return
    cell = sheet.cell(row=row, column=column, value=value)
    cell.number_format = TIME_FORMAT if isinstance(value, time) else DATE_FORMAT


def _values(forum: Forum, territory: Territory | None) -> list[CellValue]:
    text = forum_cells(forum, territory)
    typed: dict[str, CellValue] = {
        "date": forum.date, "heure_debut": forum.heure_debut, "heure_fin": forum.heure_fin,
        "annonce": forum.annonce, "participants": forum.participants,
    }
    return [typed[name] if kind != "text" else (text[name] or None) for name, _, kind in COLUMNS]


def _width(header: str, kind: str, values: Sequence[CellValue]) -> float:
    if kind == "date":
        return max(len(header), 10) + 2
    if kind == "time":
        return max(len(header), 5) + 2
    longest = max([len(header), *(len(v) for v in values if isinstance(v, str))])
    return float(min(max(longest + 2, _MIN_WIDTH), _MAX_WIDTH))


def to_xlsx(forums: Iterable[Forum], territory: Territory | None = None) -> bytes:
    """The forums as an .xlsx workbook: one sheet, one row per forum, sorted by date."""
    # Imported here: a build that takes its workbook back from the cache never loads openpyxl (0.13 s).
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="EEEEF8")
    for column, (_, header, _) in enumerate(COLUMNS, start=1):
        cell = _text_cell(sheet, 1, column, header)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(vertical="top")
    rows = [_values(forum, territory) for forum in sorted(forums, key=sort_key)]
    for row_index, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            _typed_cell(sheet, row_index, column, value)
    for column, (_, header, kind) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = _width(
            header, kind, [row[column - 1] for row in rows])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    sheet.print_title_rows = "1:1"
    properties = workbook.properties
    properties.title = "Calendrier des forums sécurité 2009"
    properties.language = "fr-FR"
    properties.creator = properties.lastModifiedBy = "Ministère de l'Intérieur"
    properties.created = properties.modified = FIXED_DATE
    out = io.BytesIO()
    workbook.save(out)
    return without_clock(out.getvalue())


def without_clock(data: bytes) -> bytes:
    """The same Office file (XLSX, DOCX, ODT) without the time of saving: ZIP entries dated ``_ZIP_DATE``, and
    the « created » and « modified » properties (openpyxl and python-docx stamp them) set to ``FIXED_DATE``.

    Each entry keeps its order and whether it is compressed: an OpenDocument file's first entry,
    ``mimetype``, must stay stored as it is."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + FIXED_DATE.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>",
                                        content)
            target.writestr(entry, content)
    return out.getvalue()
