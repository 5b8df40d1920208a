"""Versions with mike: 1.0 and 1.1 published in a temporary clone (fixture ``published``, from its own changelog)."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from kit.publishing import changelog
from publishing import (
    ADDED_TEXT,
    CHANGE_DAY,
    CHANGED_PAGE,
    CHANGED_URL,
    CHANGED_URL_EN,
    ENTRY_1_1,
    FIRST_EDITION,
    MARK,
    PREFIX,
    Published,
)

# Not in the publication gate: these tests publish a season of their own in a copy (the machinery of
# versions, whatever the content), which CI runs on every push; the gate checks what an editor changes.
pytestmark = pytest.mark.publication


def pages_of(published: Published, version: str) -> list[str]:
    """Every HTML page of a published version, as paths relative to it."""
    root = published.served / version
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("index.html"))


def test_versions_json_lists_both_versions_with_latest_on_the_newest(published: Published) -> None:
    versions = json.loads(published.read("versions.json"))
    assert [entry["version"] for entry in versions] == ["1.1", "1.0"]
    assert versions[0]["aliases"] == ["latest"] and versions[1]["aliases"] == []
    # Default titles come from the changelog headings.
    assert versions[0]["title"] == f"{ENTRY_1_1.version} ({ENTRY_1_1.date_fr})"
    assert versions[1]["title"] == f"{FIRST_EDITION.version} ({FIRST_EDITION.date_fr})"
    assert "Version 1.1 publiée" in published.second.stdout
    assert "Version tirée de docs/nouveautes.md : 1.1" in published.second.stdout


def test_root_redirects_to_latest(published: Published) -> None:
    root = published.read("index.html")
    assert 'http-equiv="refresh" content="0; url=latest/"' in root
    # The script keeping the query and fragment is a file (no inline script under the CSP).
    assert '<script src="latest/assets/javascripts/theme/redirect.js" data-href="latest/"></script>' in root
    assert "location.replace" in published.read("latest/assets/javascripts/theme/redirect.js")
    assert '<html lang="fr">' in root and "Redirection" in root


def test_latest_is_a_real_copy_not_a_symlink(published: Published) -> None:
    """alias_type: copy — the intranet server follows no symlink (deploy/nginx.conf)."""
    tree = subprocess.run(["git", "ls-tree", "-r", published.branch], cwd=published.repo,
                          capture_output=True, text=True, check=True).stdout
    modes = {line.split()[0] for line in tree.splitlines()}
    assert modes <= {"100644", "100755"}, "un lien symbolique a été publié"
    assert not any(path.is_symlink() for path in published.served.rglob("*"))
    assert pages_of(published, "latest") == pages_of(published, "1.1")
    assert published.read("latest/note/index.html") == published.read("1.1/note/index.html")


def test_older_version_keeps_its_text(published: Published) -> None:
    assert ADDED_TEXT not in published.read(f"1.0/{CHANGED_URL}index.html")
    assert ADDED_TEXT in published.read(f"1.1/{CHANGED_URL}index.html")
    assert ADDED_TEXT in published.read(f"latest/{CHANGED_URL}index.html")
    old_changelog = published.read("1.0/nouveautes/index.html")
    assert 'id="version-1-0"' in old_changelog and 'id="version-1-1"' not in old_changelog


def test_every_version_carries_the_outdated_banner_for_the_latest(published: Published) -> None:
    """Material shows it from versions.json; its markup and link are on every page of every version."""
    for version in ("1.0", "1.1"):
        pages = pages_of(published, version)
        assert len(pages) > 20
        for rel in pages:
            html = published.read(f"{version}/{rel}")
            assert 'data-md-component="outdated" hidden' in html, rel
            banner = re.search(r'<p class="kit-outdated">(.*?)</p>', html, re.S)
            assert banner, rel
            depth = rel.count("/")
            # From the version root, « latest » is a sibling: one more « ../ » than the page depth.
            target = "./../latest/" if depth == 0 else "../" * depth + "../latest/"
            assert f'href="{target}"' in banner.group(1), (rel, banner.group(1))
            assert f"({version})" in banner.group(1)
    config = re.search(r'<script id="__config" type="application/json">(.*?)</script>',
                       published.read("1.0/index.html"), re.S)
    assert config and json.loads(config.group(1))["version"] == {"provider": "mike", "default": "latest",
                                                                 "alias": True}


def test_changed_in_marks_only_on_the_changed_pages_of_the_new_version(published: Published) -> None:
    marked = {}
    for version in ("1.0", "1.1"):
        for rel in pages_of(published, version):
            match = MARK.search(published.read(f"{version}/{rel}"))
            if match:
                marked[f"{version}/{rel}"] = match.groups()
    # The first version marks nothing; 1.1 marks the changed page, in French and in English, and the calendar.
    french, english = f"1.1/{CHANGED_URL}index.html", f"1.1/{CHANGED_URL_EN}index.html"
    assert set(marked) == {french, english, "1.1/calendrier/index.html"}, marked
    assert marked[french] == ("changed", "../nouveautes/#version-1-1", "Modifié dans la version 1.1")
    assert marked[english] == ("changed", "../nouveautes.en/#version-1-1", "Changed in version 1.1")
    assert "un paragraphe ajouté" in published.read(french)
    assert "one paragraph added" in published.read(english)
    # The mark's link lands on the version's heading of the changelog.
    assert 'id="version-1-1"' in published.read("1.1/nouveautes/index.html")
    assert 'id="version-1-1"' in published.read("1.1/nouveautes.en/index.html")


def test_changelog_links_each_change_to_its_pages(published: Published) -> None:
    html = published.read("1.1/nouveautes/index.html")
    section = html[html.index('id="version-1-1"'):html.index('id="version-1-0"')]
    assert f'href="../{CHANGED_URL}"' in section
    # The clone's changelog has moved on since (the season goes on): 1.1's entry is unchanged.
    releases = [r.version for r in changelog.load(published.changelog)]
    assert releases.index("1.1") < releases.index("1.0")
    release = changelog.find(changelog.load(published.changelog), "1.1")
    assert release is not None and release.changes[0].pages == (CHANGED_PAGE,)


def test_last_change_date_comes_from_git(published: Published) -> None:
    page = published.read(f"1.1/{CHANGED_URL}index.html")
    assert f'<time datetime="{CHANGE_DAY}">10 mars 2009</time>' in page
    assert "Page de cette édition du kit mise à jour le" in page
    # The English page did not change in that commit: its own date, in English.
    english = published.read(f"1.1/{CHANGED_URL_EN}index.html")
    date = re.search(r'this edition of the kit last updated on <time datetime="(\d{4}-\d\d-\d\d)">(\d{1,2} [A-Z][a-z]+ \d{4})</time>', english)
    assert date and date.group(1) != CHANGE_DAY
    assert f'datetime="{CHANGE_DAY}"' not in published.read(f"1.0/{CHANGED_URL}index.html")


@pytest.mark.browser
def test_browser_shows_the_outdated_banner_only_on_the_older_version(
        published: Published, browser) -> None:
    """Material's own script decides from versions.json: checked in Chromium."""
    from kitdev.localserve import ServeOptions, serve

    with serve(published.served, ServeOptions(prefix=PREFIX)) as base:
        context = browser.new_context(locale="fr-FR", service_workers="block")
        try:
            context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]).*"), lambda route: route.abort())
            tab = context.new_page()
            shown = {}
            for version in ("1.0", "1.1", "latest"):
                tab.goto(f"{base}{version}/note/")
                tab.wait_for_selector(".md-version__current", timeout=10_000)
                # The banner is Material's answer to its own fetch of versions.json (not the one that
                # draws the selector): decided once the answer is kept in sessionStorage, the banner
                # shown in the same task.
                tab.wait_for_function("Object.keys(sessionStorage).some(k => k.endsWith('.__outdated'))",
                                      timeout=10_000)
                banner = tab.locator('[data-md-component="outdated"]:has(.kit-outdated)')
                shown[version] = banner.is_visible()
                if version == "1.0":
                    assert "Aller à la dernière version" in banner.inner_text()
                    # The version selector lists both versions and the alias.
                    labels = tab.locator(".md-version__list .md-version__link").all_text_contents()
                    assert any("1.1" in label for label in labels) and any("1.0" in label for label in labels)
                # Material remembers the answer per tab: start each version afresh.
                tab.evaluate("sessionStorage.clear()")
            assert shown == {"1.0": True, "1.1": False, "latest": False}
            tab.goto(f"{base}1.0/note/")
            tab.locator('[data-md-component="outdated"] .kit-outdated a').click()
            tab.wait_for_url(f"{base}latest/")
        finally:
            context.close()
