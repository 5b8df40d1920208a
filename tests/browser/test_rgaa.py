"""What an RGAA audit found and axe cannot see: each finding replayed as it was observed.

Keyboard walks that measure what the sticky header and the open drawer hide,
single keys pressed with the focus on a link, names and states read from the
accessibility tree, the status message after a search, the calendar's geometry
at 320 px, in both languages where the page exists in both.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from .conftest import url_of
from .pagetypes import find
from .settle import NAVIGATIONS_JS, install, settle, settle_async
from .side_by_side import side_by_side

pytestmark = pytest.mark.slow

# --- Helpers ---------------------------------------------------------------------------------

# Is the focused element hidden, in whole or in part, by something drawn over it?
# Two points are probed: its centre and just inside its top edge.
_COVERED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  const probe = (x, y) => {
    if (y < 0 || y >= innerHeight || x < 0 || x >= innerWidth) return 'hors écran';
    const hit = document.elementFromPoint(x, y);
    if (!hit || hit === el || el.contains(hit) || hit.contains(el)) return null;
    return hit.tagName.toLowerCase() + '.' + String(hit.className).split(' ')[0];
  };
  const x = r.left + Math.min(r.width / 2, 8);
  return {
    what: el.tagName.toLowerCase() + ' « ' + (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40) + ' »',
    inHeader: !!el.closest('.md-header'),
    inDrawer: !!el.closest('.md-sidebar--primary'),
    covers: [probe(x, r.top + r.height / 2), probe(x, r.top + Math.min(2, r.height / 2))].filter(Boolean),
  };
}"""


def page_url(site: Path, key: str, lang: str = "fr") -> str:
    url = find(site, key, lang)
    if url is None:
        pytest.fail(f"pas de page « {key} » en {lang} dans le site")
    return url


# A stop of a keyboard walk: the focused element described; null once the focus has left the page or
# come back to an element already walked (Shift+Tab from the first element goes round to the last
# one instead of leaving the page).
_WALK_START = "() => { window.__kitWalked = new WeakSet(); }"
_STOP = """() => {
  const stop = (""" + _COVERED + """)();
  if (!stop || window.__kitWalked.has(document.activeElement)) return null;
  window.__kitWalked.add(document.activeElement);
  return stop;
}"""


def walk(tab, key: str, limit: int = 150) -> list[dict]:  # type: ignore[no-untyped-def]
    """Press ``key`` (Tab or Shift+Tab) until the focus leaves the page or comes round; each stop described.

    Each stop is judged once the page has settled: a sidebar's smooth scroll over, the search
    overlay or a menu done sliding, and no sidebar about to follow the window (Material's
    ``toc.follow``): a focus judged visible stays visible.
    """
    tab.evaluate(_WALK_START)
    stops: list[dict] = []
    while len(stops) < limit:
        tab.keyboard.press(key)
        stop = settle(tab, then=_STOP)
        if stop is None:
            break
        stops.append(stop)
    return stops


async def walk_async(tab: Any, key: str, limit: int = 150) -> list[dict]:
    """:func:`walk`, for a page of Playwright's asynchronous API (tests/browser/side_by_side.py)."""
    await tab.evaluate(_WALK_START)
    stops: list[dict] = []
    while len(stops) < limit:
        await tab.keyboard.press(key)
        stop = await settle_async(tab, then=_STOP)
        if stop is None:
            break
        stops.append(stop)
    return stops


# --- 10.11: the calendar at 320 px (and 390 px), and in print ---------------------------------

_ROWS = """(limit) => {
  const out = [];
  for (const table of document.querySelectorAll('table[data-kit-cols]')) {
    table.scrollIntoView();
    for (const tr of table.tBodies[0].rows) {
      if (out.length >= limit) return out;
      tr.scrollIntoView({block: 'center'});
      const row = tr.getBoundingClientRect();
      const cells = [...tr.cells].filter(td => getComputedStyle(td).display !== 'none').map(td => {
        const r = td.getBoundingClientRect();
        return {text: td.textContent.trim().slice(0, 30), width: r.width, top: r.top, bottom: r.bottom,
                spill: td.scrollWidth - td.clientWidth};
      });
      out.push({width: row.width, height: row.height, cells});
    }
  }
  return out;
}"""


def check_forum_blocks(rows: list[dict], where: str) -> None:
    assert rows, f"{where} : aucun forum"
    for row in rows:
        label = " / ".join(c["text"] for c in row["cells"])
        assert row["height"] < 400, f"{where} : forum haut de {row['height']:.0f} px ({label})"
        previous_bottom = None
        for cell in row["cells"]:
            assert cell["width"] >= 0.9 * row["width"], (
                f"{where} : cellule « {cell['text']} » large de {cell['width']:.0f} px sur {row['width']:.0f}")
            assert cell["spill"] <= 1, f"{where} : le texte de « {cell['text']} » déborde de sa cellule"
            if previous_bottom is not None:
                # One block under the other, in the order of the table: the reading order.
                assert cell["top"] >= previous_bottom - 1, f"{where} : « {cell['text']} » chevauche la cellule précédente"
            previous_bottom = cell["bottom"]


@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("key", ["calendrier", "departement"])
def test_calendar_forums_are_blocks_on_narrow_screens(key: str, width: int, site: Path, base_url: str, reader) -> None:  # type: ignore[no-untyped-def]
    narrow = reader
    narrow.set_viewport_size({"width": width, "height": 700})
    url = page_url(site, key)
    narrow.goto(url_of(base_url, url))
    check_forum_blocks(narrow.evaluate(_ROWS, 30), f"{url} à {width} px")
    assert narrow.evaluate("document.documentElement.scrollWidth <= innerWidth"), f"{url} défile de côté"


def test_calendar_forums_are_blocks_in_print(site: Path, base_url: str, tab) -> None:  # type: ignore[no-untyped-def]
    url = page_url(site, "departement")
    tab.emulate_media(media="print")
    tab.goto(url_of(base_url, url))
    check_forum_blocks(tab.evaluate(_ROWS, 30), f"{url} à l'impression")


def test_overseas_labels_stay_readable_at_320_pixels(site: Path, base_url: str, reader) -> None:  # type: ignore[no-untyped-def]
    narrow = reader
    narrow.set_viewport_size({"width": 320, "height": 700})
    narrow.goto(url_of(base_url, page_url(site, "couverture")))
    labels = narrow.evaluate("""() => {
      const svg = document.querySelector('.kit-cal-map__svg');
      const box = svg.getBoundingClientRect();
      const scale = box.width / svg.viewBox.baseVal.width;
      return [...svg.querySelectorAll('.kit-cal-map__tiles text')].map(t => {
        const r = t.getBoundingClientRect();
        return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
                inside: r.left >= box.left - 1 && r.right <= box.right + 1 && r.bottom <= box.bottom + 1,
                left: r.left, right: r.right};
      });
    }""")
    assert labels, "pas de vignettes de l'outre-mer"
    for label in labels:
        assert label["px"] >= 11.5, f"« {label['text']} » : {label['px']:.1f} px à l'écran"
        assert label["inside"], f"« {label['text']} » sort de la carte"
    for a, b in zip(labels, labels[1:], strict=False):
        assert a["right"] <= b["left"], f"« {a['text']} » et « {b['text']} » se chevauchent"


# --- 10.7, 12.8: Tab in the open drawer; Shift+Tab under the sticky header -------------------

@pytest.mark.parametrize("lang", ["fr", "en"])
def test_tab_stays_in_the_open_drawer_and_on_screen(lang: str, site: Path, base_url: str, context) -> None:  # type: ignore[no-untyped-def]
    phone = context.new_page()
    phone.set_viewport_size({"width": 390, "height": 800})
    phone.goto(url_of(base_url, page_url(site, "note", lang)))
    phone.locator('[for="__drawer"][role="button"]').first.focus()
    phone.keyboard.press("Enter")
    phone.wait_for_function("document.getElementById('__drawer').checked")
    settle(phone)  # the drawer has slid in
    home = "Accueil" if lang == "fr" else "Home"

    def check(stops: list[dict]) -> None:
        outside = [s["what"] for s in stops if not s["inDrawer"]]
        assert not outside, f"Tab sort du menu ouvert, vers ce qu'il cache : {outside[:8]}"
        hidden = [f"{s['what']} sous {s['covers']}" for s in stops if s["covers"]]
        assert not hidden, f"dans le menu, focus caché : {hidden[:8]}"
        assert len(stops) >= 4, f"le menu n'a presque rien à parcourir : {stops}"

    # The menu opens on the page's own section: its links, then nothing hidden.
    check(walk(phone, "Tab", 60))
    # Back to the menu's first level with the keyboard, and through it.
    # The element itself, taken before Enter: once its level has slid away, no visible title matches.
    back_button = phone.locator(".md-sidebar--primary label.md-nav__title[role=button]").filter(visible=True).first.element_handle()
    back_button.focus()
    phone.keyboard.press("Enter")
    # The focus goes to the section left (on the level shown, once it has slid in).
    phone.wait_for_function("title => document.activeElement !== title && document.activeElement !== document.body",
                            arg=back_button)
    settle(phone)
    # Forward from the section left, to the last item; then backward through all of it, to the first
    # item (« Accueil », above the section left).
    top_level = walk(phone, "Tab", 60)
    check(top_level)
    back = walk(phone, "Shift+Tab", 60)
    check(back)
    assert any(home in s["what"] for s in back), f"« {home} » jamais atteint : {back}"
    assert {s["what"] for s in top_level} <= {s["what"] for s in back}
    phone.keyboard.press("Escape")
    phone.wait_for_function("!document.getElementById('__drawer').checked")
    assert phone.evaluate("!document.querySelector('[data-kit-inert]')"), "la page reste inerte, menu fermé"


# Long pages of each kind, with a table of contents, a menu and footnotes, in both languages.
STICKY_PAGES = [("note", "fr"), ("glossaire", "fr"), ("modele", "fr"), ("lettre", "en"), ("fiche", "en")]


@pytest.fixture(scope="module")
def sticky_walks(site: Path, base_url: str) -> dict[tuple[str, str], tuple[list[dict], list[dict]]]:
    """Each page of ``STICKY_PAGES`` walked forward to its end, then back with Shift+Tab.

    The pages are walked side by side, each in a context of its own and at its own pace
    (tests/browser/side_by_side.py); each stop is still judged in its own settled page.
    """
    async def both_ways(url: str, context: Any) -> tuple[list[dict], list[dict]]:
        tab = await context.new_page()
        await tab.goto(url)
        return await walk_async(tab, "Tab"), await walk_async(tab, "Shift+Tab")

    urls = [url_of(base_url, page_url(site, key, lang)) for key, lang in STICKY_PAGES]
    return dict(zip(STICKY_PAGES, side_by_side([partial(both_ways, url) for url in urls]), strict=True))


@pytest.mark.parametrize(("key", "lang"), STICKY_PAGES)
def test_sticky_header_never_hides_the_focus(key: str, lang: str, sticky_walks) -> None:  # type: ignore[no-untyped-def]
    """Forward to the end of the page, then back with Shift+Tab: each stop in full view."""
    forward, backward = sticky_walks[key, lang]
    assert len(backward) >= 10, f"seulement {len(backward)} arrêts en arrière"
    hidden = [f"{s['what']} sous {s['covers']}" for s in forward + backward if s["covers"] and not s["inHeader"]]
    assert not hidden, f"focus caché par l'en-tête ou un bouton flottant : {hidden[:8]}"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_table_of_contents_following_the_page_keeps_the_focused_link_in_view(lang: str, site: Path, base_url: str, tab) -> None:  # type: ignore[no-untyped-def]
    """Material's toc.follow scrolls the table of contents after the window: never off the focus.

    The focus on the first section's link, the window goes to the end of the page (or back to
    its top): Material scrolls the table of contents to the last section, which pushed the
    focused link out of sight until the kit's script brought it back.
    """
    tab.goto(url_of(base_url, page_url(site, "note", lang)))
    install(tab)
    tab.keyboard.press("Tab")  # from the keyboard: the focus is shown (:focus-visible)
    tab.locator(".md-sidebar--secondary a.md-nav__link[href]").first.focus()
    settle(tab)
    assert tab.evaluate("document.querySelector('.md-sidebar--secondary .md-sidebar__scrollwrap')"
                        ".scrollHeight > document.querySelector('.md-sidebar--secondary .md-sidebar__scrollwrap')"
                        ".clientHeight"), "la table des matières tient sans défiler : rien à vérifier"
    for where in ["document.documentElement.scrollHeight", "0", "document.documentElement.scrollHeight"]:
        tab.evaluate(f"window.scrollTo(0, {where})")
        stop = settle(tab, then=_COVERED)
        assert stop is not None and not stop["covers"], f"{stop and stop['what']} sous {stop and stop['covers']}"


# --- 12.10: single-key shortcuts --------------------------------------------------------------

def test_single_key_shortcuts_never_act_on_a_focused_link_and_can_be_turned_off(site: Path, base_url: str, tab) -> None:  # type: ignore[no-untyped-def]
    # Material acts on these keys in its keydown listener, at once: a page change would have started
    # (the Navigation API's ``navigate``) by the time the key press is over.
    url = url_of(base_url, page_url(site, "note"))
    tab.goto(url)
    assert tab.locator("link[rel=next]").count(), "la page n'a pas de page suivante"
    tab.locator(".md-content a[href]").first.focus()
    started = tab.evaluate(NAVIGATIONS_JS)
    for key in ["n", ".", "p", ",", "s", "f", "/"]:
        tab.keyboard.press(key)
        settle(tab)
        assert tab.evaluate(NAVIGATIONS_JS) == started, f"« {key} », le focus sur un lien, a changé de page"
        assert tab.url == url, f"« {key} », le focus sur un lien, a changé de page"
        assert tab.evaluate("!document.activeElement.matches('.md-search__input')"), f"« {key} » a pris le focus"
    # With no element focused, Material's shortcut still works...
    tab.evaluate("document.activeElement.blur()")
    started = tab.evaluate(NAVIGATIONS_JS)
    tab.keyboard.press("n")
    tab.wait_for_url(lambda u: u != url, wait_until="commit")
    tab.wait_for_load_state()
    # The watcher saw that page change start: its silence above is meaningful.
    assert len(tab.evaluate(NAVIGATIONS_JS)) == len(started) + 1, "le départ de la page n'a pas été vu"
    # ... until it is turned off in the footer (remembered from page to page).
    tab.goto(url)
    switch = tab.get_by_role("checkbox", name=re.compile("Raccourcis clavier à une touche"))
    assert switch.is_checked()
    switch.uncheck()
    tab.reload()
    assert not tab.get_by_role("checkbox", name=re.compile("Raccourcis clavier")).is_checked()
    tab.evaluate("document.activeElement.blur()")
    started = tab.evaluate(NAVIGATIONS_JS)
    tab.keyboard.press("n")
    settle(tab)
    assert tab.evaluate(NAVIGATIONS_JS) == started, "« n » change encore de page, raccourcis désactivés"
    # Material's section tracking may add a #fragment as the page scrolls: the page is what counts.
    assert urlsplit(tab.url).path == urlsplit(url).path, "« n » change encore de page, raccourcis désactivés"


# --- 7.1: names and states of the menus -------------------------------------------------------

def test_menu_section_is_a_button_with_its_state(site: Path, base_url: str, tab) -> None:  # type: ignore[no-untyped-def]
    tab.goto(url_of(base_url, page_url(site, "note")))
    toggle = tab.get_by_role("button", name="Modèles")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.focus()
    scroll = tab.evaluate("scrollY")
    tab.keyboard.press(" ")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert tab.evaluate("scrollY") == scroll, "Espace fait défiler la page"
    tab.get_by_role("link", name="Lettre d'invitation").wait_for(state="visible")
    tab.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "false"


@pytest.mark.parametrize(("lang", "name"), [("fr", "Sélectionner la langue"), ("en", "Select language")])
def test_language_menu_opens_with_enter_and_closes_with_escape(lang: str, name: str, site: Path, base_url: str, tab) -> None:  # type: ignore[no-untyped-def]
    tab.goto(url_of(base_url, page_url(site, "lettre", lang)))
    button = tab.get_by_role("button", name=name)
    assert button.get_attribute("aria-expanded") == "false"
    entries = tab.locator(".md-header .md-select__link")
    button.focus()
    settle(tab)  # Material's menu opens on focus after a delay: its transitions are over
    assert not entries.first.is_visible(), "le menu s'ouvre au seul focus, sans le dire"
    tab.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    entries.first.wait_for(state="visible")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.classList.contains('md-select__link')")
    tab.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert tab.evaluate("document.activeElement.getAttribute('aria-label')") == name
    entries.first.wait_for(state="hidden")


# --- 7.5, 11.10, 8.7: the search --------------------------------------------------------------

def test_search_count_is_a_status_message_and_the_field_is_not_required(site: Path, base_url: str, tab) -> None:  # type: ignore[no-untyped-def]
    from .test_search import search

    tab.goto(url_of(base_url, ""))
    box = tab.get_by_role("textbox", name="Rechercher")
    assert box.get_attribute("required") is None and box.get_attribute("aria-required") is None
    assert search(tab, "sécurité")
    status = tab.get_by_role("status").filter(has_text=re.compile(r"\d+ documents? trouvés?|Aucun"))
    assert status.count() == 1, "le nombre de résultats n'est pas un message de statut"
    assert status.get_attribute("aria-live") == "polite"
    box.fill("")
    box.press_sequentially("zzzqqqxxw", delay=15)
    tab.get_by_role("status").filter(has_text="Aucun").wait_for()


def test_search_results_in_the_other_language_say_so(site: Path, base_url: str, tab) -> None:  # type: ignore[no-untyped-def]
    from .test_search import search

    tab.goto(url_of(base_url, ""))
    pages = search(tab, "security")
    english = [p for p in pages if p.rstrip("/").endswith(".en")]
    if not english:
        pytest.fail(f"aucun résultat anglais pour « security » : {pages}")
    langs = tab.eval_on_selector_all(
        ".md-search-result__item", "els => els.map(e => [e.querySelector('a').href, e.closest('[lang]').lang])")
    for href, lang in langs:
        expected = "en" if re.search(r"\.en/(#|$|\?)", href) else "fr"
        assert lang == expected, f"résultat {href} : lang={lang!r}"


# --- 10.7: back to top ------------------------------------------------------------------------

def test_back_to_top_is_never_focused_hidden_and_gives_the_focus_back(site: Path, base_url: str, tab) -> None:  # type: ignore[no-untyped-def]
    tab.goto(url_of(base_url, page_url(site, "modele")))
    top = tab.locator(".md-top")
    for _ in range(150):
        tab.keyboard.press("Tab")
        state = tab.evaluate("""() => { const el = document.activeElement;
          return el === document.body ? 'fin' : el.matches('.md-top') ? (el.hidden ? 'caché' : 'visible') : ''; }""")
        assert state != "caché", "« Retour en haut de la page » prend le focus sans être visible"
        if state == "fin":
            break
    # Shown when scrolling up: reached from the keyboard, it leads to the top and to the first link.
    tab.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    tab.mouse.wheel(0, -300)
    top.wait_for(state="visible")
    top.focus()
    tab.keyboard.press("Enter")
    tab.wait_for_function("scrollY === 0")
    assert tab.evaluate("document.activeElement.matches('.md-skip')"), "le focus reste sur le bouton caché"


# --- 10.13, 7.3: tooltips of acronyms ------------------------------------------------------------

# The focused acronym's text; "" on anything else; None once the focus has left the page.
_FOCUSED_ACRONYM = """() => { const el = document.activeElement;
  return el === document.body ? null : el.tagName === 'ABBR' ? el.textContent : ''; }"""
# Material shows the focused acronym's tooltip (its class, set on the next frame) and takes the
# previous one's away (on the next frame too): settled once that tooltip is the only active one.
_ONLY_OWN_TOOLTIP_ACTIVE = """() => {
  const id = document.activeElement.getAttribute('aria-describedby');
  const own = id && document.getElementById(id);
  return !!own && own.classList.contains('md-tooltip2--active')
    && document.querySelectorAll('.md-tooltip2--active').length === 1;
}"""

@pytest.mark.parametrize(("key", "lang"), [("accueil", "fr"), ("glossaire", "fr"), ("accueil", "en")])
def test_acronym_tooltips_show_on_focus_and_hide_with_escape(key: str, lang: str, site: Path, base_url: str, tab) -> None:  # type: ignore[no-untyped-def]
    tab.goto(url_of(base_url, page_url(site, key, lang)))
    terms = tab.locator("abbr").evaluate_all("els => [...new Set(els.map(e => e.textContent))]")
    assert terms, "pas de sigle"
    reached = set()
    for _ in range(200):
        tab.keyboard.press("Tab")
        term = tab.evaluate(_FOCUSED_ACRONYM)
        if term is None:
            break
        if not term:
            continue
        reached.add(term)
        # The focused acronym's own tooltip (the previous one may still be fading out).
        own = tab.wait_for_function("document.activeElement.getAttribute('aria-describedby')").json_value()
        tip = tab.locator(f"#{own}.md-tooltip2--active")
        tip.wait_for(state="visible")
        described = tab.evaluate("document.getElementById(document.activeElement.getAttribute('aria-describedby')).textContent")
        assert described.strip(), f"{term} : bulle vide"
        tab.keyboard.press("Escape")
        tip.wait_for(state="hidden")
        # Material has done all the focus asked of it: this acronym's tooltip active, no other.
        tab.wait_for_function(_ONLY_OWN_TOOLTIP_ACTIVE)
        shown = tab.evaluate("[...document.querySelectorAll('.md-tooltip2--active')]"
                             ".filter(t => getComputedStyle(t).visibility !== 'hidden').map(t => t.textContent)")
        assert not shown, f"{term} : bulle encore visible après Échap : {shown}"
        assert tab.evaluate("document.activeElement.tagName") == "ABBR", "Échap déplace le focus"
    assert reached == set(terms), f"sigles jamais atteints au clavier : {set(terms) - reached}"


def test_a_quick_escape_keeps_the_coming_tooltip_hidden_until_the_focus_moves(site: Path, base_url: str, tab) -> None:  # type: ignore[no-untyped-def]
    tab.goto(url_of(base_url, page_url(site, "glossaire")))
    visible = ("[...document.querySelectorAll('.md-tooltip2--active')]"
               ".filter(t => getComputedStyle(t).visibility !== 'hidden').length")

    def next_acronym() -> None:
        for _ in range(200):
            tab.keyboard.press("Tab")
            if tab.evaluate(_FOCUSED_ACRONYM):
                return
        raise AssertionError("aucun sigle atteint au clavier")

    next_acronym()
    tab.wait_for_function(visible)  # the first acronym's tooltip, shown
    # On to the next acronym and Escape at once: the first tooltip is still fading out, the second
    # not shown yet; neither may appear afterwards.
    next_acronym()
    tab.keyboard.press("Escape")
    # Material has then shown the second tooltip and taken the first one away: neither is visible.
    tab.wait_for_function(_ONLY_OWN_TOOLTIP_ACTIVE)
    settle(tab)
    assert tab.evaluate(visible) == 0, "une bulle apparaît après Échap"
    # The focus moves on to another acronym: its tooltip shows again.
    next_acronym()
    tab.wait_for_function(visible)


def test_glossary_tells_how_to_show_the_tooltips_without_a_mouse(site: Path, base_url: str, reader) -> None:  # type: ignore[no-untyped-def]
    reader.goto(url_of(base_url, page_url(site, "glossaire")))
    intro = reader.locator(".md-content h1 ~ p").first.inner_text()
    assert "Tabulation" in intro and "Échap" in intro, intro


# --- 8.7, 6.1: languages and names in the text ---------------------------------------------------

@pytest.mark.parametrize("key", ["accueil", "lettre", "note", "fiche", "fiche-2"])
def test_french_quotations_on_english_pages_are_marked(key: str, site: Path, base_url: str, reader) -> None:  # type: ignore[no-untyped-def]
    reader.goto(url_of(base_url, page_url(site, key, "en")))
    unmarked = reader.evaluate("""() => {
      const out = [];
      const walker = document.createTreeWalker(document.querySelector('.md-content'), NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (n.textContent.includes('«') && !n.parentElement.closest('[lang]').lang.startsWith('fr')) out.push(n.textContent.trim().slice(0, 60));
      }
      return out;
    }""")
    assert not unmarked, f"citations françaises sans lang=\"fr\" : {unmarked[:5]}"


@pytest.mark.parametrize(("lang", "ref", "back", "permalink"), [
    ("fr", "Note 1", "Revenir à l'appel de note 1", "Lien vers cette section"),
    ("en", "Note 1", "Back to note 1 in the text", "Link to this section"),
])
def test_footnotes_and_permalinks_have_names_in_the_page_language(
        lang: str, ref: str, back: str, permalink: str, site: Path, base_url: str, reader) -> None:  # type: ignore[no-untyped-def]
    reader.goto(url_of(base_url, page_url(site, "note", lang)))
    assert reader.get_by_role("link", name=ref, exact=True).count() == 1
    assert reader.get_by_role("link", name=back, exact=True).count() >= 1
    backref = reader.locator(".footnote-backref").first
    assert backref.get_attribute("title") == back
    assert reader.get_by_role("link", name=permalink, exact=True).count() >= 2
    assert reader.get_by_role("heading", name=re.compile(r"#\s*$")).count() == 0, "un titre se lit « … # »"
    other = "Jump back|footnote|Link to this" if lang == "fr" else "Revenir|Lien vers"
    titles = reader.eval_on_selector_all("[title], [aria-label]", "els => els.map(e => e.title + ' ' + (e.getAttribute('aria-label') || ''))")
    assert not [t for t in titles if re.search(other, t)], f"textes d'interface dans l'autre langue : {titles[:5]}"


# --- 12.6: navigation landmarks --------------------------------------------------------------

@pytest.mark.parametrize(("key", "lang"), [("accueil", "fr"), ("lettre", "fr"), ("glossaire", "fr"), ("modele", "fr"),
                                           ("calendrier", "fr"), ("lettre", "en")])
def test_every_navigation_landmark_has_a_name_and_content(key: str, lang: str, site: Path, base_url: str, context, tab) -> None:  # type: ignore[no-untyped-def]
    tab.goto(url_of(base_url, page_url(site, key, lang)))
    cdp = context.new_cdp_session(tab)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    navs = [n for n in nodes if n.get("role", {}).get("value") == "navigation" and not n.get("ignored")]
    assert navs, "aucune navigation"
    unnamed = [n["backendDOMNodeId"] for n in navs if not n.get("name", {}).get("value", "").strip()]
    assert not unnamed, f"{len(unnamed)} navigation(s) sans nom"
    empty = tab.evaluate("""() => [...document.querySelectorAll('nav')]
      .filter(n => !n.querySelector('a[href], button, input, label, [tabindex]') && n.getClientRects().length)
      .map(n => n.getAttribute('aria-label') || n.className)""")
    assert not empty, f"navigation vide : {empty}"
