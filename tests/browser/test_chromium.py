"""The browser the tests drive: nothing of Chromium's own interface is loaded beside the pages under test."""

from __future__ import annotations

import re
from pathlib import Path

from kitdev.chromium import LAUNCH_ARGS, PLAYWRIGHT_DISABLED_FEATURES


def test_a_new_context_loads_no_page_of_the_browsers_own_interface(browser) -> None:  # type: ignore[no-untyped-def]
    """Each context is a window: headless, it loads nothing but its pages (no address bar drop-down)."""
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


def test_playwrights_own_disabled_features_are_kept() -> None:
    """Chromium keeps only the last --disable-features: the kit's list must repeat all of Playwright's."""
    from playwright._impl._driver import compute_driver_executable

    bundle = Path(compute_driver_executable()[1]).parent / "lib" / "coreBundle.js"
    text = bundle.read_text(encoding="utf-8", errors="replace")
    listed = re.search(r"disabledFeatures = \[(?P<body>.*?)\]", text, re.DOTALL)
    assert listed, f"{bundle} : la liste des fonctions que Playwright désactive est introuvable"
    playwrights = re.findall(r'^\s*"([A-Za-z]+)",?\s*(?://.*)?$', listed["body"], re.MULTILINE)
    assert playwrights, listed["body"][:500]
    assert set(playwrights) <= set(PLAYWRIGHT_DISABLED_FEATURES), sorted(set(playwrights) - set(PLAYWRIGHT_DISABLED_FEATURES))
    disabled = [arg for arg in LAUNCH_ARGS if arg.startswith("--disable-features=")]
    assert len(disabled) == 1 and set(PLAYWRIGHT_DISABLED_FEATURES) <= set(disabled[0].split("=", 1)[1].split(","))
