"""The territory of 2009: départements, overseas collectivities and cantons.

Read once from ``data/reference`` (INSEE's Code officiel géographique 2009,
through the COGugaison package, and etalab/geohisto for the names): every
lookup the forum calendar makes goes through the cached :class:`Territory`.
"""

from __future__ import annotations

import csv
import gzip
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

# Local time of each territory (IANA names). Metropolitan France, Corsica
# included, is on Europe/Paris; French Polynesia spans three zones, Tahiti
# being the one of its administration.
TIMEZONES: dict[str, str] = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "975": "America/Miquelon",
    "976": "Indian/Mayotte",
    "977": "America/St_Barthelemy",
    "978": "America/Marigot",
    "986": "Pacific/Wallis",
    "987": "Pacific/Tahiti",
    "988": "Pacific/Noumea",
}
METROPOLE_TIMEZONE = "Europe/Paris"

# The French Southern and Antarctic Lands have no permanent population, so
# no forum: their code is not accepted in the calendar.
EXCLUDED_CODES = frozenset({"984"})
COMMUNES_FILE = "communes_2009_cv_arr.csv.gz"
# INSEE's « type de nom en clair » of each département: which article its name takes.
TNCC_FILE = "departements_2009_tncc.csv"
# TNCC -> (article, « de » with the article): « le Calvados », « du Calvados ».
_ARTICLES: dict[str, tuple[str, str]] = {
    "0": ("", "de "),        # consonant, no article: « de Paris », « de Seine-et-Marne »
    "1": ("", "d'"),      # vowel, no article: « d'Eure-et-Loir »
    "2": ("le ", "du "),
    "3": ("la ", "de la "),
    "4": ("les ", "des "),
    "5": ("l'", "de l'"),
}


@dataclass(frozen=True)
class Departement:
    """A département or overseas collectivity of 2009."""

    code: str
    nom: str
    zone: str  # "metro", "dom" or "com"
    region: str  # 2009 region name; the collectivity's own name where it has none
    timezone: str  # IANA time zone name
    # INSEE's « type de nom en clair » (TNCC, 0 to 5): the article the name takes.
    tncc: str = "0"

    @property
    def with_article(self) -> str:
        """« la Loire-Atlantique », « le Calvados », « l'Ain », « les Yvelines », « Paris »."""
        if self.nom.startswith(("La ", "Le ", "Les ", "L'")):
            return self.nom  # « La Réunion »: the article is part of the name
        return _ARTICLES.get(self.tncc, _ARTICLES["0"])[0] + self.nom

    @property
    def of(self) -> str:
        """« de la Loire-Atlantique », « du Calvados », « de l'Ain », « des Yvelines », « de Paris »."""
        if self.nom.startswith(("La ", "Le ", "Les ", "L'")):
            return "de " + self.nom  # « de La Réunion », as the prefecture writes it
        return _ARTICLES.get(self.tncc, _ARTICLES["0"])[1] + self.nom


@dataclass(frozen=True)
class Canton:
    """One of INSEE's 2009 "cantons-ou-villes" (canton, town or remainder)."""

    code: str
    dep: str
    libelle: str
    type: str


def normalise(text: str) -> str:
    """Fold ``text`` for lookups: no accents, lower case, one space between words.

    Hyphens, apostrophes (straight or curly) and underscores count as spaces,
    so « Saint-Herblain », « saint herblain » and « SAINT_HERBLAIN » match.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.casefold().translate(_SEPARATORS)
    return " ".join(bare.split())


_SEPARATORS = str.maketrans({"-": " ", "_": " ", "'": " ", "\u2019": " ", "\u2010": " ",
                             "\u2011": " ", "\u2013": " ", "\u00a0": " ", "\u202f": " ",
                             ".": " "})


@dataclass
class Territory:
    """Départements (by INSEE code, official order) and their cantons."""

    departements: dict[str, Departement]
    cantons: dict[str, list[Canton]]
    # Where the communes file is read from, on first use of `commune_canton`.
    reference_dir: Path
    # Lookup tables built once: (dep, folded code or name) -> canton.
    _canton_index: dict[tuple[str, str], Canton] = field(default_factory=dict, repr=False)
    # dep -> folded commune name -> canton-ou-ville code ("" for homonyms), each département on first use.
    _commune_index: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self._canton_index:
            for dep, cantons in self.cantons.items():
                for canton in cantons:
                    self._canton_index[(dep, normalise(canton.code))] = canton
                    self._canton_index.setdefault((dep, normalise(canton.libelle)), canton)
            # « Saint-Herblain-Ouest-Indre hors Saint-Herblain (Partiel) » also answers to
            # the legal canton's own name, unless another unit already has it.
            for dep, cantons in self.cantons.items():
                for canton in cantons:
                    if " hors " in canton.libelle:
                        short = canton.libelle.split(" hors ", 1)[0]
                        self._canton_index.setdefault((dep, normalise(short)), canton)

    def find_canton(self, dep: str, text: str) -> Canton | None:
        """The canton of ``dep`` named or numbered ``text``, or ``None``.

        ``text`` may be the full INSEE code (« 4412 »), the code without the
        département (« 12 »), or the name in any case, with or without accents.
        """
        key = normalise(text)
        if not key:
            return None
        found = self._canton_index.get((dep, key))
        if found is None and key.isalnum() and len(key) <= 3:
            found = self._canton_index.get((dep, normalise(dep + key)))
        return found

    def commune_canton(self, dep: str, commune: str) -> Canton | None:
        """The canton-ou-ville the 2009 commune ``commune`` of ``dep`` belongs to.

        Case, accents and hyphens do not matter; « Paris 20e » or
        « Marseille 1er » count as the town. ``None`` for an unknown commune,
        a name two communes of the département share, or a territory
        without cantons.
        """
        index = self._commune_index.get(dep)
        if index is None:
            index = self._commune_index[dep] = {}
            for name, cv in commune_rows(Path(self.reference_dir)).get(dep, ()):
                key = normalise(name)
                index[key] = "" if key in index and index[key] != cv else cv
        code = index.get(normalise(_ARRONDISSEMENT.sub("", commune)))
        if not code:
            return None
        return self.find_canton(dep, code)

    def departement(self, code: str) -> Departement | None:
        """The département whose INSEE code is ``code`` (« 1 » is read « 01 »)."""
        return self.departements.get(normalise_departement_code(code))


def normalise_departement_code(code: str) -> str:
    """« 1 » → « 01 », « 2a » → « 2A »: what spreadsheets do to codes, undone."""
    code = code.strip().upper()
    if code.isdigit() and len(code) == 1:
        return "0" + code
    return code


_ARRONDISSEMENT = re.compile(r"\s+\d{1,2}\s*(?:e|er|ème)(?:\s+arrondissement)?$", re.I)


@lru_cache(maxsize=4)
def commune_rows(reference_dir: Path) -> dict[str, list[tuple[str, str]]]:
    """The 2009 communes of each département, read once: (INSEE name, canton-ou-ville code), in file order."""
    rows: dict[str, list[tuple[str, str]]] = {}
    with gzip.open(reference_dir / COMMUNES_FILE, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        dep, name, cv = (header.index(column) for column in ("dep", "libgeo", "cv"))
        for row in reader:
            rows.setdefault(row[dep], []).append((row[name], row[cv]))
    return rows


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=4)
def _load(reference_dir: Path) -> Territory:
    departements: dict[str, Departement] = {}
    tncc = {row["code"]: row["tncc"] for row in _read_csv(reference_dir / TNCC_FILE)}
    for row in _read_csv(reference_dir / "departements_2009.csv"):
        code = row["code"]
        if code in EXCLUDED_CODES:
            continue
        departements[code] = Departement(
            code=code,
            nom=row["nom"],
            zone=row["zone"],
            region=row["region_nom_2009"] or row["nom"],
            timezone=TIMEZONES.get(code, METROPOLE_TIMEZONE),
            tncc=tncc[code],
        )
    cantons: dict[str, list[Canton]] = {code: [] for code in departements}
    for row in _read_csv(reference_dir / "cantons_villes_2009.csv"):
        canton = Canton(code=row["cv_code"], dep=row["dep"], libelle=row["libelle"], type=row["type"])
        cantons.setdefault(canton.dep, []).append(canton)
    return Territory(departements=departements, cantons=cantons, reference_dir=reference_dir)


def load_territory(reference_dir: Path) -> Territory:
    """The territory of 2009, read from ``reference_dir`` once and cached."""
    return _load(Path(reference_dir).resolve())
