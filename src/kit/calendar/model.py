"""The forum calendar's model: a forum, a problem found in a file, the campaign, calendar order."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

from kit.calendar.text import fold_key
from kit.territory import normalise

_Date = date  # the type, where a field named « date » hides it

STATUTS = ("prévu", "annulé", "reporté", "tenu")
COLUMNS = ("departement", "date", "heure_debut", "heure_fin", "commune", "lieu", "adresse", "cantons",
           "animateur", "statut", "participants", "contact", "source", "provenance", "id", "annonce", "sequence",
           "modifie")
# The columns of the calendar kept in git (data/forums.csv): never the contact column, which is personal data.
DATA_COLUMNS = tuple(c for c in COLUMNS if c != "contact")
# Where a forum comes from: the value of the ``provenance`` column and what the pages and downloads say.
PROVENANCES = {"presse": "relevé dans la presse", "préfecture": "transmis par la préfecture"}
UNKNOWN_PROVENANCE = "provenance non précisée"
# Kept by `merge` (see kit.calendar.revisions), never taken from an incoming file, never exported as columns.
REVISION_COLUMNS = ("sequence", "modifie")
# The columns `merge` fills itself: the revision, and the provenance (« préfecture » for a forum merged from
# a prefecture's file). A prefecture's template leaves them out; ``id`` is not one of them: `merge` gives it to
# a new forum, but a prefecture copies it back to change a forum already published.
MERGE_COLUMNS = (*REVISION_COLUMNS, "provenance")
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
    participants: int | None = None  # people counted at a held forum
    contact: str = ""
    source: str = ""
    provenance: str = ""  # a key of PROVENANCES, or "" when not said
    id: str = ""
    annonce: _Date | None = None
    # Revision kept by `merge`: grows when the date, times, place or status change; when it changed (UTC).
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
    def key(self) -> tuple[str, _Date, str]:
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

    @property
    def provenance_label(self) -> str:
        """« relevé dans la presse », « transmis par la préfecture » or « provenance non précisée »."""
        return PROVENANCES.get(self.provenance, UNKNOWN_PROVENANCE)


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
    # The date the data is said to be of (``donnees_du``), when the campaign file sets it.
    data_date: date | None = None
    # Length given to a forum whose end time is not known (its events say the end is not known).
    default_duration: timedelta = timedelta(hours=2)  # the run-sheet's length


def load_campaign(path: Path) -> Campaign:
    """Read the campaign window from ``path`` (keys ``debut``, ``fin``,
    ``delai_annonce_jours``, ``syntheses``)."""
    with Path(path).open("rb") as handle:
        data = tomllib.load(handle)
    return Campaign(debut=data["debut"], fin=data["fin"],
                    min_notice_days=int(data.get("delai_annonce_jours", 14)),
                    syntheses=data.get("syntheses"),
                    data_date=data.get("donnees_du"),
                    default_duration=timedelta(minutes=int(data.get("duree_par_defaut_minutes", 120))))


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
    return start, start + (default_duration if default_duration is not None else DEFAULT_DURATION)


def end_assumed(forum: Forum) -> bool:
    """A forum with a start time but no end time: its published end is the default duration's."""
    return forum.heure_debut is not None and forum.heure_fin is None


DEFAULT_DURATION = timedelta(hours=2)


def default_forum_duration(path: Path) -> timedelta:
    """The default duration of a forum whose end time is unknown, from the campaign file ``path``.

    Read again when the file changes; the 2 hours of the run-sheet when there is no such file.
    """
    path = Path(path)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _duration(path, stamp)


@lru_cache(maxsize=4)
def _duration(path: Path, stamp: int) -> timedelta:
    return load_campaign(path).default_duration if stamp else DEFAULT_DURATION
