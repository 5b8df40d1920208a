"""Visiting many pages, a few tabs at a time: each page waited for as alone, the waits side by side.

A walk over every kind of page waits, on each, for the network to have been idle for half a
second (Playwright's ``networkidle``): the page has made every request it makes on its own.
Opened a few at a time in tabs of the same browser context, the pages wait those half-seconds
together instead of one after the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

# Tabs open at once: beyond this, two cores only share the same work differently (measured on
# 32 page types: 26 s one by one, 14 s four at a time, 11 s eight at a time).
TABS = 8
# How long a tab may take to reach ``networkidle``: eight pages load at once, on two cores that the
# test run's other worker shares (the keyboard walks of test_rgaa.py drive five pages of their
# own). Ten seconds were once exceeded there, in 1 run of 20; a page that never settles still fails.
IDLE_TIMEOUT_MS = 30_000


def visit(context: Any, urls: list[str]) -> Iterator[tuple[str, Any]]:
    """Each of ``urls`` with its tab, in order, once the tab has reached ``networkidle``.

    A tab stays open until the caller moves past the last page of its group (a page's state can
    still be read, its script run), then it is closed.
    """
    for start in range(0, len(urls), TABS):
        group = urls[start:start + TABS]
        pages = [context.new_page() for _ in group]
        try:
            for page, url in zip(pages, group, strict=True):
                page.goto(url, wait_until="commit", timeout=IDLE_TIMEOUT_MS)
            for page, url in zip(pages, group, strict=True):
                try:
                    page.wait_for_load_state("networkidle", timeout=IDLE_TIMEOUT_MS)
                except PlaywrightTimeout:
                    pytest.fail(f"{url} : la page fait encore des requêtes après {IDLE_TIMEOUT_MS // 1000} s")
                yield url, page
        finally:
            for page in pages:
                page.close()
