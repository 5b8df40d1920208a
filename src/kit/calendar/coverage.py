"""What the forums cover: each département's cantons-ou-villes with a forum, and the level reached."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kit.calendar.model import Forum
from kit.territory import Canton, Departement, Territory

# A cancelled or postponed forum stays listed, its date struck through.
STRUCK_STATUSES = frozenset({"annulé", "reporté"})
# Only a forum that is going ahead (or took place) covers its cantons.
COVERING_STATUSES = frozenset({"prévu", "tenu"})
LEVELS = ("aucun", "partiel", "complet")
LEVEL_LABELS = {
    "aucun": "Aucun forum",
    "partiel": "Une partie des cantons couverte",
    "complet": "Tous les cantons couverts",
}


@dataclass(frozen=True)
class Coverage:
    """What a département's forums cover, against its 2009 cantons-ou-villes."""

    departement: Departement
    forums: tuple[Forum, ...]
    covering: int  # forums planned or held
    cantons: tuple[Canton, ...]
    covered: tuple[Canton, ...]

    @property
    def level(self) -> str:
        """« aucun », « partiel » or « complet »."""
        if not self.covering:
            return "aucun"
        if self.cantons and len(self.covered) == len(self.cantons):
            return "complet"
        return "partiel"

    @property
    def uncovered(self) -> tuple[Canton, ...]:
        """The cantons-ou-villes no forum covers yet, in INSEE order."""
        codes = {c.code for c in self.covered}
        return tuple(c for c in self.cantons if c.code not in codes)

    @property
    def withdrawn(self) -> int:
        """Forums cancelled or postponed."""
        return sum(1 for f in self.forums if f.statut in STRUCK_STATUSES)


def forum_cantons(forum: Forum, territory: Territory) -> tuple[Canton, ...]:
    """The cantons-ou-villes a forum covers.

    The ``cantons`` column when filled in; otherwise the canton-ou-ville its
    commune belonged to in 2009, when the commune is known.
    """
    found: dict[str, Canton] = {}
    for text in forum.cantons:
        canton = territory.find_canton(forum.departement, text)
        if canton is not None:
            found[canton.code] = canton
    if not found and forum.commune and territory.cantons.get(forum.departement):
        canton = territory.commune_canton(forum.departement, forum.commune)
        if canton is not None:
            found[canton.code] = canton
    return tuple(found.values())


def coverage(forums: Iterable[Forum], territory: Territory, *,
             cantons: Mapping[Forum, tuple[Canton, ...]] | None = None) -> dict[str, Coverage]:
    """Coverage of every département of the territory, forums or not, in INSEE order.

    ``cantons`` gives each forum's cantons when already looked up
    (:func:`forum_cantons` otherwise).
    """
    by_dep: dict[str, list[Forum]] = defaultdict(list)
    for forum in forums:
        by_dep[forum.departement].append(forum)
    result: dict[str, Coverage] = {}
    for code, dep in territory.departements.items():
        dep_forums = by_dep.get(code, [])
        covered_codes: set[str] = set()
        for forum in dep_forums:
            if forum.statut in COVERING_STATUSES:
                found = cantons[forum] if cantons is not None else forum_cantons(forum, territory)
                covered_codes.update(c.code for c in found)
        dep_cantons = tuple(territory.cantons.get(code, ()))
        result[code] = Coverage(
            departement=dep,
            forums=tuple(dep_forums),
            covering=sum(1 for f in dep_forums if f.statut in COVERING_STATUSES),
            cantons=dep_cantons,
            covered=tuple(c for c in dep_cantons if c.code in covered_codes),
        )
    return result
