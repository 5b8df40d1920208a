"""axe-core on every kind of page, in each language: no WCAG 2.1 A or AA violation."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest

from .conftest import AXE_JS, AXE_PATH, url_of
from .pagetypes import PAGE_TYPES, PageType
from .settle import fades_over

pytestmark = pytest.mark.slow

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def run_axe(tab, *, served: bool = False) -> list[dict]:
    """Inject axe-core (from node_modules/) into the page and return its violations, the page's fades over.

    ``served``: the page comes from the test server (``base_url``), which serves axe-core beside the
    site (:data:`AXE_PATH`); the page then loads it as a script, kept compiled by the tab's cache.
    Otherwise its text is injected.
    """
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} est absent : « make test » l'installe depuis npm (npm ci).")
    fades_over(tab)  # colours are judged once they no longer change (a search list fading in)
    if served:
        tab.add_script_tag(url=urljoin(tab.url, AXE_PATH))
    else:
        tab.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = tab.evaluate(
        """async (tags) => {
             const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                resultTypes: ['violations']});
             return r.violations.map(v => ({
               id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
           }""",
        WCAG_TAGS,
    )
    return result


def describe(violations: list[dict]) -> str:
    """A readable list: rule, impact and the first few elements concerned."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}) : {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']} — {node['summary'].splitlines()[-1].strip()}")
        if len(v["nodes"]) > 5:
            lines.append(f"    … et {len(v['nodes']) - 5} autres éléments")
    return "\n".join(lines)


def test_axe_comes_from_npm_not_published(site: Path) -> None:
    assert AXE_JS.is_file(), f"{AXE_JS} est absent : « make test » l'installe depuis npm (npm ci)."
    assert AXE_JS.read_text(encoding="utf-8").startswith("/*! axe v4.")
    assert not list(site.rglob("axe*.js")), "axe-core sert aux tests : il ne doit pas être publié"


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=lambda p: p.id)
def test_no_wcag_violation(page_type: PageType, site: Path, base_url: str, reader) -> None:
    url = page_type.find(site)
    if url is None:
        pytest.fail(f"pas de page « {page_type.key} » en {page_type.lang} dans le site")
    reader.goto(url_of(base_url, url), wait_until="load")
    lang = reader.evaluate("document.documentElement.lang")
    assert lang.startswith(page_type.lang), f"{url} : <html lang> vaut {lang!r}"
    violations = run_axe(reader, served=True)
    assert not violations, f"{url} ({page_type.lang}) :\n{describe(violations)}"


@pytest.mark.parametrize("page_type", [p for p in PAGE_TYPES if p.lang == "fr"], ids=lambda p: p.id)
def test_reflow_at_320_pixels(page_type: PageType, site: Path, base_url: str, reader) -> None:
    """WCAG 1.4.10: at 320 CSS pixels wide (400 % zoom), the page never scrolls sideways.

    Wide tables may scroll inside their own frame, as Material's do.
    """
    url = page_type.find(site)
    if url is None:
        pytest.fail(f"pas de page « {page_type.key} » dans le site")
    reader.set_viewport_size({"width": 320, "height": 640})
    reader.goto(url_of(base_url, url), wait_until="load")
    widths = reader.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"{url} : la page défile de côté à 320 px ({widths[0]} px de large)"


@pytest.mark.parametrize("url", ["", "lettre.en/"])
def test_no_wcag_violation_with_search_results_open(url: str, site: Path, base_url: str, tab) -> None:
    """The search box and its results list (highlighted words, headings) pass axe as well."""
    from .test_search import search

    if not (site / url / "index.html").is_file():
        pytest.fail(f"{url} pas construite")
    tab.goto(url_of(base_url, url))
    assert search(tab, "sécurité" if not url else "security"), "aucun résultat"
    violations = run_axe(tab, served=True)
    assert not violations, f"{url or 'accueil'}, recherche ouverte :\n{describe(violations)}"


def test_no_wcag_violation_with_language_menu_open(site: Path, base_url: str, tab) -> None:
    tab.goto(url_of(base_url, ""))
    menu = tab.locator(".md-header .md-select")
    if not menu.count():
        pytest.fail("pas de menu des langues")
    menu.first.hover()
    menu.first.locator(".md-select__link").first.wait_for(state="visible")
    violations = run_axe(tab, served=True)
    assert not violations, f"menu des langues ouvert :\n{describe(violations)}"
