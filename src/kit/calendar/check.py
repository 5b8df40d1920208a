"""Checking a calendar table: its header, each row turned into a forum, the duplicates.

Every problem is collected (file and line, in French), none raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, time
from typing import Any

from kit.calendar.communes import UnknownCommune, load_communes
from kit.calendar.limits import quoted
from kit.calendar.model import (
    COLUMNS,
    PROVENANCES,
    REQUIRED_COLUMNS,
    RESERVED_IDS,
    REVISION_COLUMNS,
    STATUTS,
    Campaign,
    Forum,
    Problem,
    error_at,
    warning_at,
)
from kit.calendar.revisions import parse_revision
from kit.calendar.table import KNOWN_HEADERS, Table, cell_text, header_key
from kit.calendar.text import check_line, fold_key, id_key, reserved_device_name
from kit.calendar.values import BadValue, Departements, parse_date, parse_time
from kit.french import count, format_time, french_date
from kit.store import Memo
from kit.territory import Territory, normalise

_STATUT_KEYS = {normalise(s): s for s in STATUTS}
_PROVENANCE_KEYS = {**{normalise(p): p for p in PROVENANCES}, **{normalise(label): p for p, label in PROVENANCES.items()}}
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_CANTON_SPLIT = re.compile(r"[,;\r\n]")


class BadCell(Exception):
    """A cell that cannot be understood: the message says why, in French."""


def parse_cell_date(value: Any, *, excel: bool) -> date:
    """A date cell (a spreadsheet's day number too, in a workbook); :class:`BadCell` otherwise."""
    if excel and isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    try:
        return parse_date(value)
    except BadValue as exc:
        raise BadCell(str(exc)) from None



def _parse_time(value: Any) -> time:
    try:
        return parse_time(value)
    except BadValue as exc:
        raise BadCell(str(exc)) from None


def map_header(table: Table, file: str) -> tuple[dict[str, int], list[Problem]]:
    """Column name -> cell index, and the header's problems."""
    problems: list[Problem] = []
    line = table.header_line
    if table.skipped_above:
        problems.append(warning_at(file, line, f"{count(table.skipped_above, 'ligne ignorée', 'lignes ignorées')} "
                                             "au-dessus de la ligne des noms de colonnes"))
    columns: dict[str, int] = {}
    for index, cell in enumerate(table.header):
        key = header_key(cell)
        if not key:
            continue
        name = KNOWN_HEADERS.get(key)
        if name is None:
            problems.append(error_at(file, line, f"colonne inconnue « {quoted(cell_text(cell))} » (colonnes "
                                               f"possibles : {', '.join(COLUMNS)})"))
        elif name in columns:
            problems.append(error_at(file, line, f"colonne « {name} » en double"))
        else:
            columns[name] = index
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            problems.append(error_at(file, line, f"colonne obligatoire « {name} » absente"))
    return columns, problems


RowMemo = Memo[tuple[Forum | None, tuple[Problem, ...]]]


class RowChecker:
    """Turns the cells of one row into a Forum, collecting its problems.

    With a ``memo`` (``make serve``), a row read again with the same cells at the
    same place is not checked again: saving one row of a large calendar checks
    that row alone. The memo must belong to this territory and campaign.
    """

    def __init__(self, territory: Territory, campaign: Campaign, memo: RowMemo | None = None) -> None:
        self.memo = memo
        self._last: tuple[object, Forum | None, tuple[Problem, ...]] | None = None
        self.territory = territory
        self.campaign = campaign
        self.departements = Departements({code: d.nom for code, d in territory.departements.items()})
        self.communes = load_communes(territory.reference_dir)
        window = f"du {french_date(campaign.debut)} au {french_date(campaign.fin)}"
        self.window_message = f"date hors de la campagne ({window})"

    def check(self, file: str, line: int, cells: dict[str, Any], *, excel: bool,
              extra: bool) -> tuple[Forum | None, list[Problem]]:
        """The forum of one row (None if it has an error), and the row's problems."""
        if self.memo is None:
            return self._like_the_last(file, line, cells, excel=excel, extra=extra)
        key = (file, line, tuple(cells.items()), excel, extra)

        def made() -> tuple[Forum | None, tuple[Problem, ...]]:
            forum, problems = self._check(file, line, cells, excel=excel, extra=extra)
            return forum, tuple(problems)

        try:
            forum, problems = self.memo.get(key, made)
        except TypeError:  # a cell value that cannot be a key: checked as it is
            return self._check(file, line, cells, excel=excel, extra=extra)
        return forum, list(problems)

    def _like_the_last(self, file: str, line: int, cells: dict[str, Any], *, excel: bool,
                       extra: bool) -> tuple[Forum | None, list[Problem]]:
        """The row checked, or, when it repeats the row checked just before (a row copied down, a
        repeated row of a workbook), that row's forum and problems at this line: the same cells are
        never checked again, however many times they repeat."""
        key = (file, tuple(cells.items()), excel, extra)
        last = self._last
        if last is not None and last[0] == key:
            forum, problems = last[1], last[2]
            return (replace(forum, where=(file, line)) if forum is not None else None,
                    [replace(problem, line=line) for problem in problems])
        forum, found = self._check(file, line, cells, excel=excel, extra=extra)
        self._last = (key, forum, tuple(found))
        return forum, found

    def _check(self, file: str, line: int, cells: dict[str, Any], *, excel: bool,
               extra: bool) -> tuple[Forum | None, list[Problem]]:
        problems: list[Problem] = []

        def error(message: str) -> None:
            problems.append(error_at(file, line, message))

        def warning(message: str) -> None:
            problems.append(warning_at(file, line, message))

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
        text = {name: cell_text(value) for name, value in cells.items()}
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
                    day = parse_cell_date(cells["date"], excel=excel)
                except BadCell as exc:
                    error(str(exc))

        start = end = None
        for name in ("heure_debut", "heure_fin"):
            if text.get(name):
                try:
                    value = _parse_time(cells[name])
                except BadCell as exc:
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
                error(f"statut « {quoted(text['statut'])} » inconnu (valeurs possibles : {', '.join(STATUTS)})")

        participants = None
        if text.get("participants"):
            digits = text["participants"].replace("\u202f", "").replace("\xa0", "").replace(" ", "")
            if not digits.isdigit():
                error(f"participants « {text['participants']} » : écrivez le nombre de personnes venues, "
                      "en chiffres (« 70 »)")
            elif statut and statut != "tenu":
                error(f"participants « {text['participants']} » pour un forum « {statut} » : le nombre de "
                      "participants ne se donne que pour un forum tenu (statut « tenu »)")
            else:
                participants = int(digits)

        provenance = ""
        if text.get("provenance"):
            provenance = _PROVENANCE_KEYS.get(normalise(text["provenance"]), "")
            if not provenance:
                error(f"provenance « {text['provenance']} » inconnue (valeurs possibles : "
                      f"{', '.join(PROVENANCES)})")

        identifier = text.get("id", "")
        # A valid identifier has 100 characters at most: only an invalid one is cut in the message.
        if identifier and not _ID.fullmatch(identifier):
            error(f"identifiant « {quoted(identifier)} » invalide : lettres sans accents, chiffres, « - », "
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
                annonce = parse_cell_date(cells["annonce"], excel=excel)
            except BadCell as exc:
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
                    warning(f"canton « {quoted(part)} » inconnu dans le département {departement.nom} ({dep_code})")
                else:
                    warning(f"canton « {quoted(part)} » non vérifié : pas de liste de cantons pour "
                            f"{departement.nom} ({dep_code})")

        if day is not None:
            if not (self.campaign.debut <= day <= self.campaign.fin):
                warning(f"{self.window_message} : forum du {french_date(day)}")
            if annonce is not None:
                notice = (day - annonce).days
                if notice < 0:
                    warning(f"annoncé le {french_date(annonce)}, après la date du forum")
                elif notice < self.campaign.min_notice_days:
                    warning(f"annoncé {count(notice, 'jour', 'jours')} seulement avant sa date "
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
            animateur=text.get("animateur", ""), statut=statut, participants=participants,
            contact=text.get("contact", ""), source=text.get("source", ""), provenance=provenance, id=identifier, annonce=annonce, sequence=sequence, modifie=modifie,
            where=(file, line), given=given,
        )
        return forum, problems


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
            problems.append(error_at(file, line, "forum en double : même département, date, heure et commune "
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
            problems.append(error_at(file, line, message))
            continue
        by_uid[id_key(forum.uid)] = forum
    return problems
