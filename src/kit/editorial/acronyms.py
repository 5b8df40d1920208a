"""Acronyms: tooltips in both languages, the glossary, and capitals words no one has explained.

An acronym lives in three places, which must agree: ``includes/abbreviations.md``
(French tooltip), ``includes/abbreviations.en.md`` (English tooltip) and an entry
of ``docs/glossaire.md`` (« SIGLE { #sigle } » then « :   **Développement.** … »).
Acronyms that need no tooltip (file formats, standards) are listed one a line in
``includes/sigles-courants.txt``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it.token import Token

from kit.editorial.markdown import ATTR_LIST, Page, walk
from kit.editorial.slips import Slip

FRENCH = "includes/abbreviations.md"
ENGLISH = "includes/abbreviations.en.md"
COMMON = "includes/sigles-courants.txt"
GLOSSARY = "glossaire.md"
_DEFINITION = re.compile(r"^\*\[([^\]]+)\]:\s*(.*)$")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_ROMAN = re.compile(r"^[IVXLC]+$")


@dataclass(frozen=True)
class Definitions:
    """``*[SIGLE]: développement`` lines of one file: acronym -> (expansion, line)."""

    path: str
    entries: dict[str, tuple[str, int]]


def read_definitions(root: Path, path: str) -> tuple[Definitions, list[Slip]]:
    """The acronyms of an abbreviations file, and its malformed lines."""
    entries: dict[str, tuple[str, int]] = {}
    slips = []
    file = root / path
    lines = file.read_text(encoding="utf-8").split("\n") if file.is_file() else []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        match = _DEFINITION.match(line.strip())
        if not match or not match.group(2).strip():
            slips.append(Slip(path, number, "ligne de sigle mal écrite",
                              "écrivez-la exactement ainsi : *[SIGLE]: Développement du sigle"))
            continue
        name = match.group(1).strip()
        if name in entries:
            slips.append(Slip(path, number, f"sigle « {name} » déjà défini ligne {entries[name][1]}",
                              "gardez une seule ligne par sigle"))
        entries[name] = (match.group(2).strip(), number)
    return Definitions(path, entries), slips


def read_common(root: Path) -> set[str]:
    file = root / COMMON
    if not file.is_file():
        return set()
    return {line.strip() for line in file.read_text(encoding="utf-8").split("\n")
            if line.strip() and not line.lstrip().startswith("#")}


def check_definitions(french: Definitions, english: Definitions) -> list[Slip]:
    """Every French tooltip has its English one, and the other way round."""
    slips = []
    for name, (_, line) in french.entries.items():
        if name not in english.entries:
            slips.append(Slip(french.path, line, f"sigle « {name} » sans développement anglais",
                              f"ajoutez la ligne « *[{name}]: English expansion » dans {english.path}"))
    for name, (_, line) in english.entries.items():
        if name not in french.entries:
            slips.append(Slip(english.path, line, f"sigle « {name} » absent de la liste française",
                              f"ajoutez « *[{name}]: Développement » dans {french.path}, ou retirez cette ligne"))
    return slips


def check_glossary(glossary: Page | None, french: Definitions) -> list[Slip]:
    """One glossary entry, with its { #anchor }, in alphabetical order, per acronym."""
    if glossary is None:
        return []
    slips = []
    terms: list[tuple[str, int]] = []
    tokens = glossary.tokens
    for index, token in enumerate(tokens):
        if token.type != "dt_open" or not token.map:
            continue
        raw = tokens[index + 1].content.strip()
        attributes = ATTR_LIST.search(raw)
        name = ATTR_LIST.sub("", raw).strip()
        line = token.map[0] + 1
        terms.append((name, line))
        wanted = f"#{name.lower()}"
        if not attributes or wanted not in attributes.group(1).split():
            slips.append(Slip(glossary.path, line, f"entrée « {name} » du glossaire sans ancre",
                              f"écrivez la ligne ainsi : {name} {{ {wanted} }}"))
        if name not in french.entries:
            slips.append(Slip(glossary.path, line, f"« {name} » est au glossaire mais n'a pas d'info-bulle",
                              f"ajoutez « *[{name}]: Développement » dans {french.path} "
                              "(et son développement anglais dans includes/abbreviations.en.md)"))
        else:
            bold = _bold_expansion(tokens, index)
            expansion = french.entries[name][0]
            if bold is not None and not expansion.lower().startswith(bold.lower()):
                slips.append(Slip(glossary.path, line,
                                  f"le développement de « {name} » au glossaire (« {bold} ») diffère de "
                                  f"celui de l'info-bulle (« {expansion} »)",
                                  f"écrivez le même début dans les deux fichiers ({french.path}, "
                                  f"ligne {french.entries[name][1]})"))
    names = [name for name, _ in terms]
    for (name, line), previous in zip(terms[1:], names, strict=False):
        if name.lower() < previous.lower():
            slips.append(Slip(glossary.path, line, f"« {name} » n'est pas dans l'ordre alphabétique "
                                                   f"(il suit « {previous} »)",
                              "déplacez l'entrée entière (le sigle et sa définition) à sa place"))
    listed = set(names)
    for name, (_, line) in french.entries.items():
        if name not in listed:
            slips.append(Slip(french.path, line, f"sigle « {name} » absent du glossaire",
                              f"ajoutez son entrée dans docs/{GLOSSARY} : « {name} {{ #{name.lower()} }} », puis "
                              "à la ligne « :   **Développement.** Explication. »"))
    return slips


def _bold_expansion(tokens: list[Token], index: int) -> str | None:
    """The bold words that open the definition following the term at ``index``."""
    start = next((i for i in range(index, len(tokens)) if tokens[i].type == "dd_open"), None)
    if start is None:
        return None
    inline = next((t for t in tokens[start:] if t.type == "inline"), None)
    children = (inline.children or []) if inline else []
    if len(children) > 2 and children[0].type == "strong_open":
        return str(children[1].content).strip().rstrip(".").strip()
    return None


def check_unknown(page: Page, known: set[str]) -> list[Slip]:
    """Words in capitals of the page's text that are neither tooltips nor common acronyms."""
    slips = []
    reported: set[str] = set()
    for token, block in walk(page.tokens):
        if token.type != "inline" or not block or not block.map or block.type == "heading_open":
            continue
        quoting = False  # inside a quotation of an official text, written as the source writes it
        for child in token.children or []:
            if child.type == "html_inline":
                quoting = "kit-citation" in child.content or (quoting and not child.content.startswith("</span"))
            if child.type != "text" or quoting:
                continue
            words = _WORD.findall(child.content)
            for position, word in enumerate(words):
                if not _candidate(word) or word in known or word.rstrip("0123456789") in known:
                    continue
                neighbours = words[max(position - 1, 0):position] + words[position + 1:position + 2]
                if any(_capitals(other) for other in neighbours) or word in reported:
                    continue  # a phrase set in capitals, not an acronym
                reported.add(word)
                slips.append(Slip(page.path, page.find_line(word, *block.map), f"sigle « {word} » inconnu",
                                  "ajoutez-le aux sigles (recette « Ajouter un sigle » du README) ; s'il n'a "
                                  f"pas besoin d'info-bulle (format de fichier, norme), ajoutez-le à {COMMON}"))
    return slips


def _capitals(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and word.isupper()


def _candidate(word: str) -> bool:
    stem = word.rstrip("0123456789")
    return _capitals(word) and stem.isalpha() and len(stem) <= 8 and not _ROMAN.match(stem)
