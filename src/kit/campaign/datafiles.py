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
from collections.abc import Mapping, Sequence
from pathlib import Path

from kit.calendar.datafile import file_format
from kit.calendar.model import Problem, error_at
from kit.calendar.table import Unreadable, cell_text, decode, detect_delimiter, header_key
from kit.calendar.values import BadValue, Departements
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
