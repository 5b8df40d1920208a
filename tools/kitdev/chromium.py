"""The Chromium the browser tests and the bench drive (Debian's package)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

CHROMIUM = Path("/usr/bin/chromium")
# Nothing but the site under test: no sync, no updates, no background traffic, and no request that
# leaves this machine. Chromium sends every request to a proxy at a closed port of 127.0.0.1 (it fails
# there, net::ERR_PROXY_CONNECTION_FAILED), except those to this machine itself, which it never sends
# to a proxy; no name is resolved but 127.0.0.1's. The guard is the browser's own: no request waits on
# the test's Python (a Playwright route costs a round trip for each request). Tests still record every
# request a page makes, and fail on one to another host.
#
# Playwright starts Chromium with a --disable-features list of its own, and Chromium keeps only the last
# --disable-features it is given: this list repeats Playwright's (its chromiumSwitches, in the locked
# version; tests/browser/test_chromium.py checks that it still holds every one of them) and adds the
# address bar's drop-down. Chromium makes it a page of its own interface (chrome://omnibox-popup.top-chrome/,
# and its AI-mode variant) that every new window, so every Playwright context, loads in two renderers
# of its own; headless, nobody ever sees it. Without it, ten contexts open in half the time (4.0 s
# against 8.3 s, and 1.2 s of processor time against 2.2 s, on this 2-core machine under load).
PLAYWRIGHT_DISABLED_FEATURES = [
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding",
    "ThirdPartyStoragePartitioning", "AvoidCorsURLLoaderRestartOnRedirect", "TcpPortRandomizationWin",
    "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled", "PreconnectToSearch",
    "msForceBrowserSignIn", "msEdgeUpdateLaunchServicesPreferredVersion",
]
BROWSER_UI_FEATURES = ["WebUIOmniboxPopup", "WebUIOmniboxAimPopup"]
LAUNCH_ARGS = [
    "--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + BROWSER_UI_FEATURES),
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def launch(playwright: Playwright) -> Browser:
    """Start a headless Chromium from ``/usr/bin/chromium``."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(
            f"Chromium est introuvable ({CHROMIUM}) : installez le paquet Debian « chromium »."
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
