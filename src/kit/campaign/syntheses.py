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

import codecs
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kit.calendar.datafile import file_format
from kit.calendar.lock import DEFAULT_WAIT_SECONDS, merge_lock, remove_leftovers
from kit.calendar.model import Problem, error_at
from kit.calendar.table import Unreadable, cell_text, decode, detect_delimiter, header_key
from kit.calendar.values import BadValue, Departements, parse_date
from kit.store import write_atomic
from kit.territory import Territory

COLUMNS = ("departement", "recue_le", "comptes_rendus", "remarque")
REQUIRED_COLUMNS = ("departement", "recue_le", "comptes_rendus")
# Column names as an editor may write them, folded by `header_key`.
_ALIASES = {"dep": "departement", "dept": "departement", "recue le": "recue_le", "reçue le": "recue_le",
            "date de reception": "recue_le", "date": "recue_le", "comptes rendus": "comptes_rendus",
            "comptes-rendus": "comptes_rendus", "remarques": "remarque", "note": "remarque"}
_KNOWN = {**{c.replace("_", " "): c for c in COLUMNS}, **_ALIASES}


@dataclass(frozen=True)
class SynthesisArrival:
    """One département's synthesis as it arrived: when, with how many minutes annexed."""

    departement: str
    recue_le: date
    comptes_rendus: int
    remarque: str = ""


class SynthesesError(Exception):
    """The syntheses file cannot be used: every problem, each naming FILE:LINE, in French."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _parse_count(text: str) -> int:
    digits = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if not digits.isdigit():
        raise BadValue(f"nombre de comptes rendus « {text} » : écrivez un nombre entier (0 si aucun)")
    return int(digits)


class _Codes:
    """Départements written as codes, without the territory to check them against (see :func:`record_arrivals`)."""

    def parse(self, value: str) -> str:
        code = value.strip().upper()
        if not _CODE.fullmatch(code):
            raise BadValue(f"département « {value} » : écrivez son code Insee (« 44 », « 2A », « 971 »)")
        return code


_CODE = re.compile(r"\d{2,3}|2[AB]")


def parse_syntheses(text: str, file: str,
                    territory: Territory | None) -> tuple[list[SynthesisArrival], list[Problem]]:
    """The rows of the syntheses file's ``text`` and every problem found (``file`` names it).

    Without ``territory``, départements are taken as the codes written (the
    file as :func:`record_arrivals` wrote it).
    """
    delimiter = detect_delimiter(text) if text.strip() else ";"
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    numbered = [(index + 1, cells) for index, cells in enumerate(rows)]
    numbered = [(line, cells) for line, cells in numbered if any(cell_text(c) for c in cells)]
    if not numbered:
        return [], [error_at(file, 1, "fichier vide : la première ligne doit donner les noms des colonnes "
                                      f"({';'.join(COLUMNS)})")]
    header_line, header = numbered[0]
    problems: list[Problem] = []
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _KNOWN.get(header_key(cell))
        if name is None:
            if cell_text(cell):
                problems.append(error_at(file, header_line, f"colonne « {cell_text(cell)} » inconnue : les "
                                                            f"colonnes sont {', '.join(COLUMNS)}"))
            continue
        if name in columns:
            problems.append(error_at(file, header_line, f"colonne « {name} » donnée deux fois"))
            continue
        columns[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        problems.append(error_at(file, header_line, "colonne manquante : " + ", ".join(missing)))
        return [], problems
    departements: Departements | _Codes = (
        Departements({code: d.nom for code, d in territory.departements.items()}) if territory is not None
        else _Codes())
    arrivals: list[SynthesisArrival] = []
    seen: dict[str, int] = {}
    for line, cells in numbered[1:]:
        def value(name: str, cells: list[str] = cells) -> str:
            index = columns.get(name)
            return cell_text(cells[index]) if index is not None and index < len(cells) else ""

        stray = [cell_text(c) for i, c in enumerate(cells) if i not in columns.values() and cell_text(c)]
        if stray:
            problems.append(error_at(file, line, f"valeur hors des colonnes : « {stray[0]} »"))
        row_problems = len(problems)
        departement = recue = comptes = None
        try:
            if not value("departement"):
                raise BadValue("département manquant")
            departement = departements.parse(value("departement"))
        except BadValue as exc:
            problems.append(error_at(file, line, str(exc)))
        try:
            if not value("recue_le"):
                raise BadValue("date de réception (recue_le) manquante : écrivez-la AAAA-MM-JJ")
            recue = parse_date(value("recue_le"))
        except BadValue as exc:
            problems.append(error_at(file, line, str(exc)))
        try:
            if not value("comptes_rendus"):
                raise BadValue("nombre de comptes rendus manquant : écrivez un nombre entier (0 si aucun)")
            comptes = _parse_count(value("comptes_rendus"))
        except BadValue as exc:
            problems.append(error_at(file, line, str(exc)))
        if departement is not None and departement in seen:
            problems.append(error_at(file, line, f"la synthèse du département {departement} est déjà "
                                                 f"inscrite ligne {seen[departement]} : gardez une seule ligne"))
        elif departement is not None:
            seen[departement] = line
        if len(problems) == row_problems and departement is not None and recue is not None and comptes is not None:
            arrivals.append(SynthesisArrival(departement, recue, comptes, value("remarque")))
    return arrivals, problems


def read_syntheses(path: Path, territory: Territory | None) -> list[SynthesisArrival]:
    """The syntheses recorded in ``path`` (none when the file does not exist).

    Raises :class:`SynthesesError` with every problem of the file at once.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise SynthesesError([error_at(str(path), 0, f"lecture impossible : {exc.strerror or exc}")]) from None
    try:
        text = decode(data)[0]
    except Unreadable as exc:
        raise SynthesesError([error_at(str(path), line, message) for line, message in exc.errors]) from None
    arrivals, problems = parse_syntheses(text, str(path), territory)
    if problems:
        raise SynthesesError(problems)
    return arrivals


def syntheses_text(arrivals: Sequence[SynthesisArrival], *, delimiter: str = ";", newline: str = "\n") -> str:
    """The syntheses as the file's CSV text, with its header row, by département."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(COLUMNS)
    for arrival in sorted(arrivals, key=lambda a: a.departement):
        writer.writerow([arrival.departement, arrival.recue_le.isoformat(), str(arrival.comptes_rendus),
                         arrival.remarque])
    return out.getvalue()


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
        existing = read_syntheses(path, territory)
        by_dep = {a.departement: a for a in existing}
        for arrival in arrivals:
            by_dep[arrival.departement] = arrival
        fmt = file_format(path)
        text = syntheses_text(list(by_dep.values()), delimiter=fmt.delimiter, newline=fmt.newline)
        write_atomic(path, (codecs.BOM_UTF8 if fmt.bom else b"") + text.encode("utf-8"))

