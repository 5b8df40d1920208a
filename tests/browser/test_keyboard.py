"""Keyboard alone: skip link, visible focus, menu and table of contents with Tab and Enter."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .conftest import site_path, url_of
from .pagetypes import documents
from .settle import NAVIGATIONS_JS, settle

# What the focused element looks like: enough to say whether the focus is visible.
_ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), cls: el.className && el.className.baseVal === undefined ? el.className : '',
    text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 60),
    href: el.getAttribute('href'), outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
    boxShadow: s.boxShadow, width: r.width, height: r.height,
    left: r.left, right: r.right, viewport: innerWidth,
    inContent: !!el.closest('.md-content'), inToc: !!el.closest('.md-nav--secondary'),
    inNav: !!el.closest('.md-nav--primary'),
    focusVisible: el.matches(':focus-visible'),
    role: el.getAttribute('role'), expanded: el.getAttribute('aria-expanded'),
  };
}"""

MAX_TABS = 120


def content_page(site: Path) -> str:
    """A page with a table of contents: a document if one is built, else the statement."""
    for url in ["note/", "fiche-1/", "methode/", "accessibilite/"]:
        if (site / url / "index.html").is_file():
            return url
    pytest.fail("aucune page de contenu avec table des matières")


# The letter's title comes from its template (no table of contents): the kit's own skip link.
SKIP_LINK_PAGES = ["", "lettre/", "note/", "calendrier/", "accessibilite/"]


def has_visible_focus(active: dict) -> bool:
    """An outline of at least 2 px, or a box-shadow ring, on a box that has a size, on screen."""
    outline = active["outlineStyle"] != "none" and active["outlineWidth"] >= 2
    ring = active["boxShadow"] not in ("none", "")
    on_screen = active["right"] > 0 and active["left"] < active["viewport"]
    return (outline or ring) and active["width"] > 0 and active["height"] > 0 and on_screen


def followed(tab, press, anchor: str) -> None:  # type: ignore[no-untyped-def]
    """Run ``press`` and wait until the link it activates has led to ``#anchor``.

    The navigation is seen as it starts (the Navigation API's ``navigate``): the address's
    #fragment is no proof, Material's section tracking rewrites it half a second after the page
    stops scrolling (``history.replaceState``), sooner than a busy machine may look at it.
    Material's own ``history.replaceState`` calls are navigations too: the one that leads to
    ``#anchor`` is looked for among all those seen after ``press``, not taken to be the last one.
    """
    started = len(tab.evaluate(NAVIGATIONS_JS))
    press()
    try:
        tab.wait_for_function("""([n, anchor]) => JSON.parse(sessionStorage.getItem('kit-navigations') || '[]')
                                   .slice(n).some(url => url.endsWith('#' + anchor))""", arg=[started, anchor])
    except PlaywrightTimeout:
        seen = tab.evaluate(NAVIGATIONS_JS)[started:]
        raise AssertionError(f"le lien ne mène pas à #{anchor} (navigations vues : {seen})") from None


def tab_until(tab, predicate, limit: int = MAX_TABS) -> dict:
    """Press Tab until the focused element matches ``predicate``; return its description."""
    seen = []
    for _ in range(limit):
        tab.keyboard.press("Tab")
        active = tab.evaluate(_ACTIVE)
        if active and predicate(active):
            return active
        seen.append(active and (active["tag"], active["text"], active["href"]))
    raise AssertionError(f"élément jamais atteint au clavier en {limit} tabulations ; parcours : {seen[:40]}")


@pytest.mark.parametrize("url", SKIP_LINK_PAGES)
def test_skip_link_comes_first_and_leads_to_the_text(url: str, site: Path, base_url: str, tab) -> None:
    if not (site / url / "index.html").is_file():
        pytest.fail(f"{url} n'est pas construite")
    tab.goto(url_of(base_url, url))
    tab.keyboard.press("Tab")
    first = tab.evaluate(_ACTIVE)
    assert first is not None and "md-skip" in first["cls"], f"premier arrêt du clavier : {first}"
    assert first["text"] == "Aller au contenu"
    assert has_visible_focus(first), f"le lien d'évitement n'a pas de focus visible : {first}"
    box = tab.locator("a.md-skip").bounding_box()
    assert box and box["y"] >= 0 and box["x"] >= 0, "le lien d'évitement reste hors de l'écran"
    target = first["href"].split("#", 1)[1]
    followed(tab, lambda: tab.keyboard.press("Enter"), target)
    settle(tab)
    assert tab.evaluate(
        "(id) => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.top >= 0 && r.top < innerHeight; }", target
    ), "le contenu visé n'est pas à l'écran"
    # The next Tab continues from the text, not from the header or the menu.
    tab.keyboard.press("Tab")
    after = tab.evaluate(_ACTIVE)
    assert after and after["inContent"], f"après le lien d'évitement, le focus va à {after}"


# Desktop, and a narrow window (a tablet, or a desktop zoomed to 200 %) where the menu is a drawer.
WIDTHS = {"large": 1280, "etroit": 600}


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("where", ["accueil", "document"])
def test_every_focus_stop_is_visible(where: str, width: str, site: Path, base_url: str, tab) -> None:
    url = "" if where == "accueil" else content_page(site)
    tab.set_viewport_size({"width": WIDTHS[width], "height": 800})
    tab.goto(url_of(base_url, url))
    hidden = []
    stops = 0
    for _ in range(MAX_TABS):
        tab.keyboard.press("Tab")
        active = tab.evaluate(_ACTIVE)
        if active is None or stops and "md-skip" in active["cls"]:
            break  # past the last element (or wrapped around): the whole page was walked
        stops += 1
        if not has_visible_focus(active):
            hidden.append(active)
    assert stops >= 5, f"seulement {stops} arrêts au clavier sur {url or 'accueil'}"
    assert not hidden, "focus invisible sur : " + "; ".join(
        f"<{a['tag']} class={a['cls']!r}> {a['text']!r} (outline {a['outlineStyle']} "
        f"{a['outlineWidth']}px, box-shadow {a['boxShadow']})" for a in hidden[:10])


def test_menu_works_with_tab_and_enter(site: Path, base_url: str, tab) -> None:
    targets = [u for u in documents(site) if u != ""]
    if not targets:
        pytest.fail("aucun document dans le menu")
    tab.goto(url_of(base_url, ""))
    active = tab_until(tab, lambda a: a["inNav"] and bool(a["href"]) and a["href"].rstrip("/") != "."
                       and not a["href"].startswith("#"))
    expected = urlsplit(tab.evaluate("document.activeElement.href")).path
    tab.keyboard.press("Enter")
    tab.wait_for_url(lambda u: urlsplit(u).path == expected)
    assert site_path(base_url, tab.url) in targets + [f"{t}" for t in targets], active
    assert tab.locator("h1").first.is_visible()


def test_table_of_contents_works_with_tab_and_enter(site: Path, base_url: str, tab) -> None:
    tab.goto(url_of(base_url, content_page(site)))
    links = tab.locator(".md-nav--secondary a.md-nav__link")
    if links.count() < 2:
        pytest.fail("table des matières trop courte")
    # The second entry: the first one may already be at the top of the page.
    wanted = links.nth(1).get_attribute("href")
    active = tab_until(tab, lambda a: a["inToc"] and a["href"] == wanted)
    anchor = wanted.split("#", 1)[1]
    followed(tab, lambda: tab.keyboard.press("Enter"), anchor)
    tab.wait_for_function(
        "(id) => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.top >= 0 && r.top < innerHeight / 2; }", arg=anchor)
    assert active["text"], "entrée de table des matières sans texte"


def test_menu_drawer_opens_and_closes_with_the_keyboard(site: Path, base_url: str, tab) -> None:
    """In a narrow window the menu is behind a button: Tab, Enter, a link, Enter; Escape closes."""
    targets = documents(site)
    if not targets:
        pytest.fail("aucun document dans le menu")
    tab.set_viewport_size({"width": WIDTHS["etroit"], "height": 800})
    tab.goto(url_of(base_url, ""))
    button = tab_until(tab, lambda a: a["role"] == "button" and a["expanded"] == "false")
    tab.keyboard.press("Enter")
    tab.wait_for_function("document.getElementById('__drawer').checked")
    assert tab.evaluate("document.activeElement.getAttribute('aria-expanded')") is None
    assert tab.evaluate("!!document.activeElement.closest('.md-sidebar--primary')"), "le focus n'entre pas dans le menu"
    link = tab_until(tab, lambda a: a["inNav"] and bool(a["href"]) and a["href"].rstrip("/") not in (".", "")
                     and not a["href"].startswith("#"))
    tab.wait_for_function("() => { const r = document.activeElement.getBoundingClientRect();"
                          " return r.left >= 0 && r.right <= innerWidth; }")
    expected = urlsplit(tab.evaluate("document.activeElement.href")).path
    tab.keyboard.press("Enter")
    tab.wait_for_url(lambda u: urlsplit(u).path == expected)
    assert site_path(base_url, tab.url) in targets, link

    # Escape closes the menu and gives the focus back to its button.
    tab.keyboard.press("Tab")
    tab_until(tab, lambda a: a["role"] == "button" and a["expanded"] == "false")
    tab.keyboard.press("Enter")
    tab.wait_for_function("document.getElementById('__drawer').checked")
    tab.keyboard.press("Escape")
    tab.wait_for_function("!document.getElementById('__drawer').checked")
    assert tab.evaluate("document.activeElement.getAttribute('aria-expanded')") == "false", button
