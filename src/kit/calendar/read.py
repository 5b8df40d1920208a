"""Reading calendar files: every forum of one or several files, and every problem in them.

A calendar file is a table with a header row (French column names, see
:data:`kit.calendar.model.COLUMNS`), saved as CSV (``;`` or ``,``, UTF-8 with
or without BOM, Windows-1252, UTF-16) or as a workbook (``.xlsx``, ``.xls``, ``.ods``: first
sheet; see :mod:`kit.calendar.sheets` for the limits). Reading never raises on bad content: every problem becomes a
:class:`~kit.calendar.model.Problem` naming the file and the line, and all of
them are reported at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kit.calendar.check import BadCell, RowChecker, RowMemo, find_duplicates, map_header, parse_cell_date
from kit.calendar.limits import quoted
from kit.calendar.model import (
    Calendar,
    Campaign,
    Forum,
    Problem,
    error_at,
    in_calendar_order,
    load_campaign,
    warning_at,
)
from kit.calendar.table import Unreadable, cell_text, header_key, read_table
from kit.paths import Project
from kit.territory import Territory, load_territory, normalise


def _sorted_problems(problems: list[Problem], order: dict[str, int]) -> list[Problem]:
    return sorted(problems, key=lambda p: (order.get(p.file, len(order)), p.line))


_FOOTER_WORDS = ("total", "sous total", "totaux", "nombre", "nb ", "soit ", "note", "nota", "remarque",
                 "source", "*", "(*)", "fait a ", "le prefet", "pour le prefet")


def _footer_start(rows: list[tuple[int, list[Any]]], columns: dict[str, int], *, excel: bool) -> int:
    """Index of the first row of the totals and notes under the table (``len(rows)`` when none).

    A trailing row is a total or a note when its date cell holds no date and
    its first filled cell starts with « Total », « Nombre », « Note »,
    « Source », « * »… ; the rows above it stay rows of the table.
    """
    date_index = columns.get("date")
    index = len(rows)
    while index > 0:
        cells = rows[index - 1][1]
        filled = [cell_text(c) for c in cells if cell_text(c)]
        date_cell = cells[date_index] if date_index is not None and date_index < len(cells) else None
        has_date = False
        if cell_text(date_cell):
            try:
                parse_cell_date(date_cell, excel=excel)
                has_date = True
            except BadCell:
                pass
        first = normalise(filled[0]) + " " if filled else ""
        if has_date or not first.startswith(_FOOTER_WORDS):
            break
        index -= 1
    return index


def read_one(path: Path, territory: Territory, campaign: Campaign, data: bytes | None = None, *,
             memo: RowMemo | None = None) -> Calendar:
    """One file's forums and problems, duplicates not yet looked for (``data``: its content, if read;
    ``memo``: rows checked by an earlier reading, see :class:`RowChecker`)."""
    path = Path(path)
    file = str(path)
    try:
        table, excel, refused = read_table(path, data)
    except Unreadable as exc:
        return Calendar(forums=[], problems=[error_at(file, line, message) for line, message in exc.errors])
    columns, problems = map_header(table, file)
    problems.extend(error_at(file, line, message) for line, message in refused)
    checker = RowChecker(territory, campaign, memo)
    # Cells under a named column, known or not, are not stray values.
    named = {index for index, cell in enumerate(table.header) if header_key(cell)}
    forums: list[Forum] = []
    footer = _footer_start(table.rows, columns, excel=excel)
    for line, row in table.rows[footer:]:
        shown = " ".join(cell_text(c) for c in row if cell_text(c))
        problems.append(warning_at(file, line, "ligne ignorée sous le tableau (total ou note) : "
                                               f"« {quoted(shown)} »"))
    for line, row in table.rows[:footer]:
        cells = {name: (row[index] if index < len(row) else None) for name, index in columns.items()}
        extra = any(cell_text(value) for index, value in enumerate(row) if index not in named)
        forum, row_problems = checker.check(file, line, cells, excel=excel, extra=extra)
        problems.extend(row_problems)
        if forum is not None:
            forums.append(forum)
    return Calendar(forums=forums, problems=problems)


def read_calendar(path: Path, *, territory: Territory, campaign: Campaign,
                  memo: RowMemo | None = None) -> Calendar:
    """Read and check one calendar file (.csv, .xlsx, .xls or .ods).

    Never raises on bad content: unreadable files, bad rows and duplicates
    come back as :class:`Problem` objects, sorted by line; only rows
    without errors become forums, in calendar order (:class:`Ordered`).
    """
    return read_calendars([path], territory=territory, campaign=campaign, memo=memo)


def read_calendars(paths: Iterable[Path], *, territory: Territory, campaign: Campaign,
                   memo: RowMemo | None = None) -> Calendar:
    """Read and check several files as one calendar (duplicates across files included)."""
    forums: list[Forum] = []
    problems: list[Problem] = []
    order: dict[str, int] = {}
    for path in paths:
        order.setdefault(str(path), len(order))
        calendar = read_one(Path(path), territory, campaign, memo=memo)
        forums.extend(calendar.forums)
        problems.extend(calendar.problems)
    problems.extend(find_duplicates(forums))
    # Sorted here, once: the pages, their lists and every download keep this order.
    return Calendar(forums=in_calendar_order(forums), problems=_sorted_problems(problems, order))


def load_calendar(project: Project, path: Path | None = None, *, territory: Territory | None = None,
                  campaign: Campaign | None = None) -> Calendar:
    """The project's calendar: ``path``, else $FORUMS_CSV, else data/forums.csv.

    A relative $FORUMS_CSV is taken from the project's root, as in mkdocs.yml.
    """
    return read_calendar(project.calendar_file() if path is None else Path(path),
                         territory=territory or load_territory(project.reference),
                         campaign=campaign or load_campaign(project.campaign_file))
