"""The campaign's follow-up in the browser: the table filters, and stays whole without JavaScript."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import url_of

ROWS = "#kit-suivi-departements tbody tr"


def open_followup(site: Path, base_url: str, tab) -> None:  # type: ignore[no-untyped-def]
    if not (site / "suivi" / "index.html").is_file():
        pytest.fail("pas de page de suivi")
    tab.goto(url_of(base_url, "suivi/"))
    tab.locator("[data-kit-suivi-filter]").wait_for(state="visible")


def shown(tab) -> list[str]:  # type: ignore[no-untyped-def]
    return tab.eval_on_selector_all(ROWS, "rows => rows.filter(r => !r.hidden).map(r => r.dataset.dep)")


def test_filter_shows_the_departements_to_call_then_a_name(site: Path, base_url: str, tab) -> None:  # type: ignore[no-untyped-def]
    open_followup(site, base_url, tab)
    every = tab.eval_on_selector_all(ROWS, "rows => rows.map(r => [r.dataset.dep, r.dataset.etat])")
    assert len(shown(tab)) == len(every) >= 100
    for state in ("a-appeler", "a-confirmer"):
        wanted = [dep for dep, states in every if state in states.split()]
        assert wanted, f"aucun département « {state} » dans les données du kit"
        tab.get_by_label("Afficher").select_option(state)
        tab.wait_for_function(f"document.querySelectorAll('{ROWS}:not([hidden])').length === {len(wanted)}")
        assert shown(tab) == wanted
    # Forums still planned after their date: a few départements of the data, never all of them.
    status = tab.locator("[data-kit-suivi-count]").inner_text().replace("\u202f", "").replace("\xa0", " ")
    assert f"sur {len(every)}" in status and len(wanted) < len(every)
    tab.get_by_label("Afficher").select_option("")
    tab.get_by_role("searchbox", name="Département").fill("loire atlantique")
    tab.wait_for_function(f"document.querySelectorAll('{ROWS}:not([hidden])').length === 1")
    assert shown(tab) == ["44"]


def test_without_javascript_the_table_is_whole(site: Path, base_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(url_of(base_url, "suivi/"))
        assert page.locator("[data-kit-suivi-filter]").is_hidden()
        rows = page.locator(ROWS)
        assert rows.count() >= 100 and page.locator(f"{ROWS}:visible").count() == rows.count()
    finally:
        context.close()
