"""The correspondents' contacts (personal data): kept out of data/, in a file the editor chooses.

``merge`` never writes the ``contact`` column into the calendar kept in git;
with ``--contacts recu/contacts.csv`` it keeps each forum's contact in that
file, beside the received files (``recu/`` is ignored by git), one row per
forum identifier.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from kit.calendar.model import Forum
from kit.store import write_atomic

COLUMNS = ("id", "departement", "date", "commune", "contact")


def inside(path: Path, folder: Path) -> bool:
    """True when ``path`` is in ``folder`` or under it."""
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def keep_contacts(path: Path, forums: Iterable[Forum]) -> int:
    """Add the contacts of ``forums`` to ``path`` (a forum's row replaced by its new one): how many written."""
    path = Path(path)
    rows: dict[str, list[str]] = {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        text = ""
    for cells in list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))[1:]:
        if cells:
            rows[cells[0]] = cells
    added = 0
    for forum in forums:
        if forum.contact:
            rows[forum.uid] = [forum.uid, forum.departement, forum.date.isoformat(), forum.commune, forum.contact]
            added += 1
    if added:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows.values())
        write_atomic(path, out.getvalue().encode("utf-8"), mode=0o600)
    return added
