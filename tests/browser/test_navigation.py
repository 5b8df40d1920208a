"""A reader on a desktop screen: every document within two clicks of the home page."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import site_path, url_of
from .pagetypes import documents

# Links a reader can see and click, resolved by the browser (so relative URLs are checked too).
# (SVG links, as on the coverage map, have no offsetParent and an object as href.)
_VISIBLE = """a => { const r = a.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && a.checkVisibility({opacityProperty: true, visibilityProperty: true}); }"""
_VISIBLE_LINKS = """(prefix) => [...document.querySelectorAll('a[href]')]
  .filter(""" + _VISIBLE + """)
  .map(a => new URL(a.getAttribute('href'), document.baseURI).href.split('#')[0])
  .filter(h => h.startsWith(prefix))"""


def visible_links(tab, base_url: str) -> set[str]:
    """Site pages (relative to the root) linked from the current page by a visible link."""
    return {site_path(base_url, href) for href in tab.evaluate(_VISIBLE_LINKS, base_url)}


def click_link_to(tab, url: str) -> None:
    """Click the first visible link that leads to ``url``."""
    marked = tab.evaluate(
        """(url) => {
             const visible = """ + _VISIBLE + """;
             const a = [...document.querySelectorAll('a[href]')].find(a =>
               !(a instanceof SVGElement) && a.href.split('#')[0] === url && visible(a));
             if (a) a.setAttribute('data-kit-click', '');
             return !!a;
           }""", url)
    assert marked, f"pas de lien visible vers {url} sur {tab.url}"
    tab.locator("[data-kit-click]").first.click()


def test_every_document_within_two_clicks(site: Path, base_url: str, tab) -> None:
    targets = documents(site)
    if not targets:
        pytest.fail("aucun document construit")
    tab.goto(url_of(base_url, ""))
    first = visible_links(tab, base_url) - {""}
    via: dict[str, str] = {url: "" for url in first}
    # The pages one click away, until every document is found (most are linked from the home page).
    for url in sorted(first):
        if all(t in via for t in targets):
            break
        if not (site / url / "index.html").is_file():
            continue  # a download, not a page
        tab.goto(url_of(base_url, url))
        for second in visible_links(tab, base_url):
            via.setdefault(second, url)
    missing = [t for t in targets if t not in via]
    assert not missing, f"à plus de deux clics de l'accueil : {missing}"

    # Then click through, as a reader would, for each document.
    for target in targets:
        tab.goto(url_of(base_url, ""))
        for step in [via[target], target] if via[target] else [target]:
            click_link_to(tab, url_of(base_url, step))
            tab.wait_for_url(lambda u, s=step: site_path(base_url, u) == s)
        assert tab.locator("h1").first.is_visible(), f"{target} : pas de titre visible"


def test_no_broken_link_in_menu(site: Path, base_url: str, tab) -> None:
    """Every page the menu links to answers 200 under the sub-path."""
    tab.goto(url_of(base_url, ""))
    hrefs = tab.evaluate("[...document.querySelectorAll('.md-nav--primary a[href]')].map(a => a.href)")
    assert hrefs, "menu vide"
    for href in sorted(set(h.split("#")[0] for h in hrefs)):
        response = tab.request.get(href)
        assert response.status == 200, f"{href} : {response.status}"
