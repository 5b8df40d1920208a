"""A page's header (front matter): where its text comes from (``provenance:``) and keys the site would ignore.

The rule of provenance is the one the site shows on every page and the tests
enforce: ``officiel`` for the ministry's four texts of 26 February 2009 (the
letter, the note and the two theme sheets), ``traduction`` for their English
versions, ``edition`` for everything written for this edition of the kit.
"""

from __future__ import annotations

import re

from kit.editorial.markdown import Page
from kit.editorial.slips import Slip

# The official texts of the circular (« P. JOINTES : Note et 2 fiches »), by source file.
OFFICIAL = ("lettre.md", "note.md", "fiche-1.md", "fiche-2.md")
KINDS = ("officiel", "traduction", "edition")
ALLOWED = ("« officiel » pour la lettre, la note et les deux fiches ; « traduction » pour leurs versions "
           "anglaises ; « edition » pour toutes les autres pages")
# Keys the site reads (MkDocs, Material, the kit's templates); any other is ignored by the site.
KNOWN_KEYS = frozenset({"title", "description", "provenance", "lettre", "author", "search", "template", "hide",
                        "status", "subtitle", "icon", "tags"})
# Keys written in French (or misspelt) that an editor may mean: the key the site reads.
MEANT = {"titre": "title", "title ": "title", "tittle": "title", "auteur": "author", "resume": "description",
         "résumé": "description", "descriptif": "description", "provenence": "provenance", "origine": "provenance",
         "source": "provenance"}
_KEY = re.compile(r"^(?P<key>[^\s#:][^:]*?)\s*:(?:\s|$)")


def expected_provenance(uri: str) -> str:
    """The provenance a page must declare, from its file (``lettre.en.md`` -> ``traduction``)."""
    if uri in OFFICIAL:
        return "officiel"
    if uri.endswith(".en.md") and uri.removesuffix(".en.md") + ".md" in OFFICIAL:
        return "traduction"
    return "edition"


def _header(page: Page) -> tuple[int, list[tuple[str, int]]] | None:
    """The header's closing line (0-based) and its top-level keys with their 1-based lines; None without one."""
    if not page.lines or page.lines[0].rstrip() != "---":
        return None
    for number in range(1, len(page.lines)):
        if page.lines[number].rstrip() in ("---", "..."):
            keys = [(match["key"], index + 1) for index in range(1, number)
                    if (match := _KEY.match(page.lines[index]))]
            return number, keys
    return None


def check_front_matter(page: Page) -> list[Slip]:
    """The page's ``provenance:`` (present, known, the right one for the page) and its unknown keys."""
    if any(slip.problem.startswith("en-tête de la page") or "l'en-tête de la page" in slip.problem
           for slip in page.slips):
        return []  # an unreadable header is reported already: its keys are not known
    expected = expected_provenance(page.uri)
    header = _header(page)
    if header is None:
        return [Slip(page.path, 1, "la page n'a pas d'en-tête : elle ne dit pas d'où vient son texte",
                     f"ajoutez en tête de la page trois lignes : « --- », « provenance: {expected} », « --- » "
                     f"(valeurs possibles : {ALLOWED})")]
    end, keys = header
    slips: list[Slip] = []
    for key, at in keys:
        if key in KNOWN_KEYS:
            continue
        meant = MEANT.get(key.lower())
        if meant:
            slips.append(Slip(page.path, at, f"clé « {key} » inconnue dans l'en-tête : le site l'ignorerait",
                              f"écrivez « {meant}: » à la place de « {key}: »"))
        else:
            slips.append(Slip(page.path, at, f"clé « {key} » inconnue dans l'en-tête : le site l'ignorerait",
                              "vérifiez son orthographe ; clés reconnues : " + ", ".join(sorted(KNOWN_KEYS))))
    line = next((line for key, line in keys if key == "provenance"), None)
    value = page.meta.get("provenance")
    if line is None:
        return [*slips, Slip(page.path, end + 1, "ligne « provenance: » absente de l'en-tête de la page",
                             f"ajoutez la ligne « provenance: {expected} » avant la ligne --- "
                             f"(valeurs possibles : {ALLOWED})")]
    if value not in KINDS:
        return [*slips, Slip(page.path, line, f"provenance « {value} » inconnue",
                             f"écrivez « provenance: {expected} » (valeurs possibles : {ALLOWED})")]
    if value != expected:
        why = {"officiel": "seules la lettre, la note et les deux fiches sont des textes officiels",
               "traduction": "seules les versions anglaises de la lettre, de la note et des fiches sont des "
                             "traductions d'un texte officiel",
               "edition": "cette page reproduit un texte officiel ou sa traduction"}[str(value)]
        slips.append(Slip(page.path, line, f"provenance « {value} » inexacte pour cette page : {why}",
                          f"écrivez « provenance: {expected} »"))
    return slips
