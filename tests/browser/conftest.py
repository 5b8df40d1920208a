"""Browser fixtures: the site built once, served under a sub-path, one Chromium per session.

Every page opened through the ``tab`` fixture has its requests recorded; a
request to any host other than 127.0.0.1 is blocked and fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from kitdev.chromium import CHROMIUM, MISSING
from kitdev.localserve import ServeOptions, serve

from .settle import init_scripts

PREFIX = "/kit-forums/"
# axe-core comes from npm (package-lock.json), installed into node_modules/ by `make test`. The test
# server serves it beside the site, outside its prefix: a page loads it as a script of its own
# origin, which the tab's cache keeps compiled from one page to the next.
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_PATH = "/__tests__/axe.min.js"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder drives the browser: mark it, and skip it without Chromium."""
    here = Path(__file__).parent
    missing = pytest.mark.skip(reason=MISSING)
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(missing)


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """The built kit served at ``http://127.0.0.1:PORT/kit-forums/`` (and axe-core at :data:`AXE_PATH`)."""
    with serve(site, ServeOptions(prefix=PREFIX, aside={AXE_PATH: AXE_JS})) as url:
        yield url


@dataclass
class RequestLog:
    """Every URL the browser asked for, and those that left 127.0.0.1."""

    urls: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def record(self, url: str) -> None:
        self.urls.append(url)
        scheme, host = urlsplit(url).scheme, urlsplit(url).hostname
        if scheme in {"http", "https", "ws", "wss"} and host != "127.0.0.1":
            self.outside.append(url)

    def assert_local(self) -> None:
        """Fail the test if a request left 127.0.0.1."""
        assert not self.outside, f"Requêtes hors de 127.0.0.1 : {self.outside}"


@dataclass
class RelayedLog:
    """Stands for the :class:`RequestLog` of whichever test uses a shared tab at the moment."""

    current: RequestLog = field(default_factory=RequestLog)

    def record(self, url: str) -> None:
        self.current.record(url)

    def assert_local(self) -> None:
        self.current.assert_local()


@pytest.fixture
def requests_log() -> RequestLog:
    """The requests of the current test's browser context."""
    return RequestLog()


# A test's browser context: French, desktop size, no service worker, and a 10 s limit on each wait.
CONTEXT_OPTIONS = {"locale": "fr-FR", "viewport": {"width": 1280, "height": 900}, "accept_downloads": True,
                   "service_workers": "block"}
TIMEOUT_MS = 10_000


@contextmanager
def recording_context(browser, log: RequestLog | RelayedLog | None = None) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh French browser context (desktop size) that records every request in ``log``: the browser
    itself refuses to leave 127.0.0.1 (kitdev.chromium), and a request to another host fails the test."""
    log = log if log is not None else RequestLog()
    ctx = browser.new_context(**CONTEXT_OPTIONS)
    ctx.on("request", lambda request: log.record(request.url))
    init_scripts(ctx)
    ctx.set_default_timeout(TIMEOUT_MS)
    try:
        yield ctx
    finally:
        ctx.close()
    log.assert_local()


@pytest.fixture
def context(browser, requests_log: RequestLog, base_url: str) -> Iterator[object]:
    """The test's own :func:`recording_context`, its requests in ``requests_log``."""
    with recording_context(browser, requests_log) as ctx:
        yield ctx


@pytest.fixture
def tab(context):
    """A page (browser tab) in the test's context."""
    return context.new_page()


@dataclass
class SharedTab:
    """A tab, in a context of its own, that a module's reading tests take in turn (:func:`reader`)."""

    page: Any
    log: RelayedLog


@pytest.fixture(scope="module")
def shared_tab(browser, base_url: str) -> Iterator[SharedTab]:  # type: ignore[no-untyped-def]
    log = RelayedLog()
    with recording_context(browser, log) as ctx:
        yield SharedTab(ctx.new_page(), log)  # type: ignore[attr-defined]


@pytest.fixture
def reader(shared_tab: SharedTab, requests_log: RequestLog):  # type: ignore[no-untyped-def]
    """A tab for a test that only opens pages and reads them (axe, a width): it goes to its page, and
    neither types, clicks, scrolls nor goes back.

    Such a test gets the same page in its own context (:func:`tab`) or here; here, the module's tests
    take one tab in turn, which saves each a renderer started and Material's scripts compiled again
    (about 0.15 s of processor time a test, and 0.13 s more where axe-core is loaded).
    What a fresh context would not have is undone between two tests: the tab is back at the desktop
    size, its storage and cookies are empty, and it leaves the test's page for a blank one, so that
    no request of one test's page reaches the next test's log. A tab that cannot be cleaned (a test
    that failed on a stuck page) is replaced.
    """
    shared_tab.log.current = requests_log
    shared_tab.page.set_viewport_size(CONTEXT_OPTIONS["viewport"])
    yield shared_tab.page
    page = shared_tab.page
    try:
        if urlsplit(page.url).scheme in {"http", "https"}:
            page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
        page.context.clear_cookies()
        page.goto("about:blank")
    except Exception:  # whatever broke the tab, the next test gets a new one
        context = page.context
        page.close()
        shared_tab.page = context.new_page()
    requests_log.assert_local()


def url_of(base_url: str, path: str) -> str:
    """The absolute URL of a site page given relative to the site root."""
    return base_url + path.lstrip("/")


def site_path(base_url: str, url: str) -> str:
    """The part of ``url`` after the site prefix (``"lettre/"``), without query or fragment."""
    path = urlsplit(url).path
    prefix = urlsplit(base_url).path
    assert path.startswith(prefix), f"{url} est hors du site ({prefix})"
    return path[len(prefix):]
