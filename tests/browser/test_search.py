"""Material's search box, used as a reader would: type, read the list, follow the first result."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from .conftest import site_path, url_of

# For each query, the pages that treat the subject (from the official texts), not
# those that merely mention it: the first result must be one of them.
FRENCH_QUERIES = {
    # « méthodologie commune d'animation de réunion »: the method page.
    "animation": {"methode/"},
    # A section of the background note and of theme sheet no. 1.
    "vidéo-protection": {"fiche-1/", "note/"},
    # One of the « quatre sujets concrets » of the note and of sheet no. 1.
    "cambriolages": {"fiche-1/", "note/"},
    # An acronym: defined in the glossary, explained in the note and sheet no. 1.
    "Balu": {"glossaire/", "note/", "fiche-1/"},
    # The letter's signatory, in its header and signature (front matter put into the content).
    "DELPUECH": {"lettre/"},
}


def search(tab, query: str) -> list[str]:
    """Type ``query`` in the header's search box; return the result pages, best first.

    The page must have been opened with the search watcher (``settle.SEARCH_JS``, installed in the
    pages of the ``context`` fixture): the list is read once the worker has answered the query typed.
    """
    assert tab.evaluate("!!window.__kitSearch"), "page ouverte sans l'observateur de la recherche"
    box = tab.locator("input.md-search__input")
    box.click()
    box.fill("")
    box.press_sequentially(query, delay=15)
    # Material searches on keyup; Playwright types a letter missing from its US keyboard (« é ») as
    # text alone, without a key: the caret moved to the end gives the keyup a French keyboard gives.
    box.press("End")
    # The worker answers each keystroke in turn: the list is final once it has answered them all,
    # the last one being the whole query (the answer is drawn in the task that receives it).
    tab.wait_for_function("""(query) => { const s = window.__kitSearch;
      return s.last === query && s.answered === s.asked; }""", arg=query)
    tab.locator(".md-search-result__meta").filter(has_not_text="Initialisation").first.wait_for()
    tab.locator(".md-search-result__item").first.wait_for()
    hrefs = tab.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")
    pages: list[str] = []
    for href in hrefs:
        page = href.split("#")[0].split("?")[0]
        if page not in pages:
            pages.append(page)
    return pages


@pytest.mark.parametrize("query", list(FRENCH_QUERIES))
def test_french_query_finds_the_right_page_first(query: str, site: Path, base_url: str, tab) -> None:
    expected = {u for u in FRENCH_QUERIES[query] if (site / u / "index.html").is_file()}
    if not expected:
        pytest.fail(f"aucune des pages attendues pour « {query} » n'est construite")
    tab.goto(url_of(base_url, ""))
    results = search(tab, query)
    assert results, f"« {query} » : aucun résultat"
    first = site_path(base_url, results[0])
    assert first in expected, (
        f"« {query} » : premier résultat {first!r}, attendu l'une de {sorted(expected)} ; "
        f"résultats : {[site_path(base_url, r) for r in results[:5]]}")
    # Following the result with the keyboard (arrow down, Enter) opens that page.
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("Enter")
    tab.wait_for_url(lambda u: site_path(base_url, u) == first)
    assert tab.locator("mark").count() > 0 or tab.locator("h1").is_visible()


def english_only_word(site: Path, page: str) -> str | None:
    """A word of ``page``'s English text that no French page contains."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    words: dict[bool, Counter[str]] = {True: Counter(), False: Counter()}
    for doc in index["docs"]:
        location = doc["location"].split("#")[0]
        is_english = location.split("/")[0].endswith(".en")
        text = re.sub(r"<[^>]+>", " ", f"{doc['title']} {doc['text']}").lower()
        counter = words[is_english]
        if is_english and location != page:
            continue
        counter.update(w for w in re.findall(r"[a-z]{7,}", text))
    candidates = [(n, w) for w, n in words[True].items() if w not in words[False]]
    return max(candidates)[1] if candidates else None


def test_english_query_on_english_page_finds_english_text(site: Path, base_url: str, tab) -> None:
    english = sorted(p.parent.name for p in site.glob("*.en/index.html"))
    if not english:
        pytest.fail("pas de page en anglais")
    start = "lettre.en/" if "lettre.en" in english else f"{english[0]}/"
    query = english_only_word(site, start)
    assert query, f"{start} : pas un mot qui lui soit propre"
    tab.goto(url_of(base_url, start))
    assert tab.evaluate("document.documentElement.lang").startswith("en")
    results = search(tab, query)
    assert results, f"« {query} » : aucun résultat sur {start}"
    first = site_path(base_url, results[0])
    assert first.split("/")[0].endswith(".en"), (
        f"« {query} » : le premier résultat {first!r} n'est pas une page anglaise")
