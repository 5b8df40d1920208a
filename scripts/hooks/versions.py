"""MkDocs hook: what mike does not say about versions.

- Each page shows when its source file last changed (git), as a French or
  English date; outside git no date is shown.
- On the version that changed it (per docs/nouveautes.md), a page carries a
  « Modifié dans la version X » / « Nouveau dans la version X » mark linking to
  the changelog entry. The first version marks nothing: everything is new there.
- The changelog's version headings get stable anchors (``#version-1-1``).

The version being built is the one mike passes (MIKE_DOCS_VERSION), else the
newest entry of the changelog.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import _setup  # noqa: F401  (puts scripts/ on sys.path)
from jinja2 import Environment
from kit import changelog
from kit.history import format_day, last_changes
from kit.i18n import DEFAULT_LANGUAGE, STRINGS, base_source, language_of, relative_url, source_in
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

CHANGELOG = "nouveautes.md"
_VERSION_HEADING = re.compile(
    rf"^(##\s+(?:Version|Édition|Edition)\s+({changelog.VERSION_PATTERN})\b[^\n{{]*?)\s*$", re.MULTILINE
)


@dataclass(frozen=True)
class Mark:
    """The « changed in this version » mark of a page."""

    label: str
    href: str
    summary: str
    new: bool
    separator: str


_state: dict[str, Any] = {"releases": {}, "version": None, "first": None, "dates": {}, "urls": {}}


def _load(docs_dir: Path, src_uri: str) -> list[changelog.Release]:
    path = docs_dir / src_uri
    if not path.exists():
        return []
    return changelog.load(path, src_uri=src_uri)


def on_config(config: MkDocsConfig, **_: Any) -> MkDocsConfig:
    docs_dir = Path(config.docs_dir)
    releases: dict[str, list[changelog.Release]] = {}
    problems: list[str] = []
    for lang in STRINGS:
        src_uri = source_in(CHANGELOG, lang)
        try:
            releases[lang] = _load(docs_dir, src_uri)
        except changelog.ChangelogError as error:
            problems.extend(error.problems)
    if problems:
        raise PluginError("Le journal des nouveautés est à corriger :\n" + "\n".join(problems))
    french = releases.get(DEFAULT_LANGUAGE) or []
    if not french:
        raise PluginError(f"docs/{CHANGELOG} est introuvable : il liste les versions du kit.")
    _state["releases"] = releases
    _state["version"] = os.environ.get("MIKE_DOCS_VERSION") or changelog.latest(french).version
    _state["first"] = french[-1].version
    _state["dates"] = last_changes(docs_dir.parent, docs_dir.name)
    return config


def on_env(env: Environment, **_: Any) -> Environment:
    env.globals["kit_version"] = _state["version"]
    return env


def on_files(files: Files, **_: Any) -> Files:
    _state["urls"] = {file.src_uri: "" if file.url in (".", "./") else file.url
                      for file in files.documentation_pages()}
    return files


def on_page_markdown(markdown: str, *, page: Page, **_: Any) -> str:
    if base_source(page.file.src_uri) != CHANGELOG:
        return markdown
    # Stable anchors for the marks to link to, whatever the date written after the number.
    return _VERSION_HEADING.sub(
        lambda m: f"{m.group(1)} {{#{changelog.version_anchor(m.group(2))}}}", markdown
    )


def _find_change(lang: str, version: str, sources: list[str]) -> changelog.Change | None:
    release = changelog.find(_state["releases"].get(lang) or [], version)
    if release is None:
        return None
    for src_uri in sources:
        change = release.change_for(src_uri)
        if change is not None:
            return change
    return None


def _mark(page: Page) -> Mark | None:
    version = _state["version"]
    if version == _state["first"]:
        return None
    src_uri = page.file.src_uri
    lang = language_of(src_uri)
    # A change listed for lettre.md concerns the letter in every language.
    sources = [src_uri] if src_uri == base_source(src_uri) else [src_uri, base_source(src_uri)]
    change = _find_change(lang, version, sources)
    summary = change.summary if change else ""
    if change is None and lang != DEFAULT_LANGUAGE:
        # Not yet in the English changelog: the French one still says that the page changed.
        change = _find_change(DEFAULT_LANGUAGE, version, sources)
    if change is None:
        return None
    strings = STRINGS[lang]
    target_uri = source_in(CHANGELOG, lang)
    if target_uri not in _state["urls"]:
        target_uri = CHANGELOG
    href = relative_url(_state["urls"].get(target_uri, ""), page.url) + "#" + changelog.version_anchor(version)
    label = (strings["new_in"] if change.new else strings["changed_in"]).format(version=version)
    return Mark(label, href, summary, change.new, strings["separator"])


def on_page_context(context: dict[str, Any], *, page: Page, **_: Any) -> dict[str, Any]:
    lang = language_of(page.file.src_uri)
    updated: date | None = _state["dates"].get(page.file.src_uri)
    page.kit_updated = (  # type: ignore[attr-defined]
        {"iso": updated.isoformat(), "text": format_day(updated, lang), "label": STRINGS[lang]["updated"]}
        if updated else None
    )
    page.kit_change = _mark(page)  # type: ignore[attr-defined]
    return context
