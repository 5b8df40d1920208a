"""mkdocs.yml as an editor edits it: readable YAML, a menu entry for each page, English menu labels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from kit.editorial import yamlfr
from kit.editorial.links import GENERATED
from kit.editorial.slips import Slip

CONFIG = "mkdocs.yml"


@dataclass(frozen=True)
class Entry:
    """One line of the menu: a page (``uri``) or a section (``uri`` is None)."""

    label: str | None
    uri: str | None
    line: int
    siblings: tuple[int, int]  # (index in its list, id of the list) to find the entry above


def read_config(root: Path) -> tuple[yamlfr.Loaded, list[Slip]]:
    """mkdocs.yml, or the slip explaining why it cannot be read."""
    text = (root / CONFIG).read_text(encoding="utf-8")
    loaded = yamlfr.load(text, path=CONFIG, what="mkdocs.yml")
    return loaded, [loaded.slip] if loaded.slip else []


def _entries(node: yaml.Node | None, out: list[Entry]) -> None:
    if not isinstance(node, yaml.SequenceNode):
        return
    for position, item in enumerate(node.value):
        line = item.start_mark.line + 1
        if isinstance(item, yaml.ScalarNode):
            out.append(Entry(None, str(item.value), line, (position, id(node))))
        for label, value, key_line in yamlfr.mapping_items(item):
            if isinstance(value, yaml.ScalarNode):
                out.append(Entry(label, str(value.value), key_line, (position, id(node))))
            else:
                out.append(Entry(label, None, key_line, (position, id(node))))
                _entries(value, out)


def _translate_nav(config: yaml.Node | None) -> tuple[dict[str, str], int]:
    """translate_nav's English labels, and the line to add new ones under."""
    plugins = yamlfr.child(config, "plugins")
    for item in plugins.value if isinstance(plugins, yaml.SequenceNode) else []:
        i18n = yamlfr.child(item, "i18n")
        if i18n is None:
            continue
        english = yamlfr.child(yamlfr.child(i18n, "translate_nav"), "en")
        labels = {name: str(getattr(value, "value", "")) for name, value, _ in yamlfr.mapping_items(english)}
        return labels, (english.start_mark.line if english is not None else i18n.start_mark.line + 1)
    return {}, 1


def check_nav(loaded: yamlfr.Loaded, pages: set[str]) -> list[Slip]:
    """Menu entries without a page, pages without an entry, English labels missing."""
    if loaded.node is None:
        return []
    entries: list[Entry] = []
    _entries(yamlfr.child(loaded.node, "nav"), entries)
    if not entries:
        return []
    slips = []
    listed = {entry.uri for entry in entries if entry.uri}
    for entry in entries:
        uri = entry.uri
        if uri is None or "://" in uri or uri.split("/")[0] in GENERATED:
            continue
        if uri not in pages:
            slips.append(Slip(CONFIG, entry.line, f"le menu mène à une page qui n'existe pas : « {uri} »",
                              f"corrigez le nom du fichier, ou créez docs/{uri}"))
    for uri in sorted(pages - listed):
        english = uri.endswith(".en.md")
        slips.append(Slip(f"docs/{uri}", 1, "page absente du menu du site",
                          "ajoutez-la sous nav: dans mkdocs.yml"
                          + (", juste après sa page française et sous le même libellé" if english else
                             ", par exemple « - Titre de la page: " + uri + " »")))
    by_position = {entry.siblings: entry for entry in entries}
    labels, under = _translate_nav(loaded.node)
    translated = {entry.uri[: -len(".en.md")] + ".md" for entry in entries
                  if entry.uri and entry.uri.endswith(".en.md")}
    for entry in entries:
        if entry.uri and entry.uri.endswith(".en.md"):
            original = entry.uri[: -len(".en.md")] + ".md"
            above = by_position.get((entry.siblings[0] - 1, entry.siblings[1]))
            if above is None or above.uri != original or above.label != entry.label:
                slips.append(Slip(CONFIG, entry.line,
                                  f"la page anglaise « {entry.uri} » n'est pas juste sous sa page française "
                                  f"« {original} » avec le même libellé",
                                  "placez la ligne de la page anglaise juste sous celle de la page française, "
                                  "avec le même libellé (le libellé anglais se donne dans translate_nav)"))
        needs_english = entry.uri is None or entry.uri in translated or (
            entry.uri is not None and entry.uri.endswith(".en.md"))
        if entry.label and needs_english and not labels.get(entry.label, "").strip():
            slips.append(Slip(CONFIG, entry.line,
                              f"libellé du menu « {entry.label} » sans traduction anglaise : les pages anglaises "
                              "l'afficheraient en français",
                              f"ajoutez la ligne « {entry.label}: English label » sous translate_nav: en: "
                              f"(ligne {under} de mkdocs.yml)"))
    # The same English page label is reported once, at its French line.
    seen: set[tuple[str, str]] = set()
    unique = []
    for slip in slips:
        key = (slip.problem, slip.fix)
        if key not in seen:
            seen.add(key)
            unique.append(slip)
    return unique
