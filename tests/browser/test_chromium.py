"""The browser the tests drive: nothing of Chromium's own interface is loaded beside the pages under test."""

from __future__ import annotations


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
