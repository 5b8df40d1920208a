"""Page weight and speed of a built kit, measured in Chromium (used by ``bench.py --pages``).

The site is served on 127.0.0.1 under a sub-path with the intranet's gzip and
cache policy (kitdev.localserve). For each page: bytes transferred and requests on
a first visit (empty cache) and on a second one (same browser, cache kept),
DOMContentLoaded and load times; for the calendar, the filter's response time.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from kitdev.chromium import launch
from kitdev.localserve import ServeOptions, serve

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

# Per-kind totals, in the order they are printed.
KINDS = ("HTML", "CSS", "JS", "index", "polices", "images", "autres")

_RESOURCE_TIMING = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return {
    dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
    sizes: [[nav.name, nav.transferSize],
            ...performance.getEntriesByType('resource').map(r => [r.name, r.transferSize])],
  };
}"""

# Time from a change of the filter to the filtered list laid out. The form's submit
# handler runs the same filtering as a keystroke, at once: a keystroke first waits
# for a pause in the typing (calendar.js), a delay not counted here.
_FILTER_TIMING = """(words) => {
  const form = document.querySelector('[data-kit-cal-filter]');
  const box = form && form.querySelector('input[type=search], input[name=q]');
  if (!box) return null;
  const times = [];
  for (const word of words) {
    const start = performance.now();
    box.value = word;
    form.requestSubmit();
    document.body.offsetHeight;  // force the layout of the filtered list
    times.push(performance.now() - start);
  }
  box.value = '';
  form.requestSubmit();
  return {times, rows: document.querySelectorAll('[data-kit-cal] tbody tr').length};
}"""


def kind_of(url: str) -> str:
    """The kind of a resource, from its address."""
    path = urlsplit(url).path
    if path.endswith("/") or path.endswith(".html"):
        return "HTML"
    if path.endswith(".css"):
        return "CSS"
    if path.endswith(".js"):
        return "JS"
    if path.endswith("search_index.json"):
        return "index"
    if path.endswith((".woff", ".woff2", ".ttf", ".otf")):
        return "polices"
    if path.endswith((".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp", ".ico")):
        return "images"
    return "autres"


@dataclass
class Visit:
    """One visit of a page: what went over the network, and when the page was usable."""

    transferred: int  # bytes on the wire (headers included), cache hits count 0
    requests: int  # requests that reached the server
    by_kind: dict[str, int]
    dom_content_loaded_ms: float
    load_ms: float


@dataclass
class PageWeight:
    """A page measured on a first and a second visit."""

    label: str
    url: str
    first: Visit
    second: Visit
    filter_ms: list[float] = field(default_factory=list)
    filter_rows: int = 0


def _visit(context: BrowserContext, url: str) -> tuple[Visit, object]:
    """Open ``url`` in a new tab of ``context``; return the visit and the tab (left open)."""
    records: list[object] = []

    def record(request: object) -> None:
        records.append(request)

    context.on("requestfinished", record)
    page = context.new_page()
    # A long page is still being parsed when the network first goes quiet: load first.
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    timing = page.evaluate(_RESOURCE_TIMING)
    context.remove_listener("requestfinished", record)
    # The page's own timeline is exact (worker scripts included, cache hits at 0); the
    # requests made inside the search worker (language files) are only seen by Playwright.
    in_timeline: dict[str, list[int]] = {}
    for name, size in timing["sizes"]:
        in_timeline.setdefault(name, []).append(int(size))
    by_kind = dict.fromkeys(KINDS, 0)
    transferred = requests = 0
    for request in records:
        sizes = request.sizes()  # type: ignore[attr-defined]
        name = request.url  # type: ignore[attr-defined]
        if in_timeline.get(name):
            size = in_timeline[name].pop(0)
        else:
            size = max(0, sizes["responseBodySize"] + sizes["responseHeadersSize"])
        if size > 0:
            requests += 1
        transferred += size
        by_kind[kind_of(name)] += size
    visit = Visit(transferred, requests, by_kind, float(timing["dcl"]), float(timing["load"]))
    return visit, page


def measure_pages(site: Path, pages: list[tuple[str, str]], *, filter_words: list[str] | None = None,
                  runs: int = 3) -> list[PageWeight]:
    """Measure each ``(label, url)`` of ``site`` (a built kit) in Chromium.

    Each page gets a fresh browser context (empty cache) for its first visit, then
    a second visit in the same context. Times are medians over ``runs`` rounds.
    """
    from playwright.sync_api import sync_playwright

    results: list[PageWeight] = []
    with sync_playwright() as playwright, serve(site, ServeOptions(gzip=True)) as base:
        browser = launch(playwright)
        try:
            for label, url in pages:
                rounds: list[PageWeight] = []
                for _ in range(runs):
                    context = browser.new_context(service_workers="block")
                    first, tab = _visit(context, base + url)
                    measured = PageWeight(label, url, first, first)
                    if filter_words and tab.locator("[data-kit-cal-filter]").count():  # type: ignore[attr-defined]
                        timing = tab.evaluate(_FILTER_TIMING, filter_words)  # type: ignore[attr-defined]
                        if timing:
                            measured.filter_ms, measured.filter_rows = timing["times"], timing["rows"]
                    tab.close()  # type: ignore[attr-defined]
                    measured.second, _ = _visit(context, base + url)
                    context.close()
                    rounds.append(measured)
                results.append(_median_round(rounds))
        finally:
            browser.close()
    return results


def _median_round(rounds: list[PageWeight]) -> PageWeight:
    """Sizes from the first round (they do not vary), times as medians."""
    result = rounds[0]
    for visit in ("first", "second"):
        chosen: Visit = getattr(result, visit)
        chosen.dom_content_loaded_ms = statistics.median(getattr(r, visit).dom_content_loaded_ms for r in rounds)
        chosen.load_ms = statistics.median(getattr(r, visit).load_ms for r in rounds)
    times = [t for r in rounds for t in r.filter_ms]
    result.filter_ms = times
    return result
