"""DICOM's season, end to end: 1.0 → 1.1 → 1.2 → « --retour 1.1 » → 1.3 (see tests/publishing.py).

After each step, gh-pages as it then is gets served by the real nginx with
deploy/nginx.conf under /kit-forums/ and crawled in French and in English:
every link answers 200, every response carries the security headers, the
version selector (in Chromium) lists what versions.json lists, « latest » is
the version it should be, and the « Modifié dans la version X » marks are
exactly on the pages the changelog names for X.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import pytest

from kit.publishing import changelog
from publishing import (
    CANCELLATION,
    CONTACT,
    FIXED_TEXT,
    FIXED_URL,
    MARK,
    NEW_PAGE,
    PREFIX,
    Crawl,
    Season,
    crawl,
    export_branch,
    free_port,
    git,
    nginx,
    publish,
)

pytestmark = [pytest.mark.publication, pytest.mark.nginx]

# Step -> (what « latest » is, versions.json in order).
EXPECTED = {
    "1.0": ("1.0", ["1.0"]),
    "1.1": ("1.1", ["1.1", "1.0"]),
    "1.2": ("1.2", ["1.2", "1.1", "1.0"]),
    "retour-1.1": ("1.1", ["1.2", "1.1", "1.0"]),
    "1.3": ("1.3", ["1.3", "1.2", "1.1", "1.0"]),
}
SECURITY_HEADERS = ("content-security-policy", "referrer-policy", "x-content-type-options")
LABELS = {"fr": ("Modifié dans la version {}", "Nouveau dans la version {}"),
          "en": ("Changed in version {}", "New in version {}")}


def _page_url(src_uri: str) -> str:
    """docs-relative source -> URL relative to the version: note.md -> note/, calendrier/index.md -> calendrier/."""
    stem = src_uri[:-3]
    if stem == "index":
        return ""
    return (stem[:-len("/index")] if stem.endswith("/index") else stem) + "/"


def expected_marks(repo: Path, version: str, first: str, served: Path) -> dict[str, str]:
    """Page (relative to the version) -> its mark's label, as the changelog of the clone says."""
    if version == first:
        return {}
    release = changelog.find(changelog.load(repo / "docs" / "nouveautes.md"), version)
    assert release is not None
    marks: dict[str, str] = {}
    for change in release.changes:
        for src in change.pages:
            changed, new = LABELS["fr"]
            marks[_page_url(src)] = (new if change.new else changed).format(version)
            english = src[:-3] + ".en.md"
            if (served / version / _page_url(english) / "index.html").is_file():
                changed, new = LABELS["en"]
                marks[_page_url(english)] = (new if change.new else changed).format(version)
    return marks


def found_marks(found: Crawl, server: str, version: str) -> dict[str, str]:
    base = f"{server}{PREFIX}{version}/"
    marks = {}
    for url, html in found.pages.items():
        if url.startswith(base):
            match = MARK.search(html)
            if match:
                marks[url[len(base):]] = match.group(3)
    return marks


def _tree(repo: Path, branch: str, path: str) -> str:
    return git(repo, "rev-parse", f"{branch}:{path}").strip()


def check_step(season: Season, name: str, work: Path, browser: object) -> float:
    """Serve and crawl gh-pages as the step left it; return the seconds the check took."""
    started = time.monotonic()
    step = season.steps[name]
    latest, listed = EXPECTED[name]
    tree = work / name / "www"
    served = export_branch(season.repo, step.branch, tree / PREFIX.strip("/"))
    versions = json.loads((served / "versions.json").read_text(encoding="utf-8"))
    assert [v["version"] for v in versions] == listed, (name, versions)
    assert [v["version"] for v in versions if "latest" in v["aliases"]] == [latest], (name, versions)
    # « latest » is a copy of the right version, file for file.
    assert _tree(season.repo, step.branch, "latest") == _tree(season.repo, step.branch, latest), name
    # No prefecture contact ever reaches the published tree.
    assert subprocess.run(["git", "grep", "-q", "-F", CONTACT, step.branch], cwd=season.repo,
                          check=False).returncode == 1, f"{name} : un contact de préfecture est publié"

    headerless: list[str] = []

    def check_headers(url: str, headers: dict[str, str]) -> None:
        if any(h not in headers for h in SECURITY_HEADERS):
            headerless.append(url)

    port = free_port()
    with nginx(tree, port, work / name / "nginx") as server:
        starts = [f"{server}{PREFIX}"] + [f"{server}{PREFIX}{ref}/{lang}" for entry in versions
                                         for ref in (entry["version"], *entry["aliases"])
                                         for lang in ("", "index.en/")]
        found = crawl(server, starts, check=check_headers)
        assert not found.broken(), f"{name} : liens cassés {list(found.broken().items())[:10]}"
        assert not headerless, f"{name} : réponses sans en-têtes de sécurité {headerless[:5]}"
        # Every page of every version was reached by following links, in both languages.
        expected_pages = {f"{server}{PREFIX}{path.parent.relative_to(served).as_posix()}/"
                          for path in served.rglob("index.html") if path.parent != served}
        assert expected_pages <= set(found.pages), sorted(expected_pages - set(found.pages))[:10]
        assert any(".en/" in url for url in found.pages) and any("/note/" in url for url in found.pages)
        # The « Modifié dans la version X » marks, on each version.
        first = versions[-1]["version"]
        for entry in versions:
            version = entry["version"]
            with season.held():  # the clone's changelog, never while another worker's step writes it
                expected = expected_marks(season.repo, version, first, served)
            assert found_marks(found, server, version) == expected, (name, version)
        selector_matches_versions_json(browser, server, versions, latest)
    return time.monotonic() - started


def selector_matches_versions_json(browser, server: str, versions: list[dict[str, object]],  # type: ignore[no-untyped-def]
                                   latest: str) -> None:
    """Material's version selector, in Chromium, lists versions.json and shows « latest »'s title."""
    context = browser.new_context(locale="fr-FR", service_workers="block")
    try:
        tab = context.new_page()
        tab.goto(f"{server}{PREFIX}latest/note/")
        tab.wait_for_selector(".md-version__current", state="attached", timeout=10_000)
        listed = [text.strip() for text in tab.locator(".md-version__link").all_text_contents() if text.strip()]
        titles = [str(entry["title"]) for entry in versions]
        assert len(listed) == len(titles) and all(
            shown.startswith(title) for shown, title in zip(listed, titles, strict=True)), \
            (listed, titles)
        current = tab.locator(".md-version__current").text_content() or ""
        title_of_latest = next(str(e["title"]) for e in versions if e["version"] == latest)
        assert current.strip().startswith(title_of_latest), (current, title_of_latest)
    finally:
        context.close()


def _head(repo: Path) -> str:
    return git(repo, "rev-parse", "gh-pages").strip()


def test_a_season_of_publications(season: Season, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    timings: dict[str, float] = {}
    for name in Season.ORDER:
        step = season.upto(name)
        timings[f"publication {name}"] = step.seconds
        timings[f"contrôle {name}"] = check_step(season, name, tmp_path, browser)
        if name == "1.2":
            served = tmp_path / "1.2" / "www" / PREFIX.strip("/")
            department, commune = CANCELLATION[1].split(";")[0], CANCELLATION[1].split(";")[4]
            before = (served / "1.1" / "calendrier" / department / "index.html").read_text(encoding="utf-8")
            after = (served / "1.2" / "calendrier" / department / "index.html").read_text(encoding="utf-8")
            assert commune in before and "Annulé" not in before
            assert commune in after and "Annulé" in after
            assert (served / "1.2" / NEW_PAGE[:-3] / "index.html").is_file()
            assert not (served / "1.1" / NEW_PAGE[:-3]).exists()
        if name == "retour-1.1":
            rollback_rebuilt_nothing(season)
            nothing_older_nothing_twice(season)
        if name == "1.3":
            out = step.result.stdout
            assert "Tests demandés…" in out and re.search(r"Vérifications réussies : [1-9]\d*\.", out), out
            assert FIXED_TEXT in git(season.repo, "show", f"{step.branch}:latest/{FIXED_URL}index.html")
    total = sum(timings.values())
    print("\nSaison simulée : " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()) + f" ; total {total:.0f} s")


def rollback_rebuilt_nothing(season: Season) -> None:
    """« --retour 1.1 »: one commit on gh-pages, 1.1 and 1.2 untouched, « latest » a copy of 1.1."""
    before, after = season.steps["1.2"].branch, season.steps["retour-1.1"].branch
    for version in ("1.0", "1.1", "1.2"):
        assert _tree(season.repo, before, version) == _tree(season.repo, after, version), version
    log = git(season.repo, "log", "--format=%s", f"{before}..{after}").splitlines()
    assert log == ["Retour arrière : latest revient à la version 1.1"], log
    assert "« latest » pointe de nouveau vers la version 1.1 (rien n'a été reconstruit)." in \
        season.steps["retour-1.1"].result.stdout


def nothing_older_nothing_twice(season: Season) -> None:
    """With « latest » on 1.1 and 1.2 published: 1.0 refused, 1.1 refused, no version: nothing to do.

    Checked on the season as it stood right after the rollback, whichever later steps other tests
    have already played on the shared clone: its sources at the 1.2 commit, gh-pages at that step.
    """
    repo = season.repo
    with season.held():  # the clone is shared by the test run's workers: put back as it was, alone
        # The clone's HEAD may be detached (a clone of a detached checkout, as CI runners make them).
        branch, gh_pages = git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip(), _head(repo)
        commit = git(repo, "rev-parse", "HEAD").strip()
        source = git(repo, "log", "--format=%H", "-1", "--grep=^Version 1.2", commit).strip()
        git(repo, "checkout", "--quiet", "-B", "apres-retour", source)
        git(repo, "branch", "--force", "gh-pages", season.steps["retour-1.1"].branch)
        try:
            _refusals(season)
        finally:
            git(repo, "checkout", "--quiet", *([branch] if branch != "HEAD" else ["--detach", commit]))
            git(repo, "branch", "--force", "gh-pages", gh_pages)
            git(repo, "branch", "--quiet", "--delete", "--force", "apres-retour")


def _refusals(season: Season) -> None:
    head = _head(season.repo)
    older = publish(season.repo, "1.0", "--sans-tests", env=season.env)
    assert older.returncode == 1
    assert older.stderr.startswith("Publication refusée : la version 1.0 est plus ancienne que la version en "
                                   "ligne (1.1) ; rien n'a été écrit."), older.stderr
    assert "--retour" in older.stderr
    again = publish(season.repo, "1.1", "--sans-tests", env=season.env)
    assert again.returncode == 1
    assert "la version 1.1 est déjà publiée (depuis le commit " in again.stderr, again.stderr
    assert "1.1.1" in again.stderr
    idle = publish(season.repo, "--sans-tests", env=season.env)
    assert idle.returncode == 0, idle.stderr
    assert "Rien à publier : la version 1.2, la plus récente de docs/nouveautes.md, est déjà en ligne" in idle.stdout
    assert "Rien n'a été modifié ni envoyé." in idle.stdout
    assert _head(season.repo) == head, "un refus a écrit dans gh-pages"
