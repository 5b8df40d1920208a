"""Values as French people type them: départements, dates, times.

Each parser takes a cell (text, or a spreadsheet's number, date or time)
and returns the value, or raises :class:`BadValue` whose French message
says what to write instead. Nothing is guessed: a weekday that does not
match its date, a code that contradicts its name stay errors.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from babel.dates import format_date

from kit.calendar.limits import quoted
from kit.calendar.table import cell_text


class BadValue(Exception):
    """A cell that cannot be understood: the message says why and what to write, in French."""


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[-_'’.]", " ", bare).split())


# Départements -----------------------------------------------------------------

_CODE_AND_NAME = re.compile(r"(?P<code>\d{1,3}|2[ABab])\s*[-–—:/]\s*(?P<name>.+)|"
                            r"(?P<name2>.+?)\s*\(\s*(?P<code2>\d{1,3}|2[ABab])\s*\)")


class Departements:
    """Départements by code and by folded name, built once for many cells."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = dict(names)
        self.by_name = {_fold(name): code for code, name in names.items()}

    def parse(self, value: Any) -> str:
        """The INSEE code of a département written « 50 », « Manche », « 50 - Manche » or « Manche (50) ».

        Code and name given together must agree.
        """
        names, by_name = self.names, self.by_name
        text = cell_text(value)
        code = _code(text)
        if code in names:
            return code
        folded = _fold(text)
        if folded in by_name:
            return by_name[folded]
        match = _CODE_AND_NAME.fullmatch(text)
        if match:
            given_code = _code(match.group("code") or match.group("code2"))
            given_name = (match.group("name") or match.group("name2")).strip()
            if given_code not in names:
                raise BadValue(f"département « {quoted(text)} » : code {given_code} inconnu")
            named = by_name.get(_fold(given_name))
            if named == given_code:
                return given_code
            if named is None:
                raise BadValue(f"département « {quoted(text)} » : « {quoted(given_name)} » n'est pas un nom de département ; "
                               f"le {given_code} est « {names[given_code]} » (écrivez « {given_code} »)")
            raise BadValue(f"département « {quoted(text)} » : le {given_code} est « {names[given_code]} » et "
                           f"« {names[named]} » est le {named} ; écrivez le bon code seul")
        raise BadValue(f"département « {quoted(text)} » inconnu : écrivez son code Insee (« 50 ») ou son nom "
                       "(« Manche »)")


def parse_departement(value: Any, names: Mapping[str, str]) -> str:
    """:meth:`Departements.parse` for one cell (``names``: code -> 2009 name)."""
    return Departements(names).parse(value)


def _code(text: str) -> str:
    code = text.strip().upper()
    if code.isdigit() and len(code) == 1:
        return "0" + code
    return code


# Dates ------------------------------------------------------------------------

_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4,
    "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}
_WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
_WEEKDAY_NAMES = {number: name for name, number in _WEEKDAYS.items()}
_MIDNIGHT = r"(?:[ T]0{1,2}:00(?::00)?)?"
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _MIDNIGHT)
_NUMERIC = re.compile(r"(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})" + _MIDNIGHT)
_LONG = re.compile(r"(?:(?P<weekday>[a-z]+)\s*,?\s+)?(?:le\s+)?(?P<day>\d{1,2})\s*(?:er)?\s+"
                   r"(?P<month>[a-z]+)\s*\.?\s+(?P<year>\d{4}|\d{2})")


def full_year(year: int, digits: int) -> int:
    """Two-digit years are of this century up to 69 (« 09 » → 2009), of the last one from 70."""
    if digits != 2:
        return year
    return 2000 + year if year < 70 else 1900 + year


def parse_date(value: Any) -> date:
    """A date cell, « 2009-04-14 », « 14/04/2009 », « 16/04/09 » or « mardi 14 avril 2009 »."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise BadValue(f"date illisible « {quoted(text)} » (un nombre) : écrivez 14/04/2009 ou mardi 14 avril 2009")
    weekday = None
    if match := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _NUMERIC.fullmatch(text):
        day, month = int(match.group(1)), int(match.group(3))
        year = full_year(int(match.group(4)), len(match.group(4)))
    elif match := _LONG.fullmatch(_fold(text).replace(",", " ").strip()):
        month_number = _MONTHS.get(match.group("month"))
        if month_number is None:
            raise BadValue(f"date illisible « {quoted(text)} » : mois « {quoted(match.group('month'))} » inconnu "
                           "(écrivez par exemple mardi 14 avril 2009)")
        day, month = int(match.group("day")), month_number
        year = full_year(int(match.group("year")), len(match.group("year")))
        if match.group("weekday"):
            weekday = _WEEKDAYS.get(match.group("weekday"))
            if weekday is None:
                raise BadValue(f"date illisible « {quoted(text)} » : « {quoted(match.group('weekday'))} » n'est pas un jour "
                               "de la semaine")
    else:
        raise BadValue(f"date illisible « {quoted(text)} » (écrivez 14/04/2009, 2009-04-14 ou mardi 14 avril 2009)")
    try:
        result = date(year, month, day)
    except ValueError:
        raise BadValue(f"date impossible « {quoted(text)} »") from None
    if weekday is not None and result.weekday() != weekday:
        actual = format_date(result, "EEEE d MMMM y", locale="fr_FR")
        raise BadValue(f"date « {quoted(text)} » incohérente : le {result.day} {format_date(result, 'MMMM y', locale='fr_FR')} "
                       f"est un {_WEEKDAY_NAMES[result.weekday()]}, pas un {_WEEKDAY_NAMES[weekday]} "
                       f"(écrivez « {actual} » ou corrigez le jour)")
    return result


# Times ------------------------------------------------------------------------

_TIME = re.compile(r"(?P<h>\d{1,2})\s*(?:h|heures?|:|\.)\s*(?P<m>\d{2})?\s*(?:min(?:utes?)?)?"
                   r"(?::\d{2})?")


def parse_time(value: Any) -> time:
    """A time cell, « 18:30 », « 18h30 », « 18H30 », « 18 h », « 18 heures », « 18.30 »."""
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(value, timedelta) and timedelta(0) <= value < timedelta(days=1):
        minutes = int(value.total_seconds() // 60)
        return time(*divmod(minutes, 60))
    if isinstance(value, float) and 0 <= value < 1:
        # A spreadsheet time: a fraction of a day.
        minutes = round(value * 24 * 60)
        return time(*divmod(min(minutes, 24 * 60 - 1), 60))
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 24:
        # « 18,30 » typed in a number cell: hours and minutes after the decimal comma.
        hours = int(value)
        minutes = round((value - hours) * 100)
        if abs((value - hours) * 100 - minutes) < 1e-6 and minutes < 60:
            return time(hours, minutes)
    text = cell_text(value)
    match = _TIME.fullmatch(_fold(text).replace(" h ", "h").strip()) or _TIME.fullmatch(text.lower())
    if not match:
        raise BadValue(f"heure illisible « {quoted(text)} » (écrivez 18:30, 18h30, 18 h ou 18 heures)")
    hour, minute = int(match.group("h")), int(match.group("m") or 0)
    if hour > 23 or minute > 59:
        raise BadValue(f"heure impossible « {quoted(text)} »")
    return time(hour, minute)
