"""One slip found by the editorial check, and how the list of slips is shown."""

from __future__ import annotations

from dataclasses import dataclass

from kit.french import plural


@dataclass(frozen=True, order=True)
class Slip:
    """A problem at a line of a file, with what to do about it (both in French)."""

    path: str  # relative to the repository, with forward slashes
    line: int  # 1-based
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} : {self.problem} — {self.fix}"


def summary(slips: list[Slip]) -> str:
    """The closing line of a report, kind and actionable."""
    if not slips:
        return "Vérification terminée : aucun problème. Vous pouvez construire et publier le kit."
    files = len({slip.path for slip in slips})
    return (f"{plural(len(slips), 'problème')} dans {plural(files, 'fichier')} : corrigez les lignes "
            "indiquées (dans l'ordre, de haut en bas) puis relancez « make verifier ».")
