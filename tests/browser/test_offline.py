"""Intranet-safe: no request of any page ever leaves 127.0.0.1 (fonts, scripts, search, maps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import RequestLog, url_of
from .pagetypes import PAGE_TYPES
from .settle import init_scripts
from .test_search import search
from .visits import visit

# What a page needs to display (not the background fetches of optional features).
ASSETS = {"document", "stylesheet", "script", "image", "font"}


@dataclass
class Walk:
    """What the browser asked for while visiting every kind of page and searching."""

    log: RequestLog
    failed: set[str] = field(default_factory=set)
    pages: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def walk(site: Path, base_url: str, browser) -> Walk:
    """Every kind of page, in each language, then a search (index, worker, language files)."""
    result = Walk(RequestLog(), pages=[u for u in (p.find(site) for p in PAGE_TYPES) if u is not None])
    context = browser.new_context(locale="fr-FR", service_workers="block")
    init_scripts(context)  # the search watcher
    context.on("request", lambda r: result.log.record(r.url))
    context.on("response", lambda r: result.failed.add(f"{r.status} {r.url} ({r.request.resource_type})")
               if r.status >= 400 and not r.url.endswith("/versions.json") else None)
    for _ in visit(context, [url_of(base_url, url) for url in result.pages]):
        pass  # each page has made every request it makes on its own (networkidle)
    tab = context.new_page()
    tab.goto(url_of(base_url, ""))
    search(tab, "sécurité")
    tab.wait_for_load_state("networkidle")
    context.close()
    return result


def test_no_request_leaves_127_0_0_1(walk: Walk) -> None:
    assert walk.pages, "aucune page construite"
    hosts = {urlsplit(u).hostname for u in walk.log.urls if urlsplit(u).scheme in {"http", "https"}}
    assert hosts == {"127.0.0.1"}, f"hôtes contactés : {hosts} ; hors site : {walk.log.outside}"


def test_search_worker_requests_are_recorded_too(walk: Walk) -> None:
    assert any(u.endswith("search_index.json") for u in walk.log.urls), (
        "l'index de recherche n'a pas été vu : les requêtes du worker échappent à l'enregistrement")
    assert any("/lunr/" in u for u in walk.log.urls), "les fichiers de langue de la recherche n'ont pas été vus"


def test_no_request_escapes_the_sub_path(walk: Walk, base_url: str) -> None:
    """Relative URLs only; except the version list, which mike publishes one level up."""
    prefix = urlsplit(base_url).path
    escaped = {u for u in walk.log.urls if urlsplit(u).scheme in {"http", "https"}
               and not urlsplit(u).path.startswith(prefix) and not u.endswith("/versions.json")}
    assert not escaped, f"requêtes hors du sous-chemin {prefix} : {sorted(escaped)}"


def test_no_request_fails(walk: Walk) -> None:
    """No asset or background request answers 4xx/5xx on any kind of page."""
    failed = sorted(walk.failed)
    assert not failed, "requêtes en échec :\n" + "\n".join(failed)


def test_outside_request_would_be_caught(base_url: str, browser) -> None:
    """The guard itself works: a page that asks for outside images is recorded, and the browser (its launch
    arguments, kitdev.chromium) refuses them, by name or by address."""
    log = RequestLog()
    context = browser.new_context()
    context.on("request", lambda r: log.record(r.url))
    page = context.new_page()
    page.goto(url_of(base_url, ""))
    failures: dict[str, str | None] = {}
    page.on("requestfailed", lambda r: failures.__setitem__(r.url, r.failure))
    outside = ["https://example.org/x.png", "http://93.184.216.34/y.png"]
    # The requests are recorded as they are made, before the browser refuses them.
    with page.expect_event("requestfailed", lambda r: r.url == outside[-1]):
        page.set_content("".join(f'<img src="{url}">' for url in outside))
    page.wait_for_function("() => [...document.images].every(image => image.complete)")
    context.close()
    assert log.outside == outside
    assert set(failures) == set(outside) and all(failures.values()), failures


@pytest.mark.parametrize("url", ["", "lettre/"])
def test_works_under_another_sub_path(url: str, site: Path, browser) -> None:
    """Same pages served under a deeper prefix: every asset still loads (relative URLs only)."""
    from kitdev.localserve import ServeOptions, serve

    if not (site / url / "index.html").is_file():
        pytest.fail(f"{url} pas construite")
    failed: list[str] = []
    with serve(site, ServeOptions(prefix="/intranet/dicom/kit/")) as other:
        context = browser.new_context()
        page = context.new_page()
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}")
                if r.status >= 400 and r.request.resource_type in ASSETS else None)
        page.goto(url_of(other, url), wait_until="networkidle")
        css_loaded = page.evaluate("getComputedStyle(document.querySelector('.md-header')).position")
        context.close()
    assert not failed, failed
    assert css_loaded == "sticky", "la feuille de style de Material n'est pas chargée"
