"""When each prefecture's calendar arrived and last changed (data/calendriers.csv), kept by ``merge``.

One row per département whose calendar has come in::

    departement;premiere_reception;derniere_modification;remarque
    44;2009-03-30;2009-04-20;

``scripts/forums.py merge`` writes it beside the calendar, under the same
lock, each time it merges a prefecture's file: the first date stays, the last
one moves when a forum of that département was added or changed. An editor
may add a row by hand, for a prefecture that answered that it holds no forum.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from kit.calendar.model import Problem
from kit.campaign.datafiles import DataFileError, RowChecker, departements, parse_rows, read_text, replace_file
from kit.territory import Territory

FILE_NAME = "calendriers.csv"
COLUMNS = ("departement", "premiere_reception", "derniere_modification", "remarque")
REQUIRED_COLUMNS = ("departement", "premiere_reception")


@dataclass(frozen=True)
class CalendarReceipt:
    """A prefecture's calendar: first received, last changed (by a merge, or as the editor wrote)."""

    departement: str
    premiere_reception: date
    derniere_modification: date | None = None
    remarque: str = ""

    @property
    def last_change(self) -> date:
        return self.derniere_modification or self.premiere_reception


def receipts_file(calendar_file: Path) -> Path:
    """The receipts file kept beside the calendar file ``calendar_file``."""
    return Path(calendar_file).parent / FILE_NAME


def parse_receipts(text: str, file: str, territory: Territory | None) -> tuple[list[CalendarReceipt], list[Problem]]:
    rows, problems = parse_rows(text, file, COLUMNS, REQUIRED_COLUMNS)
    parser = departements(territory)
    receipts: list[CalendarReceipt] = []
    seen: dict[str, int] = {}
    for line, cells in rows:
        row = RowChecker(problems, file, line, cells)
        departement = row.departement(parser, seen, "le département {departement} est déjà inscrit")
        first = row.date("premiere_reception", "date de première réception manquante : écrivez-la AAAA-MM-JJ")
        last = row.date("derniere_modification")
        if first is not None and last is not None and last < first:
            row.error("la dernière modification précède la première réception")
        if row.ok and departement is not None and first is not None:
            receipts.append(CalendarReceipt(departement, first, last, cells.get("remarque", "")))
    return receipts, problems


def read_receipts(path: Path, territory: Territory | None) -> list[CalendarReceipt]:
    """The receipts of ``path`` (none when the file does not exist); :class:`DataFileError` on any problem."""
    text = read_text(path)
    if text is None:
        return []
    receipts, problems = parse_receipts(text, str(path), territory)
    if problems:
        raise DataFileError(problems)
    return receipts


def after_merge(receipts: Iterable[CalendarReceipt], received: Iterable[str], changed: Iterable[str],
                day: date) -> list[CalendarReceipt]:
    """The receipts once the calendars of ``received`` départements came in on ``day``, ``changed`` changing."""
    by_dep = {r.departement: r for r in receipts}
    changed = set(changed)
    for code in sorted(set(received) | changed):
        known = by_dep.get(code)
        if known is None:
            by_dep[code] = CalendarReceipt(code, day, day)
        elif code in changed and known.last_change < day:
            by_dep[code] = replace(known, derniere_modification=day)
    return [by_dep[code] for code in sorted(by_dep)]


def write_receipts(path: Path, receipts: Sequence[CalendarReceipt]) -> None:
    """Replace ``path`` whole with ``receipts`` (the caller holds the merge lock)."""
    replace_file(path, COLUMNS, [[r.departement, r.premiere_reception.isoformat(),
                                  r.derniere_modification.isoformat() if r.derniere_modification else "",
                                  r.remarque] for r in sorted(receipts, key=lambda r: r.departement)])
