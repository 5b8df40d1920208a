"""A page of docs/ read into markdown-it-py tokens, which carry the line of each block."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from kit.editorial import yamlfr
from kit.editorial.slips import Slip

# Python-Markdown's attribute lists at the end of a heading or a term: « Titre { #id .classe } ».
ATTR_LIST = re.compile(r"\s*\{:?\s*([^}]*)\}\s*$")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


@cache
def parser() -> MarkdownIt:
    """CommonMark with the extensions the site uses (tables, footnotes, boxes, definition lists)."""
    return (MarkdownIt("commonmark", {"html": True}).enable("table")
            .use(front_matter_plugin).use(footnote_plugin).use(admon_plugin).use(deflist_plugin))


@dataclass
class Page:
    """A Markdown file: its text, tokens and front matter, and the slips found while reading it."""

    path: str  # relative to the repository: docs/lettre.md
    uri: str  # relative to docs/: lettre.md
    lines: list[str]
    tokens: list[Token]
    env: dict[str, object]
    meta: dict[str, object]
    code_lines: set[int] = field(default_factory=set)  # 0-based lines inside code blocks
    slips: list[Slip] = field(default_factory=list)

    @property
    def english(self) -> bool:
        return self.uri.endswith(".en.md")

    def find_line(self, needle: str, start: int = 0, end: int | None = None) -> int:
        """The 1-based line between ``start`` and ``end`` (0-based) holding ``needle``, else ``start + 1``."""
        for index in range(start, len(self.lines) if end is None else end):
            if needle in self.lines[index] and index not in self.code_lines:
                return index + 1
        return start + 1


def read_page(path: Path, root: Path) -> Page:
    """Read and tokenise one page of docs/."""
    relative = path.relative_to(root).as_posix()
    slip: Slip | None = None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        text = path.read_text(encoding="utf-8", errors="replace")
        slip = Slip(relative, 1, "fichier qui n'est pas enregistré en UTF-8 : les accents seraient abîmés",
                    "réenregistrez-le en UTF-8 (dans l'éditeur : « Enregistrer sous », encodage UTF-8)")
    env: dict[str, object] = {}
    tokens = parser().parse(text, env)
    page = Page(path=relative, uri=path.relative_to(root / "docs").as_posix(),
                lines=text.split("\n"), tokens=tokens, env=env, meta={})
    if slip:
        page.slips.append(slip)
    for token in tokens:
        if token.type in ("fence", "code_block") and token.map:
            page.code_lines.update(range(*token.map))
    # Lines inside fences that are themselves inside boxes are not always tokens of their own.
    inside = False
    for number, line in enumerate(page.lines):
        if _FENCE.match(line):
            page.code_lines.add(number)
            inside = not inside
        elif inside:
            page.code_lines.add(number)
    if tokens and tokens[0].type == "front_matter":
        loaded = yamlfr.load(tokens[0].content, path=relative, first_line=2,
                             what="en-tête de la page (entre les lignes ---)")
        if loaded.slip:
            page.slips.append(loaded.slip)
        elif loaded.value is not None and not isinstance(loaded.value, dict):
            page.slips.append(Slip(relative, 2, "en-tête de la page mal formé (pas de « clé: valeur »)",
                                   "écrivez une ligne « clé: valeur » par réglage entre les deux lignes ---"))
        else:
            page.meta = loaded.value or {}
    elif text.startswith("---\n"):
        page.slips.append(Slip(relative, 1, "l'en-tête de la page commence par --- mais n'est jamais refermé",
                               "ajoutez une ligne --- à la fin de l'en-tête, avant le texte de la page"))
    return page


def inline_text(token: Token) -> str:
    """The visible text of an inline token (text and code, no markup)."""
    return "".join(child.content for child in token.children or []
                   if child.type in ("text", "code_inline"))


def walk(tokens: list[Token]) -> list[tuple[Token, Token | None]]:
    """Each token with the nearest enclosing block token that has a line map."""
    out: list[tuple[Token, Token | None]] = []
    stack: list[Token] = []
    for token in tokens:
        if token.nesting == -1 and stack:
            stack.pop()
        out.append((token, next((t for t in reversed(stack) if t.map), None)))
        if token.nesting == 1:
            stack.append(token)
    return out
