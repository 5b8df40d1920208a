"""The version selector of a tree published with mike (versions 1.0 and 1.1, see tests/publishing.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from kitdev.localserve import ServeOptions, serve

from .conftest import PREFIX, site_path, url_of
from .settle import settle

pytestmark = pytest.mark.publication


@pytest.fixture(scope="module")
def versions_url(published) -> Iterator[str]:
    """The published gh-pages tree served under the sub-path."""
    with serve(published.served, ServeOptions(prefix=PREFIX)) as url:
        yield url


def test_selector_lists_the_published_versions_and_switches(published, versions_url: str, tab) -> None:
    from publishing import ADDED_TEXT, CHANGED_URL

    versions = json.loads((published.served / "versions.json").read_text(encoding="utf-8"))
    expected = [v["title"] for v in versions]
    assert {"1.0", "1.1"} <= {v["version"] for v in versions}

    tab.goto(url_of(versions_url, f"latest/{CHANGED_URL}"))
    selector = tab.locator(".md-version")
    selector.wait_for(state="attached")
    # Each entry is the version's title, followed by its aliases (« dernière version »);
    # the menu is closed, its entries not laid out: read their text content.
    listed = [t.strip() for t in selector.locator(".md-version__link").all_text_contents() if t.strip()]
    assert len(listed) == len(expected) and all(
        shown.startswith(title) for shown, title in zip(listed, expected, strict=True)
    ), f"versions listées : {listed}, publiées : {expected}"
    assert tab.get_by_text(ADDED_TEXT).count() == 1, "latest/ n'est pas la version 1.1"

    # Choose 1.0, as a reader would: open the menu, click.
    selector.hover()
    with tab.expect_navigation():
        selector.locator(".md-version__link", has_text="1.0").first.click()
    landed = site_path(versions_url, tab.url)
    assert landed.startswith("1.0/"), landed
    assert landed == f"1.0/{CHANGED_URL}", f"le changement de version quitte la page : {landed}"
    assert tab.get_by_text(ADDED_TEXT).count() == 0, "la version 1.0 montre le texte de 1.1"
    assert tab.locator(".md-version__current").inner_text().strip().startswith("1.0")

    # And back to the newest one.
    selector = tab.locator(".md-version")
    selector.hover()
    with tab.expect_navigation():
        selector.locator(".md-version__link", has_text="1.1").first.click()
    assert site_path(versions_url, tab.url).startswith(("1.1/", "latest/"))
    assert tab.get_by_text(ADDED_TEXT).count() == 1


@pytest.mark.parametrize("url", ["latest/", "latest/note/", "1.0/note/", "latest/lettre.en/"])
def test_versioned_pages_have_no_wcag_violation(url: str, published, versions_url: str, tab) -> None:
    """The version selector, and the « old version » banner of 1.0, pass axe too."""
    from .test_a11y import describe, run_axe

    if not (published.served / url / "index.html").is_file():
        pytest.fail(f"{url} n'est pas publiée")
    tab.goto(url_of(versions_url, url), wait_until="networkidle")
    tab.locator(".md-version").wait_for(state="attached")
    violations = run_axe(tab)
    assert not violations, f"{url} :\n{describe(violations)}"


def test_version_menu_opens_with_enter_closes_with_escape_and_reads_well(published, versions_url: str, tab) -> None:  # type: ignore[no-untyped-def]
    """RGAA 7.1 and 8.7: state of the button, keyboard, and « 1.1 (…) (dernière version) »."""
    import re

    tab.goto(url_of(versions_url, "latest/note/"))
    button = tab.locator(".md-version__current")
    button.wait_for()
    tab.wait_for_function("document.querySelector('.md-version__current').hasAttribute('aria-expanded')")
    assert button.get_attribute("aria-expanded") == "false"
    links = tab.locator(".md-version__link")
    button.focus()
    settle(tab)  # Material's menu opens on focus after a delay: its transitions are over
    assert not links.first.is_visible(), "le menu s'ouvre au seul focus, sans le dire"
    tab.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    links.first.wait_for(state="visible")
    names = [" ".join(t.split()) for t in links.all_inner_texts()]
    assert any(re.fullmatch(r"1\.1 \(.+\) \(dernière version\)", n) for n in names), names
    assert not [n for n in names if re.search(r"\)\S|latest", n)], f"libellés de version collés ou en anglais : {names}"
    tab.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert tab.evaluate("document.activeElement.classList.contains('md-version__current')")
    links.first.wait_for(state="hidden")


def test_version_titles_are_marked_french_on_english_pages(published, versions_url: str, tab) -> None:  # type: ignore[no-untyped-def]
    if not (published.served / "latest" / "lettre.en" / "index.html").is_file():
        pytest.fail("latest/lettre.en/ n'est pas publiée")
    tab.goto(url_of(versions_url, "latest/lettre.en/"))
    tab.locator(".md-version__alias[data-kit-done]").first.wait_for(state="attached")
    unmarked = tab.evaluate("""() => [...document.querySelectorAll('.md-version__current, .md-version__link')]
      .flatMap(el => [...el.childNodes]).filter(n => n.nodeType === 3 && /[a-zé]{3}/.test(n.textContent))
      .map(n => n.textContent.trim())""")
    assert not unmarked, f"titres de version français sans lang=\"fr\" : {unmarked}"
    aliases = [" ".join(t.split()) for t in tab.locator(".md-version__alias").all_text_contents()]
    assert "(latest version)" in aliases and "latest" not in aliases, aliases


def test_old_version_banner_comes_after_the_skip_link_and_fits_at_320_pixels(published, versions_url: str, context) -> None:  # type: ignore[no-untyped-def]
    """RGAA 12.7 and 10.11, on 1.0's letter (its skip link is the kit's own, no table of contents)."""
    tab = context.new_page()
    tab.set_viewport_size({"width": 320, "height": 640})
    tab.goto(url_of(versions_url, "1.0/lettre/"))
    banner = tab.locator('[data-md-component="outdated"]:has(.kit-outdated)')
    banner.wait_for(state="visible")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.matches('.md-skip')"), "le premier arrêt n'est pas le lien d'évitement"
    tab.keyboard.press("Tab")
    assert tab.evaluate("!!document.activeElement.closest('[data-md-component=outdated]')"), "le bandeau ne suit pas le lien d'évitement"
    tab.locator(".md-version__current").wait_for()
    boxes = tab.evaluate("""() => [document.querySelector('.md-version__current'), document.querySelector('.md-header .md-select button')]
      .map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom]; })""")
    (a_left, a_right, a_top, a_bottom), (b_left, b_right, b_top, b_bottom) = boxes
    overlap = a_left < b_right and b_left < a_right and a_top < b_bottom and b_top < a_bottom
    assert not overlap, f"le bouton des versions chevauche celui des langues : {boxes}"
