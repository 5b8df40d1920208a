"""The changelog (docs/nouveautes.md and its translation) as the versions hook reads it."""

from __future__ import annotations

import re
from pathlib import Path

from kit.editorial.slips import Slip
from kit.publishing import changelog

FRENCH = "docs/nouveautes.md"
ENGLISH = "docs/nouveautes.en.md"
_PROBLEM = re.compile(r"^(?P<path>[^,:]+?)(?:, ligne (?P<line>\d+))? : (?P<text>.+)$", re.DOTALL)


def _slip(problem: str) -> Slip:
    match = _PROBLEM.match(problem)
    if not match:
        return Slip(FRENCH, 1, problem.rstrip("."), "corrigez le journal des nouveautés")
    text = match["text"].rstrip(".")
    what, _, fix = text.partition(" ; ")
    if not fix:
        fix = ("placez la version la plus récente en haut de la page" if "doit venir avant" in what
               else "donnez un autre numéro à la nouvelle version" if "figure déjà" in what
               else "corrigez le journal des nouveautés")
    return Slip(match["path"], int(match["line"] or 1), what, fix)


def check_changelog(root: Path) -> list[Slip]:
    """Unreadable entries, and versions of the French changelog missing from its translation."""
    slips: list[Slip] = []
    versions: dict[str, dict[str, int]] = {}
    for name in (FRENCH, ENGLISH):
        path = root / name
        if not path.is_file():
            continue
        try:
            releases = changelog.load(path)
        except changelog.ChangelogError as error:
            slips += [_slip(problem) for problem in error.problems]
            continue
        versions[name] = {release.version: release.line for release in releases}
    if len(versions) == 2:
        for version, line in versions[FRENCH].items():
            if version not in versions[ENGLISH]:
                slips.append(Slip(FRENCH, line, f"la version {version} n'est pas dans {ENGLISH}",
                                  f"traduisez la même entrée dans {ENGLISH}, au même endroit"))
        for version, line in versions[ENGLISH].items():
            if version not in versions[FRENCH]:
                slips.append(Slip(ENGLISH, line, f"la version {version} n'est pas dans {FRENCH}",
                                  f"écrivez d'abord l'entrée en français dans {FRENCH} (le français fait foi), "
                                  "ou corrigez le numéro de la version anglaise"))
    return slips
