"""Slips in the blocks of a page: footnotes, boxes (admonitions), lists and tables.

The rules are Python-Markdown's, which renders the site; markdown-it-py, which
reads the page here, follows CommonMark and is more lenient, so each difference
that changes what readers see is reported.
"""

from __future__ import annotations

import re

from markdown.extensions.admonition import AdmonitionProcessor
from markdown_it.token import Token
from pymdownx.details import DetailsProcessor

from kit.editorial.markdown import Page, walk
from kit.editorial.slips import Slip

_FOOTNOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")
_FOOTNOTE_DEF = re.compile(r"^\s*\[\^([^\]\s]+)\]:")
_LIST_MARKER = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])(?:\s|$)")
TAB = 4  # Python-Markdown's indentation step


def check_blocks(page: Page) -> list[Slip]:
    """Every block slip of ``page``."""
    return [*_footnotes(page), *_boxes(page), *_lists(page), *_tables(page)]


# Footnotes ------------------------------------------------------------------------------

def _footnotes(page: Page) -> list[Slip]:
    slips = []
    for token, block in walk(page.tokens):
        if token.type != "inline" or not block or not block.map:
            continue
        for child in token.children or []:
            if child.type != "text":
                continue
            for match in _FOOTNOTE_CALL.finditer(child.content):
                label = match.group(1)
                line = page.find_line(match.group(0), *block.map)
                slips.append(Slip(page.path, line, f"appel de note [^{label}] sans note",
                                  f"ajoutez plus bas, sur une ligne à part, « [^{label}]: texte de la note » "
                                  f"(ou corrigez le numéro de l'appel)"))
    footnotes = page.env.get("footnotes")
    refs: dict[str, int] = footnotes.get("refs", {}) if isinstance(footnotes, dict) else {}
    called = set()
    for token in page.tokens:
        for child in token.children or []:
            if child.type == "footnote_ref":
                called.add(str(child.meta.get("label")))
    for number, text in enumerate(page.lines):
        definition = _FOOTNOTE_DEF.match(text)
        if definition and number not in page.code_lines and f":{definition.group(1)}" in refs \
                and definition.group(1) not in called:
            label = definition.group(1)
            slips.append(Slip(page.path, number + 1, f"note [^{label}] jamais appelée dans le texte",
                              f"ajoutez l'appel [^{label}] à l'endroit voulu du texte, ou supprimez la note"))
    return slips


# Boxes (« !!! info "Titre" ») -----------------------------------------------------------

def _boxes(page: Page) -> list[Slip]:
    slips = []
    tokens = page.tokens
    for index, token in enumerate(tokens):
        if token.type == "admonition_open" and token.map:
            number = token.map[0]
            line = page.lines[number].strip()
            if not (AdmonitionProcessor.RE.search(line) or DetailsProcessor.START.search(line)):
                slips.append(_unclosed(page, number + 1, line))
                continue
            closing = next(i for i in range(index + 1, len(tokens))
                           if tokens[i].type == "admonition_close" and tokens[i].level == token.level)
            title_end = next((i for i in range(index + 1, closing) if tokens[i].type == "admonition_title_close"),
                             index)
            if title_end + 1 >= closing:
                slips.append(Slip(page.path, number + 1, "encadré vide : le texte qui suit n'est pas en retrait",
                                  "laissez une ligne vide sous « !!! », puis commencez chaque ligne du texte "
                                  "de l'encadré par quatre espaces"))
        elif token.type == "inline" and token.content.lstrip().startswith(("!!!", "???")) and token.map:
            slips.append(_unclosed(page, token.map[0] + 1, token.content.split("\n")[0]))
    return slips


def _unclosed(page: Page, line: int, text: str) -> Slip:
    if text.count('"') % 2:
        problem = "titre d'encadré sans guillemet fermant : l'encadré s'affichera comme du texte"
    else:
        problem = "encadré mal écrit : il s'affichera comme du texte"
    return Slip(page.path, line, problem,
                'écrivez-le exactement ainsi : !!! info "Titre de l\'encadré" (trois points '
                "d'exclamation, une espace, le type, le titre entre guillemets droits)")


# Lists ----------------------------------------------------------------------------------

def _indent(line: str) -> int:
    return len(line.expandtabs(TAB)) - len(line.expandtabs(TAB).lstrip(" "))


def _lists(page: Page) -> list[Slip]:
    slips = []
    items: list[Token] = []  # enclosing list items
    for index, token in enumerate(page.tokens):
        if token.type == "list_item_close":
            items.pop()
        if token.type in ("bullet_list_open", "ordered_list_open") and token.map and not items:
            first = token.map[0]
            if index and page.tokens[index - 1].type == "paragraph_close" and page.lines[first - 1].strip():
                slips.append(Slip(page.path, first + 1,
                                  "liste collée au paragraphe du dessus : elle s'affichera comme du texte",
                                  "laissez une ligne vide avant la liste"))
        if items and token.map and token.nesting == 1 and token.level == items[-1].level + 1:
            parent = items[-1]
            if parent.map and token.map[0] > parent.map[0]:
                gap = _indent(page.lines[token.map[0]]) - _indent(page.lines[parent.map[0]])
                if gap < TAB:
                    slips.append(_misaligned(page, token, gap))
        if token.type == "list_item_open":
            items.append(token)
    return slips


def _misaligned(page: Page, token: Token, gap: int) -> Slip:
    spaces = f"{gap} espace{'s' if gap > 1 else ''}"
    if token.type in ("bullet_list_open", "ordered_list_open"):
        problem = f"sous-liste en retrait de {spaces} : elle s'affichera au même niveau que la liste du dessus"
    else:
        problem = f"suite d'un élément de liste en retrait de {spaces} : elle s'affichera hors de la liste"
    assert token.map is not None
    return Slip(page.path, token.map[0] + 1, problem,
                "mettez quatre espaces de plus que le tiret (ou le numéro) de l'élément du dessus")


# Tables ---------------------------------------------------------------------------------

def _cells(line: str) -> int:
    """Cells of a table row as Python-Markdown counts them (pipes outside code and escapes)."""
    row = line.strip()
    row = re.sub(r"`[^`]*`", "x", row).replace("\\|", "x")
    row = row.removeprefix("|")
    row = row.removesuffix("|")
    return row.count("|") + 1


def _tables(page: Page) -> list[Slip]:
    slips = []
    for token in page.tokens:
        if token.type != "table_open" or not token.map:
            continue
        start, end = token.map
        expected = _cells(page.lines[start])
        for number in range(start + 2, end):
            if not page.lines[number].strip():
                continue
            found = _cells(page.lines[number])
            if found < expected:
                slips.append(Slip(page.path, number + 1,
                                  f"ligne de tableau avec {found} case{'s' if found > 1 else ''} au lieu de "
                                  f"{expected}", "ajoutez les cases manquantes (une case vide s'écrit « | | »)"))
            elif found > expected:
                slips.append(Slip(page.path, number + 1,
                                  f"ligne de tableau avec {found} cases au lieu de {expected} : les dernières "
                                  "ne s'afficheront pas", "retirez la case en trop ou ajoutez une colonne à "
                                  "l'en-tête du tableau"))
    return slips
