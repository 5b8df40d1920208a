"""The forum calendar: reading, checking and merging the prefectures' files.

Interface module: the full reader lands next; the data model is final.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Iterable

from kit.paths import DATA_DIR
from kit.territory import Territory, normalise

STATUTS = ("prévu", "annulé", "reporté", "tenu")
COLUMNS = ("departement", "date", "heure_debut", "heure_fin", "commune", "lieu", "adresse", "cantons",
           "animateur", "statut", "contact", "source", "id", "annonce")


@dataclass(frozen=True)
class Forum:
    """One forum of the calendar."""

    departement: str
    date: date
    heure_debut: time | None
    heure_fin: time | None
    commune: str
    lieu: str
    adresse: str = ""
    cantons: tuple[str, ...] = ()
    animateur: str = ""
    statut: str = "prévu"
    contact: str = ""
    source: str = ""
    id: str = ""
    annonce: date | None = None
    # Where the row was read ("file", line) and which columns it filled in.
    where: tuple[str, int] = field(default=("", 0), compare=False, repr=False)
    given: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    @property
    def uid(self) -> str:
        """Identifier stable across rebuilds and edits.

        The ``id`` column when filled in; otherwise département, date and
        commune (« 44-2009-04-14-saint-herblain »), so that changing the time,
        the place or the status of a forum keeps its identifier.
        """
        if self.id:
            return self.id
        return f"{self.departement}-{self.date.isoformat()}-{normalise(self.commune).replace(' ', '-')}"


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


@dataclass(frozen=True)
class Campaign:
    """The campaign window and its rules (data/campagne.toml)."""

    debut: date
    fin: date
    min_notice_days: int = 14
    syntheses: date | None = None


def load_campaign(path: Path = DATA_DIR / "campagne.toml") -> Campaign:
    """Read the campaign window from ``path``."""
    with Path(path).open("rb") as handle:
        data = tomllib.load(handle)
    return Campaign(debut=data["debut"], fin=data["fin"],
                    min_notice_days=int(data.get("delai_annonce_jours", 14)),
                    syntheses=data.get("syntheses"))


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


def read_calendar(path: Path, *, territory: Territory, campaign: Campaign) -> Calendar:
    """Read and check one calendar file (.csv or .xlsx)."""
    raise NotImplementedError


def read_calendars(paths: Iterable[Path], *, territory: Territory, campaign: Campaign) -> Calendar:
    """Read and check several files together (duplicates across files included)."""
    raise NotImplementedError


@dataclass
class MergeResult:
    """Outcome of :func:`merge`: the new calendar and what changed."""

    forums: list[Forum]
    added: list[Forum] = field(default_factory=list)
    updated: list[tuple[Forum, Forum]] = field(default_factory=list)
    unchanged: list[Forum] = field(default_factory=list)
    cancelled: list[tuple[Forum, Forum]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def merge(existing: Iterable[Forum], incoming: Iterable[Forum]) -> MergeResult:
    """Merge ``incoming`` forums into ``existing`` ones; no existing forum is dropped."""
    raise NotImplementedError
