"""The README's test film plays in Chromium, from a version served by the real nginx (deploy/nginx.conf).

The tree is the one the intranet's server holds: the version mike builds in
kit-forums/latest/, the films' media in kit-forums/films/. The film plays, seeks
(nginx answers byte ranges), shows its French captions by default, under the
site's Content-Security-Policy, and the page passes axe.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from films_media import add_the_recipes_film, build_published_tree, need_ffmpeg
from publishing import free_port, nginx
from readme_recipes import read_recipes

from .conftest import CONTEXT_OPTIONS, TIMEOUT_MS
from .test_a11y import describe, run_axe

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    need_ffmpeg()
    from editors_day import copy_of_the_repository

    clone = copy_of_the_repository(tmp_path_factory.mktemp("films-nav") / "kit")
    add_the_recipes_film(clone, read_recipes(ROOT / "README.md"))
    tree = build_published_tree(clone, tmp_path_factory.mktemp("films-nav-serveur"))
    with nginx(tree, free_port(), tmp_path_factory.mktemp("films-nginx")) as url:
        yield url


@pytest.fixture
def tab(browser, server: str) -> Iterator[object]:
    """A French tab that may only reach 127.0.0.1, with console messages kept (CSP refusals show there)."""
    ctx = browser.new_context(**CONTEXT_OPTIONS)
    outside: list[str] = []

    def guard(route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("blockedbyclient")

    ctx.route("**/*", guard)
    ctx.set_default_timeout(TIMEOUT_MS)
    page = ctx.new_page()
    page.console_messages = []  # type: ignore[attr-defined]
    page.on("console", lambda message: page.console_messages.append(message.text))  # type: ignore[attr-defined]
    yield page
    ctx.close()
    assert not outside, f"Requêtes hors de 127.0.0.1 : {outside}"


def test_nginx_serves_the_film_with_byte_ranges(server: str) -> None:
    request = urllib.request.Request(f"{server}/kit-forums/films/essai.mp4", headers={"Range": "bytes=100-199"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 206
        assert response.headers["Content-Type"] == "video/mp4"
        assert response.headers["Content-Range"].startswith("bytes 100-199/")
        assert len(response.read()) == 100
    with urllib.request.urlopen(f"{server}/kit-forums/latest/films/essai.fr.vtt", timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/vtt")
        assert response.headers["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize("url", ["films/", "films.en/"])
def test_the_film_plays_seeks_and_shows_its_captions(server: str, tab, url: str) -> None:
    tab.goto(f"{server}/kit-forums/latest/{url}")
    video = tab.locator("video").first
    tab.wait_for_function("() => document.querySelector('video').readyState >= 1")
    assert video.evaluate("v => v.textTracks.length") == 1
    assert video.evaluate("v => [v.textTracks[0].kind, v.textTracks[0].language]") == ["captions", "fr"]
    # Functions, not expressions: Playwright evaluates an expression with eval, which the policy forbids.
    # Captions on by default, for projection.
    tab.wait_for_function("() => document.querySelector('video').textTracks[0].mode === 'showing'")
    assert video.evaluate("v => v.autoplay || !v.paused") is False
    # Played muted: a browser starts sound only on a person's gesture.
    video.evaluate("v => { v.muted = true; return v.play(); }")
    tab.wait_for_function("() => { const v = document.querySelector('video');"
                          " return v.readyState >= 2 && v.currentTime > 0.5; }")
    video.evaluate("v => v.pause()")
    video.evaluate("v => new Promise(done => { v.addEventListener('seeked', done, {once: true});"
                   " v.currentTime = 3; })")
    assert abs(video.evaluate("v => v.currentTime") - 3) < 0.1
    tab.wait_for_function("() => { const t = document.querySelector('video').textTracks[0];"
                          " return t.activeCues && t.activeCues.length > 0; }")
    assert video.evaluate("v => v.textTracks[0].activeCues[0].text") == "Aucune parole, aucun son."
    refused = [m for m in tab.console_messages if "Content Security Policy" in m]
    assert not refused, refused


def test_the_page_with_a_film_passes_axe(browser, server: str) -> None:
    # axe is injected as an inline script: this context alone bypasses the site's policy.
    ctx = browser.new_context(locale="fr-FR", bypass_csp=True, service_workers="block")
    try:
        for url in ("films/", "films.en/"):
            tab = ctx.new_page()
            tab.goto(f"{server}/kit-forums/latest/{url}")
            violations = run_axe(tab)
            assert not violations, f"{url} :\n{describe(violations)}"
    finally:
        ctx.close()
