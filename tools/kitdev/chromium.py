"""The Chromium the browser tests and the bench drive (Debian's package)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.async_api import Browser as AsyncBrowser
    from playwright.async_api import Playwright as AsyncPlaywright
    from playwright.sync_api import Browser, Playwright

# Debian's chromium-headless-shell: Chromium's headless browser without any of its interface (no
# window, no address bar), the build Playwright itself runs for headless tests. The same Blink renders
# the pages as in the full browser, which opens its address bar's drop-down pages in every new context
# (measured with a prebuilt site, tests/browser/ on 2 cores: 379 s of processor time against 506 s).
CHROMIUM = Path("/usr/bin/chromium-headless-shell")
DEBIAN_PACKAGE = "chromium-headless-shell"
MISSING = f"Chromium est absent ({CHROMIUM}) : .ci/run installe le paquet Debian « {DEBIAN_PACKAGE} »."
# Nothing but the site under test: no sync, no updates, no background traffic, and no request that
# leaves this machine. Chromium sends every request to a proxy at a closed port of 127.0.0.1 (it fails
# there, net::ERR_PROXY_CONNECTION_FAILED), except those to this machine itself, which it never sends
# to a proxy; no name is resolved but 127.0.0.1's. The guard is the browser's own: no request waits on
# the test's Python (a Playwright route costs a round trip for each request). Tests still record every
# request a page makes, and fail on one to another host.
#
# No --disable-features here: Chromium keeps only the last one it is given, and Playwright passes its own.
LAUNCH_ARGS = [
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
    """Start the headless Chromium of :data:`CHROMIUM`."""
    return playwright.chromium.launch(**_launch_options())


async def launch_async(playwright: AsyncPlaywright) -> AsyncBrowser:
    """:func:`launch`, for Playwright's asynchronous API."""
    return await playwright.chromium.launch(**_launch_options())


def _launch_options() -> dict[str, Any]:
    if not CHROMIUM.exists():
        raise FileNotFoundError(MISSING)
    return {"executable_path": str(CHROMIUM), "args": LAUNCH_ARGS, "headless": True}
