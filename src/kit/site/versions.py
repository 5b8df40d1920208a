"""MkDocs plugin: what mike does not say about versions.

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
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from kit.french import format_day
from kit.html.typography import french_text
from kit.i18n import DEFAULT_LANGUAGE, STRINGS, base_source, language_of, relative_url, source_in
from kit.publishing import changelog
from kit.publishing.history import last_changes
from kit.site import NoOptions

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


@dataclass
class _History:
    """What one build knows of the versions: the changelogs, the version built, each page's date."""

    releases: dict[str, list[changelog.Release]] = field(default_factory=dict)
    version: str | None = None
    first: str | None = None
    dates: dict[str, date] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)


def _load(docs_dir: Path, src_uri: str) -> list[changelog.Release]:
    path = docs_dir / src_uri
    if not path.exists():
        return []
    return changelog.load(path, src_uri=src_uri)


def mark_summary(change: changelog.Change, lang: str) -> str:
    """The changelog line shown after a page's mark, with the page's typography.

    The mark is written by a template, after the typography plugin has gone
    over the page: on a French page its text gets the same no-break spaces here
    (a no-break space before « : », narrow ones before « ; ! ? »).
    """
    return french_text(change.summary) if lang == DEFAULT_LANGUAGE else change.summary


class VersionsPlugin(BasePlugin[NoOptions]):
    def __init__(self) -> None:
        super().__init__()
        self.history = _History()

    def on_config(self, config: MkDocsConfig, /) -> MkDocsConfig:
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
        self.history = _History(
            releases=releases,
            version=os.environ.get("MIKE_DOCS_VERSION") or changelog.latest(french).version,
            first=french[-1].version,
            dates=last_changes(docs_dir.parent, docs_dir.name),
        )
        return config

    def on_env(self, env: Environment, /, **_: Any) -> Environment:
        env.globals["kit_version"] = self.history.version
        return env

    def on_files(self, files: Files, /, **_: Any) -> Files:
        self.history.urls = {file.src_uri: "" if file.url in (".", "./") else file.url
                             for file in files.documentation_pages()}
        return files

    def on_page_markdown(self, markdown: str, /, *, page: Page, **_: Any) -> str:
        if base_source(page.file.src_uri) != CHANGELOG:
            return markdown
        # Stable anchors for the marks to link to, whatever the date written after the number.
        return _VERSION_HEADING.sub(
            lambda m: f"{m.group(1)} {{#{changelog.version_anchor(m.group(2))}}}", markdown
        )

    def _find_change(self, lang: str, version: str, sources: list[str]) -> changelog.Change | None:
        release = changelog.find(self.history.releases.get(lang) or [], version)
        if release is None:
            return None
        for src_uri in sources:
            change = release.change_for(src_uri)
            if change is not None:
                return change
        return None

    def _mark(self, page: Page) -> Mark | None:
        version = self.history.version
        if version is None or version == self.history.first:
            return None
        src_uri = page.file.src_uri
        lang = language_of(src_uri)
        # A change listed for lettre.md concerns the letter in every language.
        sources = [src_uri] if src_uri == base_source(src_uri) else [src_uri, base_source(src_uri)]
        change = self._find_change(lang, version, sources)
        summary = mark_summary(change, lang) if change else ""
        if change is None and lang != DEFAULT_LANGUAGE:
            # Not yet in the English changelog: the French one still says that the page changed.
            change = self._find_change(DEFAULT_LANGUAGE, version, sources)
        if change is None:
            return None
        strings = STRINGS[lang]
        urls = self.history.urls
        target_uri = source_in(CHANGELOG, lang)
        if target_uri not in urls:
            target_uri = CHANGELOG
        href = relative_url(urls.get(target_uri, ""), page.url) + "#" + changelog.version_anchor(version)
        label = (strings["new_in"] if change.new else strings["changed_in"]).format(version=version)
        return Mark(label, href, summary, change.new, strings["separator"])

    def on_page_context(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        lang = language_of(page.file.src_uri)
        updated = self.history.dates.get(page.file.src_uri)
        # Read by the templates (overrides/partials/source-file.html, kit-version-mark.html).
        vars(page).update(
            kit_updated=({"iso": updated.isoformat(), "text": format_day(updated, lang),
                          "label": STRINGS[lang]["updated"]} if updated else None),
            kit_change=self._mark(page),
        )
        return context
