"""Checking a calendar table: its header, each row turned into a forum, the duplicates.

Every problem is collected (file and line, in French), none raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from kit.calendar.model import (
    COLUMNS,
    REQUIRED_COLUMNS,
    RESERVED_IDS,
    STATUTS,
    Campaign,
    Forum,
    Problem,
    error_at,
    warning_at,
)
from kit.calendar.table import KNOWN_HEADERS, Table, cell_text, header_key
from kit.french import count, format_time, french_date
from kit.territory import Territory, normalise, normalise_departement_code

_STATUT_KEYS = {normalise(s): s for s in STATUTS}
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]0{1,2}:00(?::00)?)?")
_DATE_FR = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?: 0{1,2}:00(?::00)?)?")
_TIME = re.compile(r"(\d{1,2})\s*[hH]\s*(\d{2})?|(\d{1,2})\s*:\s*(\d{2})(?::(\d{2}))?")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_CANTON_SPLIT = re.compile(r"[,;\n]")


class _BadValue(Exception):
    """A cell that cannot be understood: the message says why, in French."""


def _parse_date(value: Any, *, excel: bool) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if excel and isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    text = cell_text(value)
    if match := _DATE_ISO.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DATE_FR.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise _BadValue(f"date illisible « {text} » (écrivez 14/04/2009 ou 2009-04-14)")
    try:
        return date(year, month, day)
    except ValueError:
        raise _BadValue(f"date impossible « {text} »") from None


def _parse_time(value: Any) -> time:
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(value, float) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return time(*divmod(min(minutes, 24 * 60 - 1), 60))
    text = cell_text(value)
    match = _TIME.fullmatch(text)
    if not match:
        raise _BadValue(f"heure illisible « {text} » (écrivez 18:30, 18h30 ou 18h)")
    hour = int(match.group(1) or match.group(3))
    minute = int(match.group(2) or match.group(4) or 0)
    if hour > 23 or minute > 59:
        raise _BadValue(f"heure impossible « {text} »")
    return time(hour, minute)


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
            problems.append(error_at(file, line, f"colonne inconnue « {cell_text(cell)} » (colonnes "
                                               f"possibles : {', '.join(COLUMNS)})"))
        elif name in columns:
            problems.append(error_at(file, line, f"colonne « {name} » en double"))
        else:
            columns[name] = index
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            problems.append(error_at(file, line, f"colonne obligatoire « {name} » absente"))
    return columns, problems


class RowChecker:
    """Turns the cells of one row into a Forum, collecting its problems."""

    def __init__(self, territory: Territory, campaign: Campaign) -> None:
        self.territory = territory
        self.campaign = campaign
        window = f"du {french_date(campaign.debut)} au {french_date(campaign.fin)}"
        self.window_message = f"date hors de la campagne ({window})"

    def check(self, file: str, line: int, cells: dict[str, Any], *, excel: bool,
              extra: bool) -> tuple[Forum | None, list[Problem]]:
        problems: list[Problem] = []

        def error(message: str) -> None:
            problems.append(error_at(file, line, message))

        def warning(message: str) -> None:
            problems.append(warning_at(file, line, message))

        if extra:
            error("valeur hors des colonnes nommées : une cellule contient-elle le séparateur "
                  "sans guillemets ?")
        text = {name: cell_text(value) for name, value in cells.items()}
        given = frozenset(name for name, value in text.items() if value)

        dep_code = normalise_departement_code(text.get("departement", ""))
        departement = self.territory.departements.get(dep_code)
        if "departement" in cells:
            if not dep_code:
                error("département manquant")
            elif departement is None:
                error(f"département « {text['departement']} » inconnu (code Insee attendu : 01 à 95, "
                      "2A, 2B, 971 à 978, 986 à 988)")

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
                    warning(f"annoncé {count(notice, 'jour', 'jours')} seulement avant sa date "
                            f"(délai conseillé : {self.campaign.min_notice_days} jours)")

        if any(p.severity == "erreur" for p in problems) or day is None \
                or departement is None or not commune or not statut:
            return None, problems
        forum = Forum(
            departement=dep_code, date=day, heure_debut=start, heure_fin=end, commune=commune,
            lieu=lieu, adresse=text.get("adresse", ""), cantons=tuple(cantons),
            animateur=text.get("animateur", ""), statut=statut, contact=text.get("contact", ""),
            source=text.get("source", ""), id=identifier, annonce=annonce,
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
    by_uid: dict[str, Forum] = {}
    for forum in forums:
        file, line = forum.where
        slot = (forum.departement, forum.date, forum.heure_debut, normalise(forum.commune))
        if slot in by_slot:
            problems.append(error_at(file, line, "forum en double : même département, date, heure et commune "
                                               f"que {_place(by_slot[slot], file)}"))
            continue
        by_slot[slot] = forum
        if forum.uid in by_uid:
            first = by_uid[forum.uid]
            if forum.id:
                message = f"identifiant « {forum.id} » déjà utilisé par {_place(first, file)}"
            else:
                message = (f"deux forums le même jour dans la même commune (voir {_place(first, file)}) : "
                           "donnez à chacun un identifiant distinct dans la colonne id")
            problems.append(error_at(file, line, message))
            continue
        by_uid[forum.uid] = forum
    return problems
