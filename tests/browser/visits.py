"""Visiting many pages, a few tabs at a time: each page waited for as alone, the waits side by side.

A walk over every kind of page waits, on each, for the network to have been idle for half a
second (Playwright's ``networkidle``): the page has made every request it makes on its own.
Opened a few at a time in tabs of the same browser context, the pages wait those half-seconds
together instead of one after the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# Tabs open at once: beyond this, two cores only share the same work differently (measured on
# 32 page types: 26 s one by one, 14 s four at a time, 11 s eight at a time).
TABS = 8


def visit(context: Any, urls: list[str]) -> Iterator[tuple[str, Any]]:
    """Each of ``urls`` with its tab, in order, once the tab has reached ``networkidle``.

    A page stays open until the caller moves past the last page of its group (its state can still
    be read, its script run); then its tab goes on to a page of the next group, and the tabs are
    closed after the last one. A tab kept saves starting a renderer and compiling Material's
    scripts again for each page: 0.16 s of processor time a page instead of 0.27 s, measured.
    """
    pages = [context.new_page() for _ in urls[:TABS]]
    try:
        for start in range(0, len(urls), TABS):
            group = urls[start:start + TABS]
            for page, url in zip(pages, group, strict=False):
                page.goto(url, wait_until="commit")
            for page, url in zip(pages, group, strict=False):
                page.wait_for_load_state("networkidle")
                yield url, page
    finally:
        for page in pages:
            page.close()
