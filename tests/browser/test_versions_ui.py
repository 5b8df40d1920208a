"""The version selector of a tree published with mike (versions 1.0 and 1.1, see tests/publishing.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tools.localserve import ServeOptions, serve

from .conftest import PREFIX, site_path, url_of

pytestmark = pytest.mark.publication


@pytest.fixture(scope="module")
def versions_url(published) -> Iterator[str]:
    """The published gh-pages tree served under the sub-path."""
    with serve(published.served, ServeOptions(prefix=PREFIX)) as url:
        yield url


def test_selector_lists_the_published_versions_and_switches(published, versions_url: str, tab) -> None:
    from publishing import ADDED_TEXT

    versions = json.loads((published.served / "versions.json").read_text(encoding="utf-8"))
    expected = [v["title"] for v in versions]
    assert {"1.0", "1.1"} <= {v["version"] for v in versions}

    tab.goto(url_of(versions_url, "latest/note/"))
    selector = tab.locator(".md-version")
    selector.wait_for(state="attached")
    # Each entry is the version's title, followed by its aliases (« latest »).
    listed = [t.strip() for t in selector.locator(".md-version__link").all_inner_texts() if t.strip()]
    assert len(listed) == len(expected) and all(
        shown.startswith(title) for shown, title in zip(listed, expected, strict=True)
    ), f"versions listées : {listed}, publiées : {expected}"
    assert tab.get_by_text(ADDED_TEXT).count() == 1, "latest/ n'est pas la version 1.1"

    # Choose 1.0, as a reader would: open the menu, click.
    selector.hover()
    with tab.expect_navigation():
        selector.locator(".md-version__link", has_text="1.0").first.click()
    landed = site_path(versions_url, tab.url)
    assert landed.startswith("1.0/"), landed
    assert landed == "1.0/note/", f"le changement de version quitte la page : {landed}"
    assert tab.get_by_text(ADDED_TEXT).count() == 0, "la version 1.0 montre le texte de 1.1"
    assert tab.locator(".md-version__current").inner_text().strip().startswith("1.0")

    # And back to the newest one.
    selector = tab.locator(".md-version")
    selector.hover()
    with tab.expect_navigation():
        selector.locator(".md-version__link", has_text="1.1").first.click()
    assert site_path(versions_url, tab.url).startswith(("1.1/", "latest/"))
    assert tab.get_by_text(ADDED_TEXT).count() == 1


@pytest.mark.parametrize("url", ["latest/", "latest/note/", "1.0/note/", "latest/lettre.en/"])
def test_versioned_pages_have_no_wcag_violation(url: str, published, versions_url: str, tab) -> None:
    """The version selector, and the « old version » banner of 1.0, pass axe too."""
    from .test_a11y import describe, run_axe

    if not (published.served / url / "index.html").is_file():
        pytest.fail(f"{url} n'est pas publiée")
    tab.goto(url_of(versions_url, url), wait_until="networkidle")
    tab.locator(".md-version").wait_for(state="attached")
    violations = run_axe(tab)
    assert not violations, f"{url} :\n{describe(violations)}"
