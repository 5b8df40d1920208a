"""What a departmental synthesis says once read: its parts, forums, diagnosis, proposals, and its problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# The template's parts (docs/modeles/synthese.md), in its order, with their French names.
PARTS = {
    "identification": "identification",
    "rencontres": "partie 1 (les rencontres organisées)",
    "eclairage": "partie 2 (éclairage de proximité)",
    "theme1": "partie 2, thème 1",
    "theme2": "partie 2, thème 2",
    "local": "partie 2, sujets propres au département",
    "diagnostic": "partie 3 (points forts et faiblesses)",
    "propositions": "partie 4 (propositions)",
    "annexes": "annexes (comptes rendus)",
    "autres": "autres éléments",
}
# The parts a synthesis must hold: parts 1 to 4 of the template.
REQUIRED = ("rencontres", "eclairage", "diagnostic", "propositions")

# Scopes of a proposal, broadest first: the order of the compilation's table.
SCOPES = ("nationale", "départementale", "locale", "")
SCOPE_NAMES = {"nationale": "nationale", "départementale": "départementale", "locale": "locale",
               "": "non précisée"}


@dataclass(frozen=True)
class Problem:
    """Something to tell about a received file, at its part."""

    file: str
    part: str  # a key of PARTS, or "" for the whole file
    message: str
    severity: str = "erreur"  # "erreur", "avertissement" or "information"
    where: str = ""  # « tableau 3, ligne 2 », « paragraphe 12 »

    def __str__(self) -> str:
        place = ", ".join(p for p in (PARTS.get(self.part, ""), self.where) if p)
        return f"{self.file}: {place + ' : ' if place else ''}{self.severity} : {self.message}"


@dataclass(frozen=True)
class Passage:
    """A text a prefecture wrote, verbatim, and where it stood."""

    part: str  # a key of PARTS
    text: str
    label: str = ""  # « Couverture du département », a renamed heading, « commentaire »…


@dataclass(frozen=True)
class ForumRow:
    """One row of the table of the forums held (part 1)."""

    date: date | None
    commune: str
    cantons: str = ""
    participants: int | None = None
    text: tuple[str, ...] = ()  # the row's cells as written
    where: str = ""


@dataclass(frozen=True)
class Proposal:
    text: str
    scope: str  # one of SCOPES
    scope_text: str  # as written
    actors: str
    where: str = ""


@dataclass(frozen=True)
class Minutes:
    """A forum's minutes annexed: its title and how many paragraphs follow it."""

    title: str
    paragraphs: int = 0


@dataclass
class Synthesis:
    """One département's synthesis, as read from (part of) a received file."""

    file: str
    departement: str = ""  # INSEE code, "" when not found
    departement_text: str = ""  # the field as written
    etablie_par: str = ""
    date_envoi: str = ""
    parts_found: set[str] = field(default_factory=set)
    passages: list[Passage] = field(default_factory=list)
    forums: list[ForumRow] = field(default_factory=list)
    strengths: list[str] = field(default_factory=list)
    weaknesses: list[str] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    minutes: list[Minutes] = field(default_factory=list)

    def texts(self, part: str) -> list[Passage]:
        return [p for p in self.passages if p.part == part]


@dataclass
class Received:
    """A received file: the syntheses read from it (none for a PDF), and every problem found."""

    file: str
    syntheses: list[Synthesis] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    read: bool = True  # False for a PDF or a file that could not be read

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "erreur"]
