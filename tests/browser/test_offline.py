"""Intranet-safe: no request of any page ever leaves 127.0.0.1 (fonts, scripts, search, maps)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import RequestLog, url_of
from .pagetypes import PAGE_TYPES
from .test_search import search

# What a page needs to display (not the background fetches of optional features).
ASSETS = {"document", "stylesheet", "script", "image", "font"}


def test_every_page_type_stays_on_the_intranet(site: Path, base_url: str, tab, requests_log: RequestLog) -> None:  # type: ignore[no-untyped-def]
    """Every kind of page, in each language, and a search."""
    failed: set[str] = set()
    tab.on("response", lambda r: failed.add(f"{r.status} {r.url} ({r.request.resource_type})")
           if r.status >= 400 and not r.url.endswith("/versions.json") else None)
    urls = [u for u in (p.find(site) for p in PAGE_TYPES) if u is not None]
    assert urls, "aucune page construite"
    for url in urls:
        tab.goto(url_of(base_url, url), wait_until="networkidle")
    # The search loads its index, its worker and its language files: here too.
    tab.goto(url_of(base_url, ""))
    search(tab, "sécurité")
    tab.wait_for_load_state("networkidle")
    hosts = {urlsplit(u).hostname for u in requests_log.urls if urlsplit(u).scheme in {"http", "https"}}
    assert hosts == {"127.0.0.1"}, f"hôtes contactés : {hosts} ; hors site : {requests_log.outside}"
    assert any(u.endswith("search_index.json") for u in requests_log.urls), (
        "l'index de recherche n'a pas été vu : les requêtes du worker échappent à l'enregistrement")
    # And nothing was asked outside the site's sub-path either (relative URLs only), except
    # the version list, which mike publishes one level up, beside the versions' folders.
    prefix = urlsplit(base_url).path
    escaped = {u for u in requests_log.urls if urlsplit(u).scheme in {"http", "https"}
               and not urlsplit(u).path.startswith(prefix) and not u.endswith("/versions.json")}
    assert not escaped, f"requêtes hors du sous-chemin {prefix} : {sorted(escaped)}"
    # Nothing missing either: no asset or background request answered 4xx/5xx.
    assert not failed, "requêtes en échec :\n" + "\n".join(sorted(failed))


def test_outside_request_would_be_caught(base_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    """The guard itself works: a page that asks for an outside image is recorded."""
    log = RequestLog()
    context = browser.new_context()
    context.on("request", lambda r: log.record(r.url))
    context.route("**/*", lambda route: route.abort() if urlsplit(route.request.url).hostname != "127.0.0.1"
                  else route.continue_())
    page = context.new_page()
    page.goto(url_of(base_url, ""))
    page.set_content('<img src="https://example.org/x.png">')
    page.wait_for_timeout(200)
    context.close()
    assert log.outside == ["https://example.org/x.png"]


@pytest.mark.parametrize("url", ["", "lettre/"])
def test_works_under_another_sub_path(url: str, site: Path, browser) -> None:  # type: ignore[no-untyped-def]
    """Same pages served under a deeper prefix: every asset still loads (relative URLs only)."""
    from kit.localserve import ServeOptions, serve

    if not (site / url / "index.html").is_file():
        pytest.skip(f"{url} pas encore construite")
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
