"""The « Modifié dans la version X » mark of a changed page: French typography in the changelog line it shows."""

from __future__ import annotations

from types import SimpleNamespace

import jinja2
import pytest
from lxml import html as lxml_html

from conftest import ROOT
from kit.html.typography import NBSP
from kit.publishing import changelog
from kit.site.versions import CHANGELOG, Mark, VersionsPlugin, _History, mark_summary
from test_typography_inline import _MISSING, _runs

# The publication gate: scripts/publish.py runs these tests before each publication.
pytestmark = pytest.mark.gate

CHANGES = """# Nouveautés

## Version 1.1 — 10 mars 2009

- [Méthode d'animation](methode.md) : faute de frappe corrigée ; pourquoi ? Voilà !
- [Note de fond](note.md) : note de l'édition sur la deuxième partie.

## Version 1.0

- Première version.
"""
ENGLISH = """# What's new

## Version 1.1 — 10 March 2009

- [Background note](note.en.md): editor's note on the second part.

## Version 1.0

- First version.
"""


def plugin() -> VersionsPlugin:
    """The plugin as on_config and on_files leave it, for the changelogs above."""
    found = VersionsPlugin()
    found.history = _History(
        releases={"fr": changelog.parse(CHANGES), "en": changelog.parse(ENGLISH, src_uri="nouveautes.en.md")},
        version="1.1", first="1.0",
        urls={CHANGELOG: "nouveautes/", "nouveautes.en.md": "nouveautes.en/", "methode.md": "methode/",
              "note.md": "note/", "note.en.md": "note.en/"})
    return found


def mark_html(mark: Mark) -> str:
    """The mark as overrides/partials/kit-version-mark.html writes it."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "overrides"), autoescape=True)
    return env.get_template("partials/kit-version-mark.html").render(page=SimpleNamespace(kit_change=mark))


def page(src_uri: str, url: str) -> SimpleNamespace:
    return SimpleNamespace(file=SimpleNamespace(src_uri=src_uri), url=url)


def test_french_mark_has_its_no_break_spaces() -> None:
    mark = plugin()._mark(page("methode.md", "methode/"))  # type: ignore[arg-type]
    assert mark is not None and mark.label == "Modifié dans la version 1.1"
    assert mark.summary.startswith(f"Méthode d'animation{NBSP}: faute")
    html = mark_html(mark)
    runs = _runs(lxml_html.fromstring(f"<article>{html}</article>"))
    assert runs and not [m.group(0) for run in runs for m in _MISSING.finditer(run)], runs
    assert "Modifié dans la version 1.1" in runs[0]


def test_english_mark_keeps_english_spacing() -> None:
    mark = plugin()._mark(page("note.en.md", "note.en/"))  # type: ignore[arg-type]
    assert mark is not None and mark.summary == "Background note: editor's note on the second part."


def test_mark_summary_follows_the_page_language() -> None:
    (release, _) = changelog.parse(CHANGES)
    change = release.changes[1]
    assert mark_summary(change, "fr") == f"Note de fond{NBSP}: note de l'édition sur la deuxième partie."
    assert mark_summary(change, "en") == change.summary
