"""French wording of numbers, dates, times and counts, as the kit writes them everywhere."""

from __future__ import annotations

from datetime import date, time, timedelta
from functools import lru_cache

from babel.dates import format_date
from babel.numbers import format_decimal

from kit.html.typography import NBSP, NNBSP

# British English: « 10 March 2009 », as in the English versions of the texts.
LOCALES = {"fr": "fr_FR", "en": "en_GB"}


@lru_cache(maxsize=1024)
def french_date(day: date, *, weekday: bool = False, year: bool = True) -> str:
    """« 14 avril 2009 », « 1er mai 2009 »; with ``weekday``: « mardi 14 avril 2009 »."""
    day_part = "'1er'" if day.day == 1 else "d"
    pattern = ("EEEE " if weekday else "") + day_part + " MMMM" + (" y" if year else "")
    return format_date(day, pattern, locale="fr_FR")


def format_time(value: time | None) -> str:
    """« 18:30 », or an empty string."""
    return value.strftime("%H:%M") if value is not None else ""


def french_time(moment: time) -> str:
    """« 17 h 30 », « 18 h » (non-breaking spaces)."""
    hours = f"{moment.hour}{NBSP}h"
    return hours if moment.minute == 0 else f"{hours}{NBSP}{moment.minute:02d}"


# Said of a forum whose end time is not known, on its page and in its ICS and JSON events alike.
END_UNKNOWN = "heure de fin non communiquée"


def time_range(start: time | None, end: time | None) -> str:
    """« 17 h 30 – 19 h », « 18 h (heure de fin non communiquée) », or « horaire non précisé »."""
    if start is None:
        return "horaire non précisé"
    if end is None:
        return f"{french_time(start)} ({END_UNKNOWN})"
    return f"{french_time(start)} – {french_time(end)}"


def french_duration(value: timedelta) -> str:
    """« 2 h », « 1 h 30 », « 45 min » (non-breaking spaces)."""
    hours, minutes = divmod(int(value.total_seconds()) // 60, 60)
    if not hours:
        return f"{minutes}{NBSP}min"
    return f"{hours}{NBSP}h{NBSP}{minutes:02d}" if minutes else f"{hours}{NBSP}h"


def number(value: int) -> str:
    """« 12 000 » with the narrow no-break space of French typography."""
    if type(value) is int and value >= 0:  # the common case, thousands of times a page: same text as Babel's
        return f"{value:,}".replace(",", NNBSP)
    return format_decimal(value, locale="fr_FR").replace("\u00a0", NNBSP)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 forum », « 0 forum », « 12 forums » (French: 0 and 1 take the singular)."""
    word = singular if count < 2 else (plural_form or singular + "s")
    return f"{number(count)}{NBSP}{word}"


def percent(part: int, whole: int) -> str:
    """« 16 % »; « 99 % » rather than 100 while a canton is still missing."""
    value = part * 100 // whole if whole else 0
    return f"{value}{NNBSP}%"


def format_day(day: date, lang: str) -> str:
    """``10 mars 2009``, ``1er avril 2009`` (French) or ``10 March 2009`` (English)."""
    if lang == "fr":
        return french_date(day)
    return format_date(day, format="long", locale=LOCALES.get(lang, LOCALES["en"]))


def count(value: int, singular: str, plural_form: str) -> str:
    """« 0 ligne ignorée », « 3 lignes ignorées »: plain digits and space, for messages in a terminal.

    The same rule as :func:`plural` (0 and 1 take the singular).
    """
    return f"{value} {singular if value < 2 else plural_form}"


def elapsed(seconds: float) -> str:
    """How long a command took, for its messages: « moins d'une seconde », « 4 s », « 2 min 05 s »."""
    whole = round(seconds)
    if whole < 1:
        return "moins d'une seconde"
    return f"{whole} s" if whole < 60 else f"{whole // 60} min {whole % 60:02d} s"


def decimal(value: float, digits: int = 1) -> str:
    """« 72,2 »: a rounded number with the French decimal comma."""
    return f"{value:.{digits}f}".replace(".", ",")
