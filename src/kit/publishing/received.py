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


# Personal data that must never sit in a file of data/ (committed, published): a column of contacts,
# an e-mail address, a telephone number.
_CONTACT_HEADER = re.compile(r"^\s*\"?(contacts?|courriel|e-?mail|mail|t[ée]l[ée]phone|t[ée]l)\"?\s*$", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w/:.])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w/.-])(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?![\w/-])")
DATA_SPREADSHEETS = (".csv", ".tsv", ".txt")


def personal_data(path: Path) -> list[tuple[int, str]]:
    """Where a data file holds personal data: (line, what) for a contact column, an e-mail address, a phone number.

    Only text tables are read (``.csv``, ``.tsv``, ``.txt``); a workbook under data/ is reported whole when
    it names a contact column (see :func:`holds_contact_column`).
    """
    suffix = path.suffix.lower()
    if suffix in SPREADSHEETS and suffix not in DATA_SPREADSHEETS:
        return [(1, "classeur avec une colonne « contact »")] if holds_contact_column(path) else []
    if suffix not in DATA_SPREADSHEETS:
        return []
    try:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError:
        return []
    found: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if number == 1:
            for cell in re.split(r"[;,\t|]", line):
                if _CONTACT_HEADER.match(cell):
                    found.append((1, f"colonne « {cell.strip().strip(chr(34))} »"))
            continue
        email, phone = _EMAIL.search(line), _PHONE.search(line)
        if email:
            found.append((number, f"adresse électronique « {email.group(0)} »"))
        elif phone:
            found.append((number, f"numéro de téléphone « {phone.group(0)} »"))
    return found


def data_files_with_personal_data(data_dir: Path) -> list[tuple[Path, int, str]]:
    """Every file of ``data_dir`` (the reference data of 2009 aside) holding personal data, with where."""
    found: list[tuple[Path, int, str]] = []
    if not data_dir.is_dir():
        return found
    for path in sorted(data_dir.rglob("*")):
        relative = path.relative_to(data_dir).parts
        if not path.is_file() or relative[0] in ("reference", "films") or path.name.startswith("."):
            continue
        found.extend((path, line, what) for line, what in personal_data(path))
    return found


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
