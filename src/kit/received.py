"""Files received from prefectures: they hold a « contact » column (personal data) and never go into git."""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

RECEIVED_DIR = "recu"
SPREADSHEETS = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods")
# Files of a table (what a prefecture sends): never part of the site, whatever they hold.
TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods", ".numbers")
_CONTACT_CELL = re.compile(r"(?:^|[;,\t|])\s*\"?contacts?\"?\s*(?:[;,\t|]|$)", re.IGNORECASE)
_HEAD_BYTES = 64 * 1024


def holds_contact_column(path: Path) -> bool:
    """True when ``path`` is a spreadsheet whose header names a ``contact`` column.

    Only the first bytes (text) or the sheet's XML (xlsx, ods) are looked at;
    an .xls (binary) is looked at for the word in its string table. When in
    doubt, a spreadsheet that cannot be read counts as holding the column.
    """
    suffix = path.suffix.lower()
    if suffix not in SPREADSHEETS:
        return False
    try:
        if suffix in (".csv", ".txt", ".tsv"):
            head = path.read_bytes()[:_HEAD_BYTES]
            for encoding in ("utf-8-sig", "utf-16", "cp1252"):
                try:
                    first = head.decode(encoding).splitlines()[:1]
                except UnicodeDecodeError:
                    continue
                return bool(first) and bool(_CONTACT_CELL.search(first[0]))
            return True
        if suffix == ".xls":
            data = path.read_bytes()
            return b"contact" in data.lower() or "contact".encode("utf-16-le") in data.lower()
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n == "content.xml"
                     or n.startswith("xl/sharedStrings") or n.startswith("xl/worksheets/")]
            return any(re.search(rb">\s*contacts?\s*<", _head(archive, n), re.IGNORECASE) for n in names)
    except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError, ValueError, EOFError, zlib.error):
        return True


def _head(archive: zipfile.ZipFile, name: str) -> bytes:
    """The first bytes of an entry, never the whole of it (an entry may unpack to gigabytes)."""
    with archive.open(name) as entry:
        return entry.read(4 * _HEAD_BYTES)


def is_table_file(name: str) -> bool:
    """A spreadsheet or CSV file (by its name, any case): it belongs in recu/, never under docs/."""
    return name.lower().endswith(TABLE_SUFFIXES)


def table_file_advice(name: str) -> str:
    """What to do with a spreadsheet found under docs/ (French)."""
    return (f"« {name} » est un tableur ou un fichier CSV : il serait publié avec le site (un fichier reçu "
            f"d'une préfecture contient la colonne « contact »). Rangez-le dans le dossier {RECEIVED_DIR}/, "
            "que git ignore ; le calendrier se tient dans data/forums.csv")
