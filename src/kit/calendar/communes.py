"""The 2009 communes of each département: a forum's commune checked and written officially.

« SAINT-LO », « St-Lô » and « saint lo » are the official « Saint-Lô » of
the Manche: case, accents, hyphens, apostrophes and the abbreviations
« St »/« Ste » do not count. A name that is not a commune of the
département in 2009 is refused with the closest official names.
Paris, Marseille and Lyon keep an arrondissement written after the name
(« Paris 20e »).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from kit.calendar.limits import quoted
from kit.territory import commune_rows

_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_ARTICLE_AFTER = re.compile(r"^(?P<name>.+?)\s*\(\s*(?P<article>les?|la|l')\s*\)$", re.I)
_ARRONDISSEMENT = re.compile(r"\s+\d{1,2}\s*(?:e|er|ème)(?:\s+arrondissement)?$", re.I)


def fold_commune(text: str) -> str:
    """« St-Lô » → « saint lo »: the key two spellings of one commune share."""
    match = _ARTICLE_AFTER.match(text.strip())
    if match:  # INSEE's « Havre (Le) »
        article = match.group("article")
        text = f"{article}{'' if article.endswith(chr(39)) else ' '}{match.group('name')}"
    bare = text.casefold().translate(_FOLD)
    if not bare.isascii():  # accents dropped; a letter without an ASCII base stays as it is
        bare = "".join(c for c in unicodedata.normalize("NFKD", bare) if not unicodedata.combining(c))
    return " ".join(_ABBREVIATIONS.get(word, word) for word in bare.split())


_FOLD = str.maketrans({**{c: " " for c in "-_'’‐‑–./"}, "œ": "oe", "æ": "ae"})


class UnknownCommune(Exception):
    """Not a 2009 commune of the département; the French message lists the closest names."""


class CommuneIndex:
    """Official names by département and folded name (a département is folded on first use)."""

    def __init__(self, raw: dict[str, list[str]]) -> None:
        self._raw = raw
        self._folded: dict[str, dict[str, str]] = {}

    @property
    def by_dep(self) -> dict[str, dict[str, str]]:
        """Every département's folded names (folds them all)."""
        return {dep: self.names(dep) for dep in self._raw}

    def names(self, dep: str) -> dict[str, str]:
        """Folded name -> official name, for the communes of ``dep``."""
        folded = self._folded.get(dep)
        if folded is None:
            folded = {}
            for name in self._raw.get(dep, ()):
                folded.setdefault(fold_commune(name), name)
            self._folded[dep] = folded
        return folded

    def has_list(self, dep: str) -> bool:
        """Whether the 2009 communes of ``dep`` are known (not for Mayotte and the collectivities)."""
        return dep in self._raw

    def official(self, dep: str, text: str, departement_name: str) -> str:
        """The official spelling of the commune ``text`` of ``dep``; :class:`UnknownCommune` otherwise."""
        names = self.names(dep)
        arrondissement = _ARRONDISSEMENT.search(text)
        base = text[: arrondissement.start()] if arrondissement else text
        found = names.get(fold_commune(base))
        if found is not None:
            return found + (arrondissement.group(0) if arrondissement else "")
        key = fold_commune(base)
        close = [k for k in names if k.startswith(key + " ")][:3] if key else []
        close += [k for k in difflib.get_close_matches(key, list(names), n=3, cutoff=0.75) if k not in close]
        close = close[:3]
        hint = ("communes proches : " + ", ".join(f"« {names[key]} »" for key in close)
                if close else "vérifiez l'orthographe ou le département")
        raise UnknownCommune(f"commune « {quoted(text)} » inconnue dans le département {departement_name} ({dep}) "
                             f"en 2009 ; {hint} (écrivez le nom officiel de la commune)")


@lru_cache(maxsize=4)
def _load(reference_dir: Path) -> CommuneIndex:
    return CommuneIndex({dep: [name for name, _ in rows] for dep, rows in commune_rows(reference_dir).items()})


def load_communes(reference_dir: Path) -> CommuneIndex:
    """The 2009 communes, read once from ``reference_dir``."""
    return _load(Path(reference_dir).resolve())
