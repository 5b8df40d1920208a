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


def _find_block(lines: list[str], block: list[str]) -> int | None:
    """Where ``block`` (its lines, trailing spaces ignored) starts in ``lines``, if it is there whole."""
    wanted = [line.rstrip() for line in block]
    for start in range(len(lines) - len(wanted) + 1):
        if [line.rstrip() for line in lines[start:start + len(wanted)]] == wanted:
            return start
    return None


def _section_end(lines: list[str], start: int) -> int:
    """The end of the Markdown section whose heading is at ``start``: the next heading of its level or above."""
    level = len(lines[start]) - len(lines[start].lstrip("#"))
    for index in range(start + 1, len(lines)):
        if re.match(rf"^#{{1,{level}}}\s", lines[index]):
            return index
    return len(lines)


_VERSION_HEADING = re.compile(r"^## Version [\d.]+")


def undo(step: Step, root: Path) -> bool:
    """Take out of ``root`` what ``step`` adds, when it is already there (an editor did the recipe).

    A created file is removed; an added block is removed with the blank line
    that came with it; a block that opens a changelog section (« ## Version … »)
    takes its whole section with it, whatever its number and whatever was added
    under it since. Returns whether anything was taken out.
    """
    assert step.file is not None and step.kind != "commands"
    path = root / step.file
    if not path.exists():
        return False
    if step.kind == "create":
        path.unlink()
        return True
    lines = path.read_text(encoding="utf-8").split("\n")
    block = step.body.split("\n")
    if _VERSION_HEADING.match(block[0]):
        items = [line for line in block[1:] if line.strip()]
        heading = _VERSION_HEADING.sub("", block[0])
        starts = [i for i, line in enumerate(lines) if _VERSION_HEADING.match(line)
                  and _VERSION_HEADING.sub("", line) == heading
                  and _find_block(lines[i:_section_end(lines, i)], items[:1]) is not None]
        if not starts:
            return False
        start, end = starts[0], _section_end(lines, starts[0])
    else:
        found = _find_block(lines, block)
        if found is None:
            return False
        start, end = found, found + len(block)
    del lines[start:end]
    # The blank lines the block came with (Markdown blocks are set apart by one blank line).
    if path.suffix == ".md":
        while 0 < start < len(lines) and not lines[start - 1].strip() and not lines[start].strip():
            del lines[start]
        while 1 < start <= len(lines) and not lines[start - 1].strip() and not lines[start - 2].strip():
            del lines[start - 1]
            start -= 1
    while path.suffix == ".md" and len(lines) > 1 and not lines[-1].strip() and not lines[-2].strip():
        lines.pop()
    path.write_text("\n".join(lines), encoding="utf-8")
    return True


def undo_recipes(recipes: dict[str, list[Step]], root: Path) -> list[str]:
    """Bring ``root`` back to a state where every recipe can be done: what they add, taken out.

    Later recipes are undone first (a page's changelog line before the page).
    Returns the files changed.
    """
    changed: list[str] = []
    for steps in reversed(list(recipes.values())):
        for step in reversed(steps):
            if step.kind != "commands" and undo(step, root) and step.file not in changed:
                changed.append(step.file or "")
    return changed
