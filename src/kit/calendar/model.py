"""The forum calendar's model: a forum, a problem found in a file, the campaign, calendar order."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from kit.territory import normalise

_Date = date  # the type, where a field named « date » hides it

STATUTS = ("prévu", "annulé", "reporté", "tenu")
COLUMNS = ("departement", "date", "heure_debut", "heure_fin", "commune", "lieu", "adresse", "cantons",
           "animateur", "statut", "contact", "source", "id", "annonce")
# A file without these columns cannot be read; empty cells are dealt with row by row.
REQUIRED_COLUMNS = ("departement", "date", "heure_debut", "commune", "lieu")
# A forum's own ICS file is calendrier/<département>/<id>.ics: « forums » would replace the département's.
RESERVED_IDS = frozenset({"forums"})


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
    annonce: _Date | None = None
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
    def key(self) -> tuple[str, _Date, str]:
        """Département, date and folded commune: what matches an update to a forum."""
        return (self.departement, self.date, normalise(self.commune))

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


def error_at(file: str, line: int, message: str) -> Problem:
    return Problem(file, line, message, "erreur")


def warning_at(file: str, line: int, message: str) -> Problem:
    return Problem(file, line, message, "avertissement")


@dataclass(frozen=True)
class Campaign:
    """The campaign window and its rules (data/campagne.toml)."""

    debut: date
    fin: date
    min_notice_days: int = 14
    syntheses: date | None = None


def load_campaign(path: Path) -> Campaign:
    """Read the campaign window from ``path`` (keys ``debut``, ``fin``,
    ``delai_annonce_jours``, ``syntheses``)."""
    with Path(path).open("rb") as handle:
        data = tomllib.load(handle)
    return Campaign(debut=data["debut"], fin=data["fin"],
                    min_notice_days=int(data.get("delai_annonce_jours", 14)),
                    syntheses=data.get("syntheses"))


@dataclass
class Calendar:
    """Forums read from one or more files, with the problems found."""

    forums: Sequence[Forum]  # in calendar order when read (see :class:`Ordered`)
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        """The problems that make the calendar invalid."""
        return [p for p in self.problems if p.severity == "erreur"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems reported without blocking."""
        return [p for p in self.problems if p.severity != "erreur"]


def sort_key(forum: Forum) -> tuple[date, time, str, str, str]:
    """Calendar order: date, start time (all-day first), département, commune."""
    return (forum.date, forum.heure_debut or time(0), forum.departement, normalise(forum.commune), forum.uid)


class Ordered(tuple[Forum, ...]):
    """Forums known to be in calendar order (:func:`sort_key`): nothing downstream sorts them again.

    :func:`in_calendar_order` makes one by sorting; building one directly is for
    forums taken in order from another (a département's, a single forum).
    """

    __slots__ = ()


def in_calendar_order(forums: Iterable[Forum]) -> Ordered:
    """``forums`` in calendar order: sorted once, or as they are if already :class:`Ordered`."""
    return forums if isinstance(forums, Ordered) else Ordered(sorted(forums, key=sort_key))


def day_span(forum: Forum) -> tuple[datetime | date, datetime | date]:
    """Local start and end of a forum, naive: datetimes, or dates for an all-day forum.

    Without ``heure_fin`` a forum lasts two hours (the run-sheet's length);
    an all-day forum ends the next day (exclusive, as in iCalendar).
    """
    if forum.heure_debut is None:
        return forum.date, forum.date + timedelta(days=1)
    start = datetime.combine(forum.date, forum.heure_debut)
    end = datetime.combine(forum.date, forum.heure_fin) if forum.heure_fin else start + timedelta(hours=2)
    return start, end
