"""The language switch, clicked as a reader would, in the header and above the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import site_path, url_of

# Material's selector in the header (opens on hover), and the kit's list above the text.
SWITCHES = {
    "entete": ".md-header .md-select",
    "page": ".kit-lang",
}


def french_pages(site: Path) -> list[str]:
    """The French pages that have an English version, and those that do not."""
    pages = []
    for index in sorted(site.glob("*/index.html")):
        name = index.parent.name
        if name.endswith(".en") or name in {"assets", "search"}:
            continue
        pages.append(f"{name}/")
    return pages


def translated(site: Path, url: str) -> bool:
    return (site / f"{url.rstrip('/')}.en" / "index.html").is_file()


def switch_to(tab, switch: str, lang: str) -> None:
    """Open the switch ``switch`` and click the link to ``lang``."""
    container = tab.locator(SWITCHES[switch]).first
    if container.count() == 0:
        pytest.fail(f"pas de sélecteur de langue « {switch} » sur {tab.url}")
    container.hover()
    with tab.expect_navigation():
        container.locator(f"a[hreflang='{lang}']").first.click()


@pytest.mark.parametrize("switch", list(SWITCHES))
def test_translated_page_switches_to_its_translation_and_back(switch: str, site: Path, base_url: str, tab) -> None:
    pages = [u for u in french_pages(site) if translated(site, u)]
    if not pages:
        pytest.fail("pas de page traduite")
    url = "lettre/" if "lettre/" in pages else pages[0]
    tab.goto(url_of(base_url, url))
    switch_to(tab, switch, "en")
    assert site_path(base_url, tab.url) == f"{url.rstrip('/')}.en/"
    assert tab.evaluate("document.documentElement.lang") == "en"
    assert tab.locator("article h1").first.is_visible()
    switch_to(tab, switch, "fr")
    assert site_path(base_url, tab.url) == url
    assert tab.evaluate("document.documentElement.lang") == "fr"


@pytest.mark.parametrize("switch", list(SWITCHES))
def test_untranslated_page_switches_to_a_real_page(switch: str, site: Path, base_url: str, tab) -> None:
    pages = [u for u in french_pages(site) if not translated(site, u)]
    if not pages or not any(site.glob("*.en/index.html")):
        pytest.fail("pas de page non traduite, ou pas d'anglais")
    url = "glossaire/" if "glossaire/" in pages else pages[0]
    tab.goto(url_of(base_url, url))
    responses = []
    tab.on("response", lambda r: responses.append((r.url, r.status)) if r.request.resource_type == "document" else None)
    switch_to(tab, switch, "en")
    landed = site_path(base_url, tab.url)
    assert (site / landed / "index.html").is_file(), f"{url} → {landed} : page inexistante"
    # A redirect on the way is fine (Material rewrites the link); the page reached must answer 200.
    assert responses and responses[-1][1] == 200, responses
    assert tab.evaluate("document.documentElement.lang") == "en", f"{landed} n'est pas en anglais"
    assert "404" not in tab.title()


@pytest.mark.parametrize("url", ["", "lettre/", "lettre.en/", "glossaire/"])
def test_language_names_are_marked_with_their_language(url: str, site: Path, base_url: str, reader) -> None:
    """RGAA 8.7: « English » on a French page is read as English (header menu and list)."""
    if not (site / url / "index.html").is_file() or not any(site.glob("*.en/index.html")):
        pytest.fail(f"{url} ou l'anglais pas construits")
    reader.goto(url_of(base_url, url))
    links = reader.eval_on_selector_all(
        ".md-select__link[hreflang], .kit-lang a[hreflang]",
        "els => els.map(a => [a.textContent.trim(), a.getAttribute('hreflang'), a.closest('[lang]').lang])")
    assert links, f"{url} : aucun lien de changement de langue"
    wrong = [link for link in links if link[2] != link[1]]
    assert not wrong, f"{url} : langue non indiquée (texte, hreflang, lang) : {wrong}"
