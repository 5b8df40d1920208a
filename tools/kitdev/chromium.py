"""The Chromium the browser tests and the bench drive (Debian's package)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

CHROMIUM = Path("/usr/bin/chromium")
# Nothing but the site under test: no sync, no updates, no background traffic.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright: Playwright) -> Browser:
    """Start a headless Chromium from ``/usr/bin/chromium``."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(
            f"Chromium est introuvable ({CHROMIUM}) : installez le paquet Debian « chromium »."
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
