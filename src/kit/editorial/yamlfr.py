"""YAML read for the editorial check: mkdocs.yml and the pages' front matter.

PyYAML's messages (« mapping values are not allowed here ») mean nothing to an
editor: each is replaced by what it usually means in a hand-edited file and what
to do, at the line PyYAML points at.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from kit.editorial.slips import Slip


class _Loader(yaml.SafeLoader):
    """Safe loader that accepts MkDocs' tags (``!ENV``, ``!relative``, ``!!python/name:``)."""


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same, on libyaml when PyYAML has it; errors are re-read by the pure-Python loader,
    whose messages the table below knows."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]


for _loader in (_Loader, _FastLoader):
    _loader.add_multi_constructor("!", _any_tag)
    _loader.add_multi_constructor("tag:yaml.org,2002:python/", _any_tag)

# An unexpected colon: what to quote depends on where it is (see _colon_fix).
_COLON_FIX = "mettez entre guillemets droits le texte qui contient « : »"
# In the menu (nav:), the label is the key: « - "Fiche n° 2 : la sécurité": fiche-2.md ».
_NAV_LABEL_FIX = ('mettez le libellé du menu (le texte avant « : » et le nom du fichier) entre guillemets '
                  'droits, par exemple  - "Fiche n° 2 : la sécurité": fiche-2.md')
# In translate_nav:, the French label is the key and the English one the value.
_LABEL_PAIR_FIX = ('mettez entre guillemets droits le libellé qui contient « : », par exemple  '
                   '"Fiche n° 2 : la sécurité": "Theme sheet no. 2: security"')
_HEADER_FIX = 'mettez tout le texte après la clé entre guillemets droits, par exemple  title: "Objet : réunion"'
_VALUE_FIX = 'mettez tout le texte après la clé entre guillemets droits, par exemple  site_name: "Kit : forums"'


def _colon_fix(line: str, what: str) -> str:
    """What to quote for an unexpected colon on ``line`` (of a page's header or of mkdocs.yml)."""
    if what != "mkdocs.yml":
        return _HEADER_FIX
    stripped = line.strip()
    if stripped.startswith("- "):
        return _NAV_LABEL_FIX
    if line[:1].isspace() and not stripped.startswith(("'", '"')) and stripped.count(":") >= 2:
        return _LABEL_PAIR_FIX
    return _VALUE_FIX


# PyYAML's problem -> (what it means, what to do). Matched on the start of the message.
_MEANINGS: list[tuple[str, str, str]] = [
    ("mapping values are not allowed",
     "deux-points « : » inattendu (un texte qui contient « : » doit être entre guillemets)",
     _COLON_FIX),
    ("could not find expected ':'",
     "il manque le deux-points « : » après le nom d'une clé, ou un guillemet n'est pas fermé",
     "écrivez « clé: valeur » et vérifiez que chaque guillemet ouvert est refermé"),
    ("found character '\\t' that cannot start any token",
     "tabulation dans le retrait",
     "remplacez la tabulation par des espaces (le retrait ne se fait qu'avec des espaces)"),
    ("found a tab character",
     "tabulation dans le retrait",
     "remplacez la tabulation par des espaces (le retrait ne se fait qu'avec des espaces)"),
    ("did not find expected key",
     "ligne mal alignée avec celles du dessus",
     "alignez-la sur ses voisines avec le même nombre d'espaces (ou fermez le guillemet resté ouvert)"),
    ("did not find expected '-' indicator",
     "élément de liste mal aligné",
     "alignez le tiret « - » sur ceux des lignes voisines"),
    ("expected <block end>, but found",
     "ligne mal alignée avec celles du dessus",
     "alignez-la sur ses voisines avec le même nombre d'espaces"),
    ("found unexpected end of stream",
     "guillemet ouvert jamais refermé",
     "refermez le guillemet de cette ligne"),
    ("found unexpected ':'",
     "deux-points « : » mal placé",
     "mettez le texte entre guillemets droits"),
    ("found undefined alias",
     "un texte commence par « * », ce qui a un sens particulier ici",
     "mettez tout le texte entre guillemets droits"),
    ("found character '@' that cannot start any token",
     "un texte commence par « @ », ce qui a un sens particulier ici",
     "mettez tout le texte entre guillemets droits"),
    ("found character '`' that cannot start any token",
     "un texte commence par « ` », ce qui a un sens particulier ici",
     "mettez tout le texte entre guillemets droits"),
    ("found duplicate anchor", "« & » au début d'un texte", "mettez tout le texte entre guillemets droits"),
    ("found unknown escape character",
     "barre oblique inverse « \\ » dans un texte entre guillemets doubles",
     "doublez-la (\\\\) ou utilisez des guillemets simples"),
]


@dataclass(frozen=True)
class Loaded:
    """A YAML document: its value and its node tree (for line numbers), or the slip that stopped it."""

    value: Any
    node: yaml.Node | None
    slip: Slip | None


def load(text: str, *, path: str, first_line: int = 1, what: str) -> Loaded:
    """Read ``text`` (which starts at ``first_line`` of ``path``); ``what`` names it in messages."""
    for loader_class in (_FastLoader, _Loader):
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            value = loader.construct_document(node) if node is not None else None
        except yaml.YAMLError as error:
            if loader_class is _Loader:
                return Loaded(None, None, _slip(error, text, path=path, first_line=first_line, what=what))
            continue
        finally:
            loader.dispose()
        return Loaded(value, node, None)
    raise AssertionError("unreachable: the pure-Python loader either reads the text or raises")


def _slip(error: yaml.YAMLError, text: str, *, path: str, first_line: int, what: str) -> Slip:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = first_line + (mark.line if mark else 0)
    problem = getattr(error, "problem", None) or str(error)
    lines = text.split("\n")
    at = lines[mark.line] if mark and mark.line < len(lines) else ""
    for start, meaning, fix in _MEANINGS:
        if problem.startswith(start):
            return Slip(path, line, f"{what} illisible : {meaning}", _colon_fix(at, what) if fix == _COLON_FIX else fix)
    return Slip(path, line, f"{what} illisible (« {problem} »)",
                "vérifiez cette ligne et celle du dessus : guillemets refermés, « clé: valeur », "
                "retrait avec des espaces alignés sur les lignes voisines")


def mapping_items(node: yaml.Node | None) -> list[tuple[str, yaml.Node, int]]:
    """The keys of a mapping node with their value node and 1-based line (before any offset)."""
    if not isinstance(node, yaml.MappingNode):
        return []
    return [(str(key.value), value, key.start_mark.line + 1) for key, value in node.value
            if isinstance(key, yaml.ScalarNode)]


def child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value node under ``key`` of a mapping node."""
    return next((value for name, value, _ in mapping_items(node) if name == key), None)
