"""The browser the tests drive: nothing of Chromium's own interface is loaded beside the pages under test."""

from __future__ import annotations

from .conftest import CONTEXT_OPTIONS


def test_a_new_context_loads_no_page_of_the_browsers_own_interface(browser) -> None:  # type: ignore[no-untyped-def]
    """Each context holds its pages alone: no window, no address bar drop-down (chrome:// pages).

    The full Chromium, even headless, opens two pages of its own interface in every new context
    (its address bar's drop-down); the headless shell (kitdev.chromium) opens none.
    """
    context = browser.new_context()
    try:
        context.new_page().set_content("<p>page</p>")
        session = browser.new_browser_cdp_session()
        targets = session.send("Target.getTargets")["targetInfos"]
        session.detach()
    finally:
        context.close()
    interface = [target["url"] for target in targets if target["url"].startswith("chrome://")]
    assert not interface, f"pages de l'interface de Chromium chargées à chaque contexte : {interface}"


# The two tests below run in this order, in one module: the second takes the tab the first left.
def test_a_reading_test_leaves_the_shared_tab_narrow_with_storage_and_a_cookie(base_url: str, reader) -> None:  # type: ignore[no-untyped-def]
    reader.set_viewport_size({"width": 320, "height": 640})
    reader.goto(base_url)
    reader.evaluate("""() => { localStorage.setItem('kit-essai', '1'); sessionStorage.setItem('kit-essai', '1');
                               document.cookie = 'kit-essai=1; path=/'; }""")
    assert reader.context.cookies(), "le cookie d'essai n'a pas été posé"


def test_the_next_reading_test_finds_the_shared_tab_as_a_fresh_context_would_be(
        base_url: str, reader, requests_log) -> None:  # type: ignore[no-untyped-def]
    """Desktop size, no cookie, empty storage, and none of the previous test's requests in its log."""
    assert reader.viewport_size == CONTEXT_OPTIONS["viewport"]
    assert not reader.context.cookies()
    assert not requests_log.urls, requests_log.urls[:3]
    reader.goto(base_url)
    assert reader.evaluate("[localStorage.length, sessionStorage.length]") == [0, 0]
    assert base_url in requests_log.urls
