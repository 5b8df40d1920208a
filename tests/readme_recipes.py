"""The editors' recipes of README.md, read from their marked blocks and applied to a copy of the kit.

A block of the README that an editor types is preceded by a comment::

    <!-- recette NOM : ACTION -->

where ACTION is ``créer FICHIER``, ``ajouter à la fin de FICHIER``,
``ajouter dans FICHIER après « LIGNE »`` (the first line that reads LIGNE once
stripped), ``ajouter dans FICHIER avant « DÉBUT »`` (the first line starting with
DÉBUT) or ``commandes`` (the commands the editor runs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_MARK = re.compile(r"<!-- recette (?P<name>[\w-]+) : (?P<action>.+?) -->\n+```[^\n]*\n(?P<body>.*?)\n```",
                   re.DOTALL)
_WHERE = re.compile(r"^ajouter dans (?P<file>\S+) (?P<side>après|avant) « (?P<line>.+) »$")


@dataclass(frozen=True)
class Step:
    """One marked block of a recipe."""

    recipe: str
    kind: str  # create | append | after | before | commands
    file: str | None
    anchor: str | None
    body: str


def read_recipes(readme: Path) -> dict[str, list[Step]]:
    """The recipes of ``readme``, in the order they appear, each with its steps in order."""
    recipes: dict[str, list[Step]] = {}
    for match in _MARK.finditer(readme.read_text(encoding="utf-8")):
        name, action, body = match["name"], match["action"].strip(), match["body"]
        if action == "commandes":
            step = Step(name, "commands", None, None, body)
        elif action.startswith("créer "):
            step = Step(name, "create", action.removeprefix("créer ").strip(), None, body)
        elif action.startswith("ajouter à la fin de "):
            step = Step(name, "append", action.removeprefix("ajouter à la fin de ").strip(), None, body)
        elif where := _WHERE.match(action):
            kind = "after" if where["side"] == "après" else "before"
            step = Step(name, kind, where["file"], where["line"], body)
        else:
            raise AssertionError(f"README.md : action de recette inconnue « {action} »")
        recipes.setdefault(name, []).append(step)
    return recipes


def apply(step: Step, root: Path) -> None:
    """Do what ``step`` tells the editor to do to the files under ``root`` (not the commands)."""
    assert step.file is not None
    path = root / step.file
    markdown = path.suffix == ".md"
    if step.kind == "create":
        assert not path.exists(), f"{step.file} existe déjà : la recette « {step.recipe} » l'écraserait"
        path.write_text(step.body + "\n", encoding="utf-8")
        return
    lines = path.read_text(encoding="utf-8").split("\n")
    block = step.body.split("\n")
    if step.kind == "append":
        while lines and not lines[-1].strip():
            lines.pop()
        lines += ([""] if markdown else []) + block + [""]
    else:
        if step.kind == "after":
            found = [i for i, line in enumerate(lines) if line.strip() == step.anchor]
            at = found[0] + 1 if found else None
        else:
            found = [i for i, line in enumerate(lines) if line.startswith(step.anchor or "")]
            at = found[0] if found else None
        assert at is not None, f"{step.file} : la ligne « {step.anchor} » que cite le README est introuvable"
        lines[at:at] = ([""] + block + [""]) if markdown else block
    path.write_text("\n".join(lines), encoding="utf-8")
