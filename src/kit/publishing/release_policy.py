"""Which publications are allowed: version numbers, downgrades, republication (messages in French).

A version number is ASCII ``MAJOR.MINOR`` or ``MAJOR.MINOR.PATCH`` without
leading zeros. A version older than the one « latest » points to is never
published (the editor rolls back on purpose with ``--retour``, which rebuilds
nothing). A version already published is never rebuilt: its pages stay what
they were when it was first published; a correction gets a new number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = re.compile(r"(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))?")


@dataclass(frozen=True)
class Published:
    """What gh-pages holds: every version, and the one « latest » points to."""

    versions: tuple[str, ...]
    latest: str | None


@dataclass(frozen=True)
class Decision:
    """``publish`` True: go on. Otherwise ``message`` says why not; ``refused`` makes it an error."""

    publish: bool
    refused: bool = False
    message: str = ""


def number_problem(text: str) -> str | None:
    """Why ``text`` is not a version number (French), or None when it is one."""
    if _NUMBER.fullmatch(text):
        return None
    shown = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    return (f"« {shown} » n'est pas un numéro de version : écrivez deux ou trois nombres en chiffres "
            "ordinaires (0 à 9) séparés par des points, sans zéro en tête, par exemple 1.1, 1.2.1 ou 2.0.")


def key(version: str) -> tuple[int, ...]:
    """Sort key of a valid version number: ``1.10`` after ``1.9``, ``1.1`` before ``1.1.1``."""
    return tuple(int(part) for part in version.split("."))


def decide(version: str, *, explicit: bool, published: Published, first_commit: str | None = None) -> Decision:
    """May ``version`` be built and published now, given what gh-pages holds?

    ``explicit``: the editor typed the number (otherwise it is the changelog's
    newest, as in CI, where « already published » means « nothing new »).
    ``first_commit``: the commit that first published ``version``, if known.
    """
    origin = f" (depuis le commit {first_commit})" if first_commit else ""
    if version in published.versions and not explicit:
        return Decision(False, message=(
            f"Rien à publier : la version {version}, la plus récente de docs/nouveautes.md, est déjà "
            f"en ligne{origin}.\n"
            "  Les modifications enregistrées depuis seront publiées avec la prochaine version : "
            "ajoutez-la en haut de docs/nouveautes.md quand elle sera prête."))
    latest = published.latest
    if latest is not None and key(version) < key(latest):
        return Decision(False, refused=True, message=(
            f"la version {version} est plus ancienne que la version en ligne ({latest}) ; "
            "rien n'a été écrit.\n"
            f"  Une version plus récente que {latest} doit porter un numéro plus grand "
            "(ajoutez-la en haut de docs/nouveautes.md).\n"
            "  Pour remettre en ligne, volontairement, une version déjà publiée : "
            "publish.py --retour NUMÉRO"))
    if version in published.versions:
        return Decision(False, refused=True, message=(
            f"la version {version} est déjà publiée{origin} ; une version publiée ne change plus, "
            "rien n'a été écrit.\n"
            f"  Pour publier une correction, ajoutez une nouvelle version (par exemple {_next_patch(version)}) "
            "en haut de docs/nouveautes.md, enregistrez-la (git commit), puis publiez ce numéro.\n"
            f"  Pour remettre en ligne la version {version} telle qu'elle a été publiée : "
            f"publish.py --retour {version}"))
    return Decision(True)


def _next_patch(version: str) -> str:
    parts = version.split(".")
    if len(parts) == 2:
        parts.append("0")
    parts[-1] = str(int(parts[-1]) + 1)
    return ".".join(parts)
