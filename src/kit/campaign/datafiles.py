"""The campaign's small data files under data/ (``;``, UTF-8, dates AAAA-MM-JJ): rows read, cells checked.

Each file has a header row naming its columns; every problem is a French
FILE:LINE error (:class:`kit.calendar.model.Problem`), all reported at once
(:class:`DataFileError`), and a file is only ever replaced whole.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date as date_type
from pathlib import Path
from typing import TypeVar

from kit.calendar.datafile import file_format
from kit.calendar.model import Problem, error_at
from kit.calendar.table import Unreadable, cell_text, decode, detect_delimiter, header_key
from kit.calendar.values import BadValue, Departements, parse_date
from kit.store import write_atomic
from kit.territory import Territory

_CODE = re.compile(r"\d{2,3}|2[AB]")


class DataFileError(Exception):
    """A data file that cannot be used: every problem, each naming FILE:LINE, in French."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class _Codes:
    """Départements written as codes, without the territory to check them against."""

    def parse(self, value: str) -> str:
        code = value.strip().upper()
        if not _CODE.fullmatch(code):
            raise BadValue(f"département « {value} » : écrivez son code Insee (« 44 », « 2A », « 971 »)")
        return code


def departements(territory: Territory | None) -> Departements | _Codes:
    """The parser of département cells: against ``territory``, else codes as written."""
    if territory is None:
        return _Codes()
    return Departements({code: d.nom for code, d in territory.departements.items()})


def whole_number(text: str, what: str) -> int:
    """« 12 », « 1 200 » → the number; :class:`BadValue` naming ``what`` otherwise."""
    digits = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if not digits.isdigit():
        raise BadValue(f"{what} « {text} » : écrivez un nombre entier (0 si aucun)")
    return int(digits)


Row = tuple[int, dict[str, str]]
_T = TypeVar("_T")


class RowChecker:
    """The cells of one row of a file kept one row per département: each read cell's problem is
    recorded as an error at FILE:LINE, and :meth:`ok` tells whether the row had none."""

    def __init__(self, problems: list[Problem], file: str, line: int, cells: Mapping[str, str]) -> None:
        self.problems, self.file, self.line, self.cells = problems, file, line, cells
        self._before = len(problems)

    def error(self, message: str) -> None:
        self.problems.append(error_at(self.file, self.line, message))

    def value(self, parse: Callable[[], _T]) -> _T | None:
        """``parse()``, or None once its :class:`BadValue` is recorded."""
        try:
            return parse()
        except BadValue as exc:
            self.error(str(exc))
            return None

    def required(self, name: str, missing: str) -> str:
        """The cell ``name``; :class:`BadValue` saying ``missing`` when it is empty."""
        if not self.cells[name]:
            raise BadValue(missing)
        return self.cells[name]

    def departement(self, parser: Departements | _Codes, seen: dict[str, int], once: str) -> str | None:
        """The row's département, checked against ``seen`` (département → its line); ``once`` says it is
        there already (« la synthèse du département {departement} est déjà inscrite »)."""
        departement = self.value(lambda: parser.parse(self.required("departement", "département manquant")))
        if departement is not None and departement in seen:
            self.error(f"{once.format(departement=departement)} ligne {seen[departement]} : gardez une seule ligne")
        elif departement is not None:
            seen[departement] = self.line
        return departement

    def date(self, name: str, missing: str | None = None) -> date_type | None:
        """The date of the cell ``name``: required when ``missing`` says what is missing, else None when empty."""
        if missing is None and not self.cells.get(name):
            return None
        return self.value(lambda: parse_date(self.required(name, missing or "")))

    def number(self, name: str, what: str) -> int | None:
        """The whole number of the cell ``name`` (``what`` names it in the message)."""
        return self.value(lambda: whole_number(self.cells[name], what))

    @property
    def ok(self) -> bool:
        return len(self.problems) == self._before


def parse_rows(text: str, file: str, columns: Sequence[str], required: Sequence[str],
               aliases: Mapping[str, str] = {}) -> tuple[list[Row], list[Problem]]:
    """The rows of ``text`` under its header: (line, column -> cell text), and the header's problems."""
    known = {**{c.replace("_", " "): c for c in columns}, **aliases}
    delimiter = detect_delimiter(text) if text.strip() else ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    numbered: list[tuple[int, list[str]]] = []
    start = 1
    for cells in reader:
        if any(cell_text(c) for c in cells):
            numbered.append((start, cells))
        start = reader.line_num + 1
    if not numbered:
        return [], [error_at(file, 1, "fichier vide : la première ligne doit donner les noms des colonnes "
                                      f"({';'.join(columns)})")]
    header_line, header = numbered[0]
    problems: list[Problem] = []
    index_of: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = known.get(header_key(cell))
        if name is None:
            if cell_text(cell):
                problems.append(error_at(file, header_line, f"colonne « {cell_text(cell)} » inconnue : les "
                                                            f"colonnes sont {', '.join(columns)}"))
            continue
        if name in index_of:
            problems.append(error_at(file, header_line, f"colonne « {name} » donnée deux fois"))
            continue
        index_of[name] = index
    missing = [name for name in required if name not in index_of]
    if missing:
        problems.append(error_at(file, header_line, "colonne manquante : " + ", ".join(missing)))
        return [], problems
    rows: list[Row] = []
    for line, cells in numbered[1:]:
        stray = [cell_text(c) for i, c in enumerate(cells) if i not in index_of.values() and cell_text(c)]
        if stray:
            problems.append(error_at(file, line, f"valeur hors des colonnes : « {stray[0]} » (une cellule "
                                                 "contient-elle le séparateur sans guillemets ?)"))
        rows.append((line, {name: cell_text(cells[i]) if i < len(cells) else "" for name, i in index_of.items()}))
    return rows, problems


def read_text(path: Path) -> str | None:
    """The text of ``path`` (None when it does not exist); :class:`DataFileError` when it cannot be read."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DataFileError([error_at(str(path), 0, f"lecture impossible : {exc.strerror or exc}")]) from None
    try:
        return decode(data)[0]
    except Unreadable as exc:
        raise DataFileError([error_at(str(path), line, message) for line, message in exc.errors]) from None


def csv_text(header: Sequence[str], rows: Sequence[Sequence[str]], *, delimiter: str = ";",
             newline: str = "\n") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def replace_file(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Write ``rows`` under ``header`` into ``path`` at once, keeping its separator, BOM and line ends."""
    fmt = file_format(path)
    text = csv_text(header, rows, delimiter=fmt.delimiter, newline=fmt.newline)
    write_atomic(path, (codecs.BOM_UTF8 if fmt.bom else b"") + text.encode("utf-8"))
