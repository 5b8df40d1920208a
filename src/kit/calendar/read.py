"""Reading calendar files: every forum of one or several files, and every problem in them.

A calendar file is a table with a header row (French column names, see
:data:`kit.calendar.model.COLUMNS`), saved as CSV (``;`` or ``,``, UTF-8 with
or without BOM, Windows-1252, UTF-16) or as an Excel ``.xlsx`` workbook (first
sheet). Reading never raises on bad content: every problem becomes a
:class:`~kit.calendar.model.Problem` naming the file and the line, and all of
them are reported at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kit.calendar.check import RowChecker, find_duplicates, map_header
from kit.calendar.model import (
    Calendar,
    Campaign,
    Forum,
    Problem,
    error_at,
    in_calendar_order,
    load_campaign,
)
from kit.calendar.table import Unreadable, cell_text, header_key, read_table
from kit.paths import Project
from kit.territory import Territory, load_territory


def _sorted_problems(problems: list[Problem], order: dict[str, int]) -> list[Problem]:
    return sorted(problems, key=lambda p: (order.get(p.file, len(order)), p.line))


def _read_one(path: Path, territory: Territory, campaign: Campaign) -> Calendar:
    """One file's forums and problems, duplicates not yet looked for."""
    path = Path(path)
    file = str(path)
    try:
        table, excel = read_table(path)
    except Unreadable as exc:
        return Calendar(forums=[], problems=[error_at(file, exc.line, str(exc))])
    columns, problems = map_header(table, file)
    checker = RowChecker(territory, campaign)
    # Cells under a named column, known or not, are not stray values.
    named = {index for index, cell in enumerate(table.header) if header_key(cell)}
    forums: list[Forum] = []
    for line, row in table.rows:
        cells = {name: (row[index] if index < len(row) else None) for name, index in columns.items()}
        extra = any(cell_text(value) for index, value in enumerate(row) if index not in named)
        forum, row_problems = checker.check(file, line, cells, excel=excel, extra=extra)
        problems.extend(row_problems)
        if forum is not None:
            forums.append(forum)
    return Calendar(forums=forums, problems=problems)


def read_calendar(path: Path, *, territory: Territory, campaign: Campaign) -> Calendar:
    """Read and check one calendar file (.csv or .xlsx).

    Never raises on bad content: unreadable files, bad rows and duplicates
    come back as :class:`Problem` objects, sorted by line; only rows
    without errors become forums, in calendar order (:class:`Ordered`).
    """
    return read_calendars([path], territory=territory, campaign=campaign)


def read_calendars(paths: Iterable[Path], *, territory: Territory, campaign: Campaign) -> Calendar:
    """Read and check several files as one calendar (duplicates across files included)."""
    forums: list[Forum] = []
    problems: list[Problem] = []
    order: dict[str, int] = {}
    for path in paths:
        order.setdefault(str(path), len(order))
        calendar = _read_one(Path(path), territory, campaign)
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
