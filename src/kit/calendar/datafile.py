"""The calendar data file (data/forums.csv) as written: cells of a forum, CSV text, the file's format."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kit.calendar.model import DATA_COLUMNS, Forum
from kit.calendar.revisions import format_modified
from kit.calendar.table import Unreadable, decode, detect_delimiter
from kit.french import format_time
from kit.territory import Territory


def forum_cells(forum: Forum, territory: Territory | None = None) -> dict[str, str]:
    """The forum as text cells, column by column (cantons by name when known)."""
    cantons = []
    for code in forum.cantons:
        canton = territory.find_canton(forum.departement, code) if territory is not None else None
        cantons.append(canton.libelle if canton is not None and canton.code == code else code)
    return {
        "departement": forum.departement,
        "date": forum.date.isoformat(),
        "heure_debut": format_time(forum.heure_debut),
        "heure_fin": format_time(forum.heure_fin),
        "commune": forum.commune,
        "lieu": forum.lieu,
        "adresse": forum.adresse,
        "cantons": ", ".join(cantons),
        "animateur": forum.animateur,
        "statut": forum.statut,
        "participants": str(forum.participants) if forum.participants is not None else "",
        "contact": forum.contact,
        "source": forum.source,
        "provenance": forum.provenance,
        "id": forum.id,
        "annonce": forum.annonce.isoformat() if forum.annonce else "",
        "sequence": str(forum.sequence) if forum.sequence or forum.modifie else "",
        "modifie": format_modified(forum.modifie),
    }


def calendar_text(forums: Iterable[Forum], *, territory: Territory | None = None,
                  delimiter: str = ";", newline: str = "\n", columns: Sequence[str] = DATA_COLUMNS) -> str:
    """The forums as CSV text with a header row (the data file's format: no contact column)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(columns)
    for forum in forums:
        cells = forum_cells(forum, territory)
        writer.writerow([cells[name] for name in columns])
    return out.getvalue()


@dataclass(frozen=True)
class FileFormat:
    """How a CSV data file is written: kept as it is when the file is rewritten."""

    delimiter: str = ";"
    bom: bool = False
    newline: str = "\n"


def file_format(path: Path) -> FileFormat:
    """The separator, BOM and line ends of an existing CSV file (defaults for a new one)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return FileFormat()
    try:
        text = decode(data)[0]
    except Unreadable:
        return FileFormat()
    return FileFormat(delimiter=detect_delimiter(text) if text.strip() else ";",
                      bom=data.startswith(codecs.BOM_UTF8), newline="\r\n" if "\r\n" in text else "\n")
