"""The forum calendar: reading, checking and merging the prefectures' files.

A calendar file is a table with a header row (French column names, see
:data:`COLUMNS`), saved as CSV (``;`` or ``,``, UTF-8 with or without BOM,
Windows-1252, UTF-16) or as an Excel ``.xlsx`` workbook (first sheet).
Reading never raises on bad content: every problem becomes a
:class:`Problem` naming the file and the line, and all of them are reported
at once.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import stat
import tempfile
import tomllib
import warnings
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

from babel.dates import format_date

from kit import sheets
from kit.cleantext import check_line, clean, fold_key, id_key, reserved_device_name
from kit.communes import UnknownCommune, load_communes
from kit.frenchvalues import BadValue, Departements, parse_date, parse_time
from kit.paths import DATA_DIR, ROOT
from kit.revisions import first_revision, format_modified, parse_revision, revised
from kit.territory import Territory, normalise

STATUTS = ("prévu", "annulé", "reporté", "tenu")
COLUMNS = ("departement", "date", "heure_debut", "heure_fin", "commune", "lieu", "adresse", "cantons",
           "animateur", "statut", "contact", "source", "id", "annonce", "sequence", "modifie")
# Kept by `merge` (see kit.revisions), never taken from an incoming file.
REVISION_COLUMNS = ("sequence", "modifie")
# A file without these columns cannot be read; empty cells are dealt with row by row.
REQUIRED_COLUMNS = ("departement", "date", "heure_debut", "commune", "lieu")

# Column names as prefectures write them, folded by `_header_key`.
_ALIASES = {
    "dep": "departement", "dept": "departement", "code departement": "departement",
    "code dep": "departement", "departement code": "departement",
    "heure": "heure_debut", "debut": "heure_debut", "heure de debut": "heure_debut",
    "horaire": "heure_debut", "fin": "heure_fin", "heure de fin": "heure_fin",
    "ville": "commune", "canton": "cantons", "cantons concernes": "cantons",
    "animation": "animateur", "animatrice": "animateur", "statut du forum": "statut",
    "identifiant": "id", "date d annonce": "annonce", "date annonce": "annonce",
    "adresse postale": "adresse", "lieu du forum": "lieu", "date du forum": "date",
}
_KNOWN_HEADERS = {**{c.replace("_", " "): c for c in COLUMNS}, **_ALIASES}

_STATUT_KEYS = {normalise(s): s for s in STATUTS}

_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]0{1,2}:00(?::00)?)?")
_DATE_FR = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?: 0{1,2}:00(?::00)?)?")
_TIME = re.compile(r"(\d{1,2})\s*[hH]\s*(\d{2})?|(\d{1,2})\s*:\s*(\d{2})(?::(\d{2}))?")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
# A forum's own ICS file is calendrier/<département>/<id>.ics: « forums » would replace the département's.
RESERVED_IDS = frozenset({"forums"})
_CANTON_SPLIT = re.compile(r"[,;\r\n]")

# How many rows may stand above the header (a title, a blank line).
_HEADER_SEARCH_ROWS = 10
_WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".numbers"}


@dataclass(frozen=True)
class Forum:
    """One forum of the calendar (times are local to its territory)."""

    departement: str
    date: date
    heure_debut: time | None
    heure_fin: time | None
    commune: str
    lieu: str
    adresse: str = ""
    cantons: tuple[str, ...] = ()  # canton codes when known, the text as given otherwise
    animateur: str = ""
    statut: str = "prévu"
    contact: str = ""
    source: str = ""
    id: str = ""
    annonce: date | None = None
    # Revision kept by `merge`: grows when the date, times, place or status change; when it changed.
    sequence: int = 0
    modifie: datetime | None = None
    # Where the row was read ("file", line) and which columns it filled in;
    # neither takes part in comparisons.
    where: tuple[str, int] = field(default=("", 0), compare=False, repr=False)
    given: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    @property
    def uid(self) -> str:
        """Identifier stable across rebuilds and edits.

        The ``id`` column when filled in; otherwise département, date and
        commune (« 44-2009-04-14-saint-herblain »), so that changing the time,
        the place or the status of a forum keeps its identifier. Moving a
        forum to another day or commune changes it, unless ``id`` is set
        (``merge`` sets it on every forum it adds).
        """
        if self.id:
            return self.id
        return f"{self.departement}-{self.date.isoformat()}-{slug(self.commune)}"

    @property
    def key(self) -> tuple[str, date, str]:
        """Département, date and folded commune: what matches an update to a forum."""
        return (self.departement, self.date, fold_key(self.commune))

    @property
    def source_url(self) -> str:
        """The web address the ``source`` starts with, if any."""
        first = self.source.split(maxsplit=1)[0] if self.source.strip() else ""
        return first if first.startswith(("http://", "https://")) else ""

    @property
    def source_note(self) -> str:
        """The ``source`` without its leading web address (a remark, a title)."""
        rest = self.source.strip()
        if self.source_url:
            rest = rest[len(self.source_url):].strip()
        if rest.startswith("(") and rest.endswith(")"):
            rest = rest[1:-1].strip()
        return rest


def slug(text: str) -> str:
    """« Saint-Benoît » → « saint-benoit »: letters and digits joined by hyphens."""
    return "-".join(re.findall(r"[a-z0-9]+", normalise(text))) or "sans-nom"


@dataclass(frozen=True)
class Problem:
    """Something wrong in a calendar file, with its place."""

    file: str
    line: int
    message: str
    severity: str = "erreur"  # "erreur" or "avertissement"

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}:" if self.line else f"{self.file}:"
        return f"{place} {self.severity} : {self.message}"


def _error(file: str, line: int, message: str) -> Problem:
    return Problem(file, line, message, "erreur")


def _warning(file: str, line: int, message: str) -> Problem:
    return Problem(file, line, message, "avertissement")


@dataclass(frozen=True)
class Campaign:
    """The campaign window and its rules (data/campagne.toml)."""

    debut: date
    fin: date
    min_notice_days: int = 14
    syntheses: date | None = None
    # Length given to a forum whose end time is not known (the event says it is not known).
    default_duration: timedelta = timedelta(hours=2)


def load_campaign(path: Path = DATA_DIR / "campagne.toml") -> Campaign:
    """Read the campaign window from ``path`` (keys ``debut``, ``fin``,
    ``delai_annonce_jours``, ``syntheses``)."""
    with Path(path).open("rb") as handle:
        data = tomllib.load(handle)
    return Campaign(debut=data["debut"], fin=data["fin"],
                    min_notice_days=int(data.get("delai_annonce_jours", 14)),
                    syntheses=data.get("syntheses"),
                    default_duration=timedelta(minutes=int(data.get("duree_par_defaut_minutes", 120))))


@dataclass
class Calendar:
    """Forums read from one or more files, with the problems found."""

    forums: list[Forum]
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        """The problems that make the calendar invalid."""
        return [p for p in self.problems if p.severity == "erreur"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems reported without blocking."""
        return [p for p in self.problems if p.severity != "erreur"]


@lru_cache(maxsize=1024)
def french_date(day: date, *, weekday: bool = False, year: bool = True) -> str:
    """« 14 avril 2009 », « 1er mai 2009 »; with ``weekday``: « mardi 14 avril 2009 »."""
    day_part = "'1er'" if day.day == 1 else "d"
    pattern = ("EEEE " if weekday else "") + day_part + " MMMM" + (" y" if year else "")
    return format_date(day, pattern, locale="fr_FR")


def format_time(value: time | None) -> str:
    """« 18:30 », or an empty string."""
    return value.strftime("%H:%M") if value is not None else ""


# Reading files --------------------------------------------------------------

@dataclass
class _Table:
    """Raw rows of a file: (line number, cells) after the header."""

    header_line: int
    header: list[str]
    rows: list[tuple[int, list[Any]]]
    skipped_above: int = 0


class _Unreadable(Exception):
    """The file cannot be read as a table: (line, French message) for each reason."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.errors = [(line, message)]


def _header_key(cell: Any) -> str:
    return normalise(str(cell or "").replace("\ufeff", ""))


def _known_count(cells: Sequence[Any]) -> int:
    return sum(1 for cell in cells if _header_key(cell) in _KNOWN_HEADERS)


def _find_header(rows: list[tuple[int, list[Any]]]) -> int:
    """Index of the header row: the first of the top rows naming three known columns."""
    for index, (_, cells) in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        if _known_count(cells) >= 3:
            return index
    return 0


def _split_table(rows: list[tuple[int, list[Any]]]) -> _Table:
    rows = [(n, cells) for n, cells in rows if any(_cell_text(c) for c in cells)]
    if not rows:
        raise _Unreadable("fichier vide : la première ligne doit donner les noms des colonnes "
                          "(departement, date, heure_debut, commune, lieu…)", 1)
    index = _find_header(rows)
    line, header = rows[index]
    return _Table(header_line=line, header=[str(c) if c is not None else "" for c in header],
                  rows=rows[index + 1:], skipped_above=index)


def _read_table(path: Path, data: bytes | None = None) -> tuple[_Table, bool, list[tuple[int, str]]]:
    """The raw table of ``path`` (or of ``data``), whether it came from a workbook, refused cells."""
    try:
        sheet = sheets.read_file(path) if data is None else sheets.read_bytes(data, path.suffix)
    except sheets.Unreadable as exc:
        error = _Unreadable("")
        error.errors = exc.errors
        raise error from None
    return _split_table(sheet.rows), sheet.kind != "csv", sheet.problems


# Cells ----------------------------------------------------------------------

def _cell_text(value: Any) -> str:
    """A cell as NFC text without surrounding spaces (invisible characters are checked apart)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return clean(str(value))


class _BadValue(Exception):
    """A cell that cannot be understood: the message says why, in French."""


def _parse_date(value: Any, *, excel: bool) -> date:
    if excel and isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    try:
        return parse_date(value)
    except BadValue as exc:
        raise _BadValue(str(exc)) from None


def _parse_time(value: Any) -> time:
    try:
        return parse_time(value)
    except BadValue as exc:
        raise _BadValue(str(exc)) from None


# Rows -----------------------------------------------------------------------

def _map_header(table: _Table, file: str) -> tuple[dict[str, int], list[Problem]]:
    """Column name -> cell index, and the header's problems."""
    problems: list[Problem] = []
    line = table.header_line
    if table.skipped_above:
        problems.append(_warning(file, line, f"{_plural(table.skipped_above, 'ligne ignorée', 'lignes ignorées')} "
                                             "au-dessus de la ligne des noms de colonnes"))
    columns: dict[str, int] = {}
    for index, cell in enumerate(table.header):
        key = _header_key(cell)
        if not key:
            continue
        name = _KNOWN_HEADERS.get(key)
        if name is None:
            problems.append(_error(file, line, f"colonne inconnue « {_cell_text(cell)} » (colonnes "
                                               f"possibles : {', '.join(COLUMNS)})"))
        elif name in columns:
            problems.append(_error(file, line, f"colonne « {name} » en double"))
        else:
            columns[name] = index
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            problems.append(_error(file, line, f"colonne obligatoire « {name} » absente"))
    return columns, problems


class _RowChecker:
    """Turns the cells of one row into a Forum, collecting its problems."""

    def __init__(self, territory: Territory, campaign: Campaign) -> None:
        self.territory = territory
        self.campaign = campaign
        self.departements = Departements({code: d.nom for code, d in territory.departements.items()})
        self.communes = load_communes(territory.reference_dir)
        window = f"du {french_date(campaign.debut)} au {french_date(campaign.fin)}"
        self.window_message = f"date hors de la campagne ({window})"

    def check(self, file: str, line: int, cells: dict[str, Any], *, excel: bool,
              extra: bool) -> tuple[Forum | None, list[Problem]]:
        problems: list[Problem] = []

        def error(message: str) -> None:
            problems.append(_error(file, line, message))

        def warning(message: str) -> None:
            problems.append(_warning(file, line, message))

        if extra:
            error("valeur hors des colonnes nommées : une cellule contient-elle le séparateur "
                  "sans guillemets ?")
        for name, value in cells.items():
            if isinstance(value, str) and name not in REVISION_COLUMNS:
                # Cantons may be listed one a line in a spreadsheet cell.
                raw = value.replace("\r\n", ",").replace("\n", ",") if name == "cantons" else value
                refused = check_line(raw.strip(" "), name)
                if refused:
                    error(refused)
        text = {name: _cell_text(value) for name, value in cells.items()}
        given = frozenset(name for name, value in text.items() if value and name not in REVISION_COLUMNS)

        dep_code = ""
        if "departement" in cells:
            if not text["departement"]:
                error("département manquant")
            else:
                try:
                    dep_code = self.departements.parse(cells["departement"])
                except BadValue as exc:
                    error(str(exc))
        departement = self.territory.departements.get(dep_code)

        day = None
        if "date" in cells:
            if not text["date"]:
                error("date du forum manquante")
            else:
                try:
                    day = _parse_date(cells["date"], excel=excel)
                except _BadValue as exc:
                    error(str(exc))

        start = end = None
        for name in ("heure_debut", "heure_fin"):
            if text.get(name):
                try:
                    value = _parse_time(cells[name])
                except _BadValue as exc:
                    label = "de début" if name == "heure_debut" else "de fin"
                    error(str(exc).replace("heure", f"heure {label}", 1))
                    continue
                if name == "heure_debut":
                    start = value
                else:
                    end = value
        if "heure_debut" in cells and not text["heure_debut"]:
            if text.get("heure_fin"):
                error("heure de fin sans heure de début")
            else:
                warning("heure de début inconnue : le forum sera publié sur toute la journée")
        if start is not None and end is not None and end <= start:
            error(f"l'heure de fin ({format_time(end)}) n'est pas après l'heure de début "
                  f"({format_time(start)})")

        commune = text.get("commune", "")
        if "commune" in cells and not commune:
            error("commune manquante")
        elif commune and departement is not None and self.communes.has_list(dep_code):
            try:
                commune = self.communes.official(dep_code, commune, departement.nom)
            except UnknownCommune as exc:
                error(str(exc))
        lieu = text.get("lieu", "")
        if "lieu" in cells and not lieu:
            warning("lieu du forum non précisé")

        statut = "prévu"
        if text.get("statut"):
            statut = _STATUT_KEYS.get(normalise(text["statut"]), "")
            if not statut:
                error(f"statut « {text['statut']} » inconnu (valeurs possibles : {', '.join(STATUTS)})")

        identifier = text.get("id", "")
        if identifier and not _ID.fullmatch(identifier):
            error(f"identifiant « {identifier} » invalide : lettres sans accents, chiffres, « - », "
                  "« _ » ou « . » seulement (100 caractères au plus)")
        elif identifier.lower() in RESERVED_IDS:
            error(f"identifiant « {identifier} » réservé (nom d'un fichier du site) : choisissez-en un autre")
        elif reserved_device_name(identifier):
            error(f"identifiant « {identifier} » refusé : Windows réserve ce nom à un périphérique "
                  "(CON, PRN, AUX, NUL, COM1, LPT1…) et ne pourrait pas enregistrer son fichier ; "
                  "choisissez-en un autre")
        elif identifier.endswith("."):
            error(f"identifiant « {identifier} » refusé : il ne doit pas finir par un point")

        annonce = None
        if text.get("annonce"):
            try:
                annonce = _parse_date(cells["annonce"], excel=excel)
            except _BadValue as exc:
                error(str(exc).replace("date", "date d'annonce", 1))

        cantons: list[str] = []
        if text.get("cantons") and departement is not None:
            known = self.territory.cantons.get(dep_code)
            for part in _CANTON_SPLIT.split(text["cantons"]):
                part = part.strip()
                if not part:
                    continue
                canton = self.territory.find_canton(dep_code, part)
                if canton is not None:
                    if canton.code not in cantons:
                        cantons.append(canton.code)
                    continue
                cantons.append(part)
                if known:
                    warning(f"canton « {part} » inconnu dans le département {departement.nom} ({dep_code})")
                else:
                    warning(f"canton « {part} » non vérifié : pas de liste de cantons pour "
                            f"{departement.nom} ({dep_code})")

        if day is not None:
            if not (self.campaign.debut <= day <= self.campaign.fin):
                warning(f"{self.window_message} : forum du {french_date(day)}")
            if annonce is not None:
                notice = (day - annonce).days
                if notice < 0:
                    warning(f"annoncé le {french_date(annonce)}, après la date du forum")
                elif notice < self.campaign.min_notice_days:
                    warning(f"annoncé {_plural(notice, 'jour', 'jours')} seulement avant sa date "
                            f"(délai conseillé : {self.campaign.min_notice_days} jours)")

        sequence, modifie = 0, None
        if text.get("sequence") or text.get("modifie"):
            try:
                sequence, modifie = parse_revision(text.get("sequence", ""), cells.get("modifie"))
            except BadValue as exc:
                error(str(exc))
        if any(p.severity == "erreur" for p in problems) or day is None \
                or departement is None or not commune or not statut:
            return None, problems
        forum = Forum(
            departement=dep_code, date=day, heure_debut=start, heure_fin=end, commune=commune,
            lieu=lieu, adresse=text.get("adresse", ""), cantons=tuple(cantons),
            animateur=text.get("animateur", ""), statut=statut, contact=text.get("contact", ""),
            source=text.get("source", ""), id=identifier, annonce=annonce,
            sequence=sequence, modifie=modifie, where=(file, line), given=given,
        )
        return forum, problems


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count in (0, 1) else plural}"


def _place(forum: Forum, file: str) -> str:
    """« la ligne 3 » in the same file, « autre.csv:3 » elsewhere."""
    other_file, line = forum.where
    return f"la ligne {line}" if other_file == file else f"{other_file}:{line}"


def find_duplicates(forums: Iterable[Forum]) -> list[Problem]:
    """Errors for forums that are the same one twice, or share an identifier.

    Same département, date, start time and commune is a duplicate; two
    forums with the same :attr:`Forum.uid` (same ``id``, or the same day in
    the same commune without ``id``) could not be told apart by an update or
    a calendar application.
    """
    problems: list[Problem] = []
    by_slot: dict[tuple[str, date, time | None, str], Forum] = {}
    by_uid: dict[str, Forum] = {}  # by id_key(uid): ids differing only by case are one file name
    for forum in forums:
        file, line = forum.where
        slot = (forum.departement, forum.date, forum.heure_debut, fold_key(forum.commune))
        if slot in by_slot:
            problems.append(_error(file, line, "forum en double : même département, date, heure et commune "
                                               f"que {_place(by_slot[slot], file)}"))
            continue
        by_slot[slot] = forum
        if id_key(forum.uid) in by_uid:
            first = by_uid[id_key(forum.uid)]
            if forum.id and first.uid != forum.uid:
                message = (f"identifiant « {forum.id} » trop proche de « {first.uid} » ({_place(first, file)}) : "
                           "les identifiants sont comparés sans tenir compte des majuscules")
            elif forum.id:
                message = f"identifiant « {forum.id} » déjà utilisé par {_place(first, file)}"
            else:
                message = (f"deux forums le même jour dans la même commune (voir {_place(first, file)}) : "
                           "donnez à chacun un identifiant distinct dans la colonne id")
            problems.append(_error(file, line, message))
            continue
        by_uid[id_key(forum.uid)] = forum
    return problems


def _sorted_problems(problems: list[Problem], order: dict[str, int]) -> list[Problem]:
    return sorted(problems, key=lambda p: (order.get(p.file, len(order)), p.line))


_FOOTER_WORDS = ("total", "sous total", "totaux", "nombre", "nb ", "soit ", "note", "nota", "remarque",
                 "source", "*", "(*)", "fait a ", "le prefet", "pour le prefet")


def _footer_start(rows: list[tuple[int, list[Any]]], columns: dict[str, int], *, excel: bool) -> int:
    """Index of the first row of the totals and notes under the table (``len(rows)`` when none).

    A trailing row is a total or a note when its date cell holds no date and
    its first filled cell starts with « Total », « Nombre », « Note »,
    « Source », « * »… ; the rows above it stay rows of the table.
    """
    date_index = columns.get("date")
    index = len(rows)
    while index > 0:
        cells = rows[index - 1][1]
        filled = [_cell_text(c) for c in cells if _cell_text(c)]
        date_cell = cells[date_index] if date_index is not None and date_index < len(cells) else None
        has_date = False
        if _cell_text(date_cell):
            try:
                _parse_date(date_cell, excel=excel)
                has_date = True
            except _BadValue:
                pass
        first = normalise(filled[0]) + " " if filled else ""
        if has_date or not first.startswith(_FOOTER_WORDS):
            break
        index -= 1
    return index


def _read_one(path: Path, territory: Territory, campaign: Campaign, data: bytes | None = None) -> Calendar:
    """One file's forums and problems, duplicates not yet looked for (``data``: its content, if read)."""
    path = Path(path)
    file = str(path)
    try:
        table, excel, refused = _read_table(path, data)
    except _Unreadable as exc:
        return Calendar(forums=[], problems=[_error(file, line, message) for line, message in exc.errors])
    columns, problems = _map_header(table, file)
    problems.extend(_error(file, line, message) for line, message in refused)
    checker = _RowChecker(territory, campaign)
    # Cells under a named column, known or not, are not stray values.
    named = {index for index, cell in enumerate(table.header) if _header_key(cell)}
    forums: list[Forum] = []
    footer = _footer_start(table.rows, columns, excel=excel)
    for line, row in table.rows[footer:]:
        shown = " ".join(_cell_text(c) for c in row if _cell_text(c))
        problems.append(_warning(file, line, f"ligne ignorée sous le tableau (total ou note) : "
                                             f"« {shown[:60]}{'…' if len(shown) > 60 else ''} »"))
    for line, row in table.rows[:footer]:
        cells = {name: (row[index] if index < len(row) else None) for name, index in columns.items()}
        extra = any(_cell_text(value) for index, value in enumerate(row) if index not in named)
        forum, row_problems = checker.check(file, line, cells, excel=excel, extra=extra)
        problems.extend(row_problems)
        if forum is not None:
            forums.append(forum)
    return Calendar(forums=forums, problems=problems)


def read_calendar(path: Path, *, territory: Territory, campaign: Campaign) -> Calendar:
    """Read and check one calendar file (.csv or .xlsx).

    Never raises on bad content: unreadable files, bad rows and duplicates
    come back as :class:`Problem` objects, sorted by line; only rows
    without errors become forums.
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
    return Calendar(forums=forums, problems=_sorted_problems(problems, order))


def load_calendar(path: Path | None = None, *, territory: Territory | None = None,
                  campaign: Campaign | None = None) -> Calendar:
    """The project's calendar: ``path``, else $FORUMS_CSV, else data/forums.csv.

    A relative $FORUMS_CSV is taken from the project's root, as in mkdocs.yml.
    """
    from kit.territory import load_territory

    if path is None:
        path = ROOT / os.environ.get("FORUMS_CSV", "data/forums.csv")
    return read_calendar(Path(path), territory=territory or load_territory(),
                         campaign=campaign or load_campaign())


# Merging --------------------------------------------------------------------

@dataclass
class MergeResult:
    """Outcome of :func:`merge`: the new calendar and what changed."""

    forums: list[Forum]
    added: list[Forum] = field(default_factory=list)
    updated: list[tuple[Forum, Forum]] = field(default_factory=list)  # (before, after)
    unchanged: list[Forum] = field(default_factory=list)
    cancelled: list[tuple[Forum, Forum]] = field(default_factory=list)  # (before, after)
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        """« 2 forums ajoutés, 1 mis à jour, 12 inchangés, 1 annulé »."""
        return ", ".join([
            _plural(len(self.added), "forum ajouté", "forums ajoutés"),
            _plural(len(self.updated), "mis à jour", "mis à jour"),
            _plural(len(self.unchanged), "inchangé", "inchangés"),
            _plural(len(self.cancelled), "annulé", "annulés"),
        ])


_MERGED_FIELDS = tuple(c for c in COLUMNS if c != "id" and c not in REVISION_COLUMNS)


def _updated(old: Forum, new: Forum) -> Forum:
    """``old`` with the columns ``new`` filled in; empty cells never erase anything."""
    names = new.given or frozenset(_MERGED_FIELDS)
    changes = {name: getattr(new, name) for name in _MERGED_FIELDS if name in names}
    if new.id and not old.id:
        changes["id"] = new.id
    return replace(old, **changes, given=old.given | names)


def sort_key(forum: Forum) -> tuple[date, time, str, str, str]:
    """Calendar order: date, start time (all-day first), département, commune."""
    return (forum.date, forum.heure_debut or time(0), forum.departement, normalise(forum.commune), forum.uid)


def merge(existing: Iterable[Forum], incoming: Iterable[Forum], *, now: datetime | None = None) -> MergeResult:
    """Merge ``incoming`` forums into ``existing`` ones.

    An incoming forum updates the existing one with the same ``id``, or else
    the one with the same département, date and commune (the start time
    decides between several); otherwise it is added, with its identifier
    written into ``id`` so that later edits of its date keep it. Only the
    cells filled in replace existing values. No existing forum is ever
    dropped: the result has exactly one forum per existing one, plus the
    added ones, sorted by date.

    Each added or changed forum gets its revision (see kit.revisions),
    dated ``now`` (the current time when not given).
    """
    from kit.revisions import now as current_time

    moment = now or current_time()
    current = list(existing)
    by_id: dict[str, int] = {id_key(f.id): i for i, f in reversed(list(enumerate(current))) if f.id}
    by_key: dict[tuple[str, date, str], list[int]] = {}
    for index, forum in enumerate(current):
        by_key.setdefault(forum.key, []).append(index)

    result = MergeResult(forums=[])
    claimed: dict[int, Forum] = {}
    added: list[Forum] = []
    for forum in incoming:
        file, line = forum.where
        target: int | None = by_id.get(id_key(forum.id)) if forum.id else None
        if target is None:
            candidates = [i for i in by_key.get(forum.key, []) if not forum.id or not current[i].id]
            if len(candidates) > 1:
                same_time = [i for i in candidates if current[i].heure_debut == forum.heure_debut]
                if len(same_time) != 1:
                    result.problems.append(_error(file, line, (
                        f"plusieurs forums existants à {forum.commune} le {french_date(forum.date)} : "
                        "indiquez l'identifiant (colonne id) du forum à modifier")))
                    continue
                candidates = same_time
            target = candidates[0] if candidates else None
        if target is None:
            added.append(first_revision(replace(forum, id=forum.uid), moment))
            continue
        if target in claimed:
            first = claimed[target]
            result.problems.append(_error(file, line, "ce forum est déjà modifié par "
                                                      f"{first.where[0]}:{first.where[1]}"))
            continue
        claimed[target] = forum

    forums: list[Forum] = []
    for index, old in enumerate(current):
        if index not in claimed:
            forums.append(old)
            continue
        new = revised(old, _updated(old, claimed[index]), moment)
        forums.append(new)
        if new == old:
            result.unchanged.append(old)
        elif new.statut == "annulé" and old.statut != "annulé":
            result.cancelled.append((old, new))
        else:
            result.updated.append((old, new))
    result.added = added
    result.forums = sorted(forums + added, key=sort_key)
    result.problems.extend(find_duplicates(result.forums))
    return result


# Writing --------------------------------------------------------------------

def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` all at once or not at all.

    A temporary file in the same folder is written, flushed to disk, then
    renamed over ``path``: a reader never sees a half-written file, and on
    any failure ``path`` is left as it was.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    try:
        directory = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(directory)
    except OSError:
        pass
    finally:
        os.close(directory)


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
        "contact": forum.contact,
        "source": forum.source,
        "id": forum.id,
        "annonce": forum.annonce.isoformat() if forum.annonce else "",
        "sequence": str(forum.sequence) if forum.sequence or forum.modifie else "",
        "modifie": format_modified(forum.modifie),
    }


def calendar_text(forums: Iterable[Forum], *, territory: Territory | None = None,
                  delimiter: str = ";", newline: str = "\n", columns: Sequence[str] = COLUMNS) -> str:
    """The forums as CSV text with a header row (the data file's format)."""
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
        text = sheets.decode(data)[0]
    except sheets.Unreadable:
        return FileFormat()
    return FileFormat(delimiter=sheets.detect_delimiter(text) if text.strip() else ";",
                      bom=data.startswith(codecs.BOM_UTF8), newline="\r\n" if "\r\n" in text else "\n")


@dataclass
class MergeReport:
    """What :func:`merge_files` did, or why it did nothing."""

    problems: list[Problem]
    result: MergeResult | None = None
    written: bool = False


def merge_files(incoming: Sequence[Path], into: Path, *, territory: Territory, campaign: Campaign,
                strict: bool = False, dry_run: bool = False, now: datetime | None = None,
                lock_wait: float | None = None) -> MergeReport:
    """Check everything, merge ``incoming`` files into the CSV file ``into``, write it atomically.

    Merges of one calendar run one at a time (see kit.mergelock): this one
    waits up to ``lock_wait`` seconds for another to finish, then raises
    :class:`kit.mergelock.Busy`. Nothing is written when any file (the
    target included) has an error, or a warning with ``strict``: ``into``
    then stays byte for byte as it was. The bytes to be written are read
    back, in memory, before they replace ``into``.
    """
    from kit.mergelock import DEFAULT_WAIT_SECONDS, merge_lock, remove_leftovers

    into = Path(into)
    if into.suffix.lower() in _WORKBOOK_SUFFIXES:
        return MergeReport(problems=[_error(str(into), 0, "le fichier de destination doit être un CSV")])
    with merge_lock(into, wait=DEFAULT_WAIT_SECONDS if lock_wait is None else lock_wait):
        remove_leftovers(into)
        return _merge_locked(incoming, into, territory=territory, campaign=campaign, strict=strict,
                             dry_run=dry_run, now=now)


def _merge_locked(incoming: Sequence[Path], into: Path, *, territory: Territory, campaign: Campaign,
                  strict: bool, dry_run: bool, now: datetime | None) -> MergeReport:
    problems: list[Problem] = []
    existing: list[Forum] = []
    if into.exists():
        target = read_calendar(into, territory=territory, campaign=campaign)
        # The target's warnings were accepted when its rows came in.
        problems.extend(target.errors)
        existing = target.forums
    new = read_calendars(incoming, territory=territory, campaign=campaign)
    problems.extend(new.problems)
    blocking = [p for p in problems if p.severity == "erreur" or strict]
    if blocking:
        return MergeReport(problems=problems)
    result = merge(existing, new.forums, now=now)
    problems.extend(result.problems)
    if result.problems:
        return MergeReport(problems=problems, result=result)
    if dry_run or not (result.added or result.updated or result.cancelled):
        return MergeReport(problems=problems, result=result)
    fmt = file_format(into)
    text = calendar_text(result.forums, territory=territory, delimiter=fmt.delimiter, newline=fmt.newline)
    data = (codecs.BOM_UTF8 if fmt.bom else b"") + text.encode("utf-8")
    _check_round_trip(data, result.forums, into, territory=territory, campaign=campaign)
    write_atomic(into, data)
    return MergeReport(problems=problems, result=result, written=True)


def _check_round_trip(data: bytes, forums: list[Forum], into: Path, *, territory: Territory,
                      campaign: Campaign) -> None:
    """Read the bytes about to be written (in memory: no copy on disk) and make sure every forum is in them."""
    back = _read_one(into, territory, campaign, data)
    back.problems.extend(find_duplicates(back.forums))
    if back.errors or [replace(f, where=("", 0)) for f in back.forums] != forums:
        raise RuntimeError("la relecture du fichier fusionné ne redonne pas les mêmes forums : "
                           "rien n'a été écrit")


def day_span(forum: Forum, default_duration: timedelta | None = None) -> tuple[datetime | date, datetime | date]:
    """Local start and end of a forum, naive: datetimes, or dates for an all-day forum.

    Without ``heure_fin`` a forum lasts the campaign's default duration
    (``duree_par_defaut_minutes`` of data/campagne.toml; see
    :func:`end_assumed`); an all-day forum ends the next day (exclusive, as
    in iCalendar).
    """
    if forum.heure_debut is None:
        return forum.date, forum.date + timedelta(days=1)
    start = datetime.combine(forum.date, forum.heure_debut)
    if forum.heure_fin:
        return start, datetime.combine(forum.date, forum.heure_fin)
    return start, start + (default_duration if default_duration is not None else default_forum_duration())


END_UNKNOWN = "heure de fin non communiquée"


def end_assumed(forum: Forum) -> bool:
    """A forum with a start time but no end time: its published end is the default duration's."""
    return forum.heure_debut is not None and forum.heure_fin is None


def default_forum_duration(path: Path = DATA_DIR / "campagne.toml") -> timedelta:
    """The campaign's default duration of a forum whose end time is unknown."""
    path = Path(path)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _duration(path, stamp)


@lru_cache(maxsize=4)
def _duration(path: Path, stamp: int) -> timedelta:
    return load_campaign(path).default_duration if stamp else Campaign(date.min, date.max).default_duration
