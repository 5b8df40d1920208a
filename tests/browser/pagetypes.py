"""The kinds of pages the kit publishes, and where to find one of each in a build.

Extend ``PAGE_TYPES`` when a new kind of page appears: every browser check
(accessibility, external requests) runs on each one that the build contains.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# Folders under calendrier/ that are not a département page.
_CALENDAR_NOT_DEPARTEMENT = {"couverture", "assets", "ics", "data"}


def _first_existing(*urls: str) -> Callable[[Path], str | None]:
    def find(site: Path) -> str | None:
        for url in urls:
            if (site / url / "index.html").is_file():
                return url
        return None
    return find


def _first_child(parent: str, *, skip: frozenset[str] | set[str] = frozenset(), english: bool = False) -> Callable[[Path], str | None]:
    """The first sub-page of ``parent`` (sorted), e.g. a template or a département."""
    def find(site: Path) -> str | None:
        folder = site / parent
        if not folder.is_dir():
            return None
        for child in sorted(folder.iterdir()):
            name = child.name
            if name in skip or not (child / "index.html").is_file():
                continue
            if name.endswith(".en") != english:
                continue
            return f"{parent}{name}/"
        return None
    return find


@dataclass(frozen=True)
class PageType:
    """A kind of page, in one language."""

    key: str
    lang: str
    find: Callable[[Path], str | None]

    @property
    def id(self) -> str:
        return f"{self.key}-{self.lang}"


def _both(key: str, fr_url: str) -> list[PageType]:
    stem = fr_url.rstrip("/")
    return [
        PageType(key, "fr", _first_existing(fr_url)),
        PageType(key, "en", _first_existing(f"{stem}.en/", f"en/{fr_url}")),
    ]


# Translated pages are checked in both languages; the others exist in French only.
PAGE_TYPES: list[PageType] = [
    PageType("accueil", "fr", _first_existing("")),
    PageType("accueil", "en", _first_existing("index.en/", "en/")),
    *_both("lettre", "lettre/"),
    *_both("note", "note/"),
    *_both("fiche", "fiche-1/"),
    *_both("fiche-2", "fiche-2/"),
    PageType("glossaire", "fr", _first_existing("glossaire/")),
    PageType("methode", "fr", _first_existing("methode/")),
    PageType("fil-directeur", "fr", _first_existing("fil-directeur/")),
    PageType("modele", "fr", _first_child("modeles/")),
    PageType("document-forum", "fr", _first_child("forum/")),
    *_both("preparer", "preparer/"),
    PageType("documents", "fr", _first_existing("documents/")),
    PageType("calendrier", "fr", _first_existing("calendrier/")),
    PageType("departement", "fr", _first_child("calendrier/", skip=_CALENDAR_NOT_DEPARTEMENT)),
    PageType("couverture", "fr", _first_existing("calendrier/couverture/")),
    PageType("suivi", "fr", _first_existing("suivi/")),
    *_both("films", "films/"),
    *_both("nouveautes", "nouveautes/"),
    *_both("accessibilite", "accessibilite/"),
    *_both("publipostage", "publipostage/"),
    *_both("envoi-calendrier", "envoi-calendrier/"),
    # Not 404.html: MkDocs writes it with absolute URLs from site_url, so it only works
    # when the build's SITE_URL carries the intranet sub-path (a publication setting).
]

# The documents a reader must reach from the home page in at most two clicks.
DOCUMENTS = [
    "lettre/", "note/", "fiche-1/", "fiche-2/", "glossaire/", "methode/", "fil-directeur/",
    "documents/", "calendrier/", "films/", "nouveautes/", "accessibilite/",
]


def find(site: Path, key: str, lang: str = "fr") -> str | None:
    """The URL (relative to the site root) of a page of kind ``key``, if built."""
    for page_type in PAGE_TYPES:
        if page_type.key == key and page_type.lang == lang:
            return page_type.find(site)
    raise KeyError(key)


def documents(site: Path) -> list[str]:
    """Every document of ``DOCUMENTS`` and every template page that the build contains."""
    found = [url for url in DOCUMENTS if (site / url / "index.html").is_file()]
    modeles = site / "modeles"
    if modeles.is_dir():
        found += [f"modeles/{d.name}/" for d in sorted(modeles.iterdir())
                  if (d / "index.html").is_file() and not d.name.endswith(".en")]
    return found
