"""The departmental syntheses received (data/syntheses.csv): read, checked, recorded.

One row per département whose synthesis has arrived, in the form of
data/forums.csv (``;``, UTF-8, dates written AAAA-MM-JJ)::

    departement;recue_le;comptes_rendus;remarque
    44;2009-05-20;12;

An editor may edit the file by hand; ``scripts/syntheses.py record`` writes it
through :func:`record_arrivals`, under the calendar's merge lock and by
atomic replacement. Every problem of the file is reported at once, as French
FILE:LINE messages (:class:`SynthesesError`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kit.calendar.lock import DEFAULT_WAIT_SECONDS, merge_lock, remove_leftovers
from kit.calendar.model import Problem
from kit.campaign.datafiles import (
    DataFileError,
    RowChecker,
    departements,
    parse_rows,
    read_text,
    replace_file,
)
from kit.territory import Territory

FILE_NAME = "syntheses.csv"
COLUMNS = ("departement", "recue_le", "comptes_rendus", "remarque")
REQUIRED_COLUMNS = ("departement", "recue_le", "comptes_rendus")
# Column names as an editor may write them, folded by `header_key`.
_ALIASES = {"dep": "departement", "dept": "departement", "recue le": "recue_le", "reçue le": "recue_le",
            "date de reception": "recue_le", "comptes rendus": "comptes_rendus", "remarques": "remarque"}


@dataclass(frozen=True)
class SynthesisArrival:
    """One département's synthesis as it arrived: when, with how many minutes annexed."""

    departement: str
    recue_le: date
    comptes_rendus: int
    remarque: str = ""


def syntheses_file(calendar_file: Path) -> Path:
    """The syntheses file kept beside the calendar file ``calendar_file`` (data/syntheses.csv)."""
    return Path(calendar_file).parent / FILE_NAME


# The syntheses file cannot be used: every problem, each naming FILE:LINE, in French.
SynthesesError = DataFileError


def parse_syntheses(text: str, file: str,
                    territory: Territory | None) -> tuple[list[SynthesisArrival], list[Problem]]:
    """The rows of the syntheses file's ``text`` and every problem found (``file`` names it).

    Without ``territory``, départements are taken as the codes written (the
    file as :func:`record_arrivals` wrote it).
    """
    rows, problems = parse_rows(text, file, COLUMNS, REQUIRED_COLUMNS, _ALIASES)
    parser = departements(territory)
    arrivals: list[SynthesisArrival] = []
    seen: dict[str, int] = {}
    for line, cells in rows:
        row = RowChecker(problems, file, line, cells)
        departement = row.departement(parser, seen, "la synthèse du département {departement} est déjà inscrite")
        recue = row.date("recue_le", "date de réception (recue_le) manquante : écrivez-la AAAA-MM-JJ")
        comptes = row.number("comptes_rendus", "nombre de comptes rendus")
        if row.ok and departement is not None and recue is not None and comptes is not None:
            arrivals.append(SynthesisArrival(departement, recue, comptes, cells.get("remarque", "")))
    return arrivals, problems


def read_syntheses(path: Path, territory: Territory | None) -> list[SynthesisArrival]:
    """The syntheses recorded in ``path`` (none when the file does not exist).

    Raises :class:`SynthesesError` with every problem of the file at once.
    """
    text = read_text(path)
    if text is None:
        return []
    arrivals, problems = parse_syntheses(text, str(path), territory)
    if problems:
        raise SynthesesError(problems)
    return arrivals


def syntheses_rows(arrivals: Sequence[SynthesisArrival]) -> list[list[str]]:
    """The syntheses as the file's rows, by département."""
    return [[a.departement, a.recue_le.isoformat(), str(a.comptes_rendus), a.remarque]
            for a in sorted(arrivals, key=lambda a: a.departement)]


def record_arrivals(path: Path, arrivals: Sequence[SynthesisArrival], *, territory: Territory | None = None,
                    lock_wait: float | None = None) -> None:
    """Add ``arrivals`` to the file ``path``, replacing the row of a département already there.

    Runs under the calendar's merge lock (the folder's, see
    :mod:`kit.calendar.lock`) and replaces the file whole; the file's
    separator, BOM and line ends are kept. The rows already there are read
    and checked first (against ``territory`` when given, else as codes): on
    any problem :class:`SynthesesError` is raised and nothing is written.
    """
    path = Path(path)
    with merge_lock(path, wait=DEFAULT_WAIT_SECONDS if lock_wait is None else lock_wait):
        remove_leftovers(path)
        by_dep = {a.departement: a for a in read_syntheses(path, territory)}
        for arrival in arrivals:
            by_dep[arrival.departement] = arrival
        replace_file(path, COLUMNS, syntheses_rows(list(by_dep.values())))
