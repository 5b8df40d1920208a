"""scripts/publish.py refusals, then the published tree served by a real nginx (deploy/nginx.conf)."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from publishing import NGINX, PREFIX, Published, clone_work_tree, git, nginx, publish

# -- Refusals -------------------------------------------------------------------------------


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    return clone_work_tree(tmp_path / "repo")


def _has_gh_pages(repo: Path) -> bool:
    return subprocess.run(["git", "rev-parse", "--verify", "--quiet", "gh-pages"], cwd=repo,
                          capture_output=True, check=False).returncode == 0


def test_refuses_a_dirty_work_tree(clone: Path) -> None:
    (clone / "docs" / "note.md").write_text("# Brouillon\n", encoding="utf-8")
    (clone / "brouillon.txt").write_text("pas encore enregistré\n", encoding="utf-8")
    result = publish(clone, "1.0", "--sans-tests")
    assert result.returncode == 1
    assert result.stderr.startswith("Publication refusée : des modifications ne sont pas enregistrées dans git")
    assert "docs/note.md" in result.stderr and "brouillon.txt" in result.stderr
    assert "git commit" in result.stderr
    assert not _has_gh_pages(clone)


def test_refuses_a_version_missing_from_the_changelog(clone: Path) -> None:
    result = publish(clone, "9.9", "--sans-tests")
    assert result.returncode == 1
    assert "Publication refusée : docs/nouveautes.md n'a pas d'entrée pour la version 9.9" in result.stderr
    assert "## Version 9.9" in result.stderr
    assert not _has_gh_pages(clone)
    bad = publish(clone, "v2", "--sans-tests")
    assert bad.returncode == 1 and "« v2 » n'est pas un numéro de version" in bad.stderr


def test_refuses_a_changelog_it_cannot_read(clone: Path) -> None:
    path = clone / "docs" / "nouveautes.md"
    path.write_text(path.read_text(encoding="utf-8").replace("## Version 1.0", "## Versoin 1.0"), encoding="utf-8")
    git(clone, "commit", "--quiet", "-am", "Faute de frappe")
    result = publish(clone, "1.0", "--sans-tests")
    assert result.returncode == 1
    assert "docs/nouveautes.md est à corriger" in result.stderr
    assert re.search(r"docs/nouveautes\.md, ligne \d+ : titre « ## Versoin 1\.0", result.stderr)


def test_refuses_when_the_strict_build_fails(clone: Path) -> None:
    note = clone / "docs" / "note.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nVoir [une page absente](page-absente.md).\n",
                    encoding="utf-8")
    git(clone, "commit", "--quiet", "-am", "Lien cassé")
    result = publish(clone, "1.0", "--sans-tests")
    assert result.returncode == 1, result.stdout
    assert "Publication refusée : la construction stricte du site a échoué ; rien n'a été publié." in result.stderr
    assert "page-absente.md" in result.stderr
    assert not _has_gh_pages(clone)


def test_rollback_needs_a_published_version(clone: Path) -> None:
    result = publish(clone, "--retour", "1.0")
    assert result.returncode == 1
    assert "la version 1.0 n'a jamais été publiée sur gh-pages" in result.stderr


# -- Rollback of « latest » (on the shared publication, at the end: it moves the alias) ----------


def test_rollback_moves_latest_back(published: Published, tmp_path: Path) -> None:
    repo = clone_work_tree(tmp_path / "copy")
    git(repo, "fetch", "--quiet", str(published.repo), "gh-pages:gh-pages")
    result = publish(repo, "--retour", "1.0")
    assert result.returncode == 0, result.stderr
    assert "« latest » pointe de nouveau vers la version 1.0." in result.stdout
    versions = json.loads(git(repo, "show", "gh-pages:versions.json"))
    assert {v["version"]: v["aliases"] for v in versions} == {"1.1": [], "1.0": ["latest"]}
    assert git(repo, "show", "gh-pages:latest/note/index.html") == git(repo, "show", "gh-pages:1.0/note/index.html")


# -- nginx ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(published: Published, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not NGINX.exists():
        pytest.skip(f"nginx est absent ({NGINX}) : .ci/run installe le paquet Debian « nginx ».")
    work = tmp_path_factory.mktemp("nginx")
    # A symlink and a .git folder in the served tree: neither may ever be served.
    # They are planted in the shared published tree, so they go when the module ends.
    planted = [published.served / "lien", published.served / "1.0" / "passwd.txt"]
    planted[0].symlink_to("/etc")
    planted[1].symlink_to("/etc/passwd")
    (published.served / ".git").mkdir()
    (published.served / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    try:
        with nginx(published.tree, published.port, work) as url:
            yield url
    finally:
        for link in planted:
            link.unlink()
        shutil.rmtree(published.served / ".git")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, *, gzip_ok: bool = False) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of ``url``, redirects not followed."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    try:
        with _opener.open(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for key in ("href", "src"):
            value = found.get(key)
            if value and tag in {"a", "link", "script", "img", "source", "iframe", "embed", "object"}:
                self.links.append(value)
        if tag == "meta" and (found.get("http-equiv") or "").lower() == "refresh":
            self.links.append((found.get("content") or "").split("url=", 1)[-1])


def crawl(server: str, start: list[str]) -> dict[str, tuple[int, str, list[str]]]:
    """Every URL reachable under /kit-forums/ from ``start``: status, type, and the pages linking it."""
    seen: dict[str, tuple[int, str, list[str]]] = {}
    referrers: dict[str, list[str]] = {url: ["(départ)"] for url in start}
    queue = list(start)
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        status, headers, body = fetch(url)
        if status in (301, 302) and "location" in headers:
            target = urljoin(url, headers["location"])
            referrers.setdefault(target, []).append(url)
            queue.append(target)
        kind = headers.get("content-type", "")
        seen[url] = (status, kind, referrers.get(url, []))
        if status != 200 or not kind.startswith("text/html"):
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        for link in parser.links:
            absolute, _ = urldefrag(urljoin(url, link))
            parts = urlsplit(absolute)
            if parts.scheme not in {"http", "https"} or parts.netloc != urlsplit(server).netloc:
                continue  # mailto:, data:, and the canonical links' own host when it differs
            assert parts.path.startswith(PREFIX), f"{url} mène hors du sous-chemin : {link}"
            absolute = absolute.split("?", 1)[0]
            referrers.setdefault(absolute, []).append(url)
            if absolute not in seen:
                queue.append(absolute)
    return seen


@pytest.fixture(scope="module")
def crawled(server: str, published: Published) -> dict[str, tuple[int, str, list[str]]]:
    versions = json.loads(published.read("versions.json"))
    # The version selector's targets are built from versions.json: « ../<version>/ » of each page.
    starts = [f"{server}{PREFIX}"] + [f"{server}{PREFIX}{name}/" for entry in versions
                                     for name in [entry["version"], *entry["aliases"]]]
    return crawl(server, starts)


def test_every_internal_link_answers_200(crawled: dict[str, tuple[int, str, list[str]]], server: str,
                                        published: Published) -> None:
    broken = {url: (status, refs[:3]) for url, (status, _, refs) in crawled.items() if status != 200}
    assert not broken, f"{len(broken)} liens cassés : {list(broken.items())[:10]}"
    # Every page of every version, in both languages, was reached by following links.
    pages = {url for url, (_, kind, _) in crawled.items() if kind.startswith("text/html")}
    expected = {f"{server}{PREFIX}{path.parent.relative_to(published.served).as_posix()}/"
                for version in ("1.0", "1.1", "latest") for path in (published.served / version).rglob("index.html")}
    assert len(expected) > 3 * 20
    assert expected <= pages, sorted(expected - pages)[:10]
    for version in ("1.0", "1.1", "latest"):
        for lang_page in ("note/", "note.en/", "index.en/", "lettre/", "lettre.en/", "methode/", "nouveautes.en/"):
            assert f"{server}{PREFIX}{version}/{lang_page}" in pages, (version, lang_page)


def test_language_and_version_links_are_followed(crawled: dict[str, tuple[int, str, list[str]]],
                                                 server: str) -> None:
    """The English link of an untranslated page and the outdated banner's link were crawled, and work."""
    for version in ("1.0", "1.1"):
        home_en = f"{server}{PREFIX}{version}/index.en/"
        assert crawled[home_en][0] == 200
        assert f"{server}{PREFIX}{version}/methode/" in crawled[home_en][2] or any(
            ref.endswith(f"{version}/methode/") for ref in crawled[home_en][2])
    latest = f"{server}{PREFIX}latest/"
    assert crawled[latest][0] == 200
    assert any(f"{PREFIX}1.0/" in ref for ref in crawled[latest][2]), "le lien du bandeau « ancienne version »"
    # Every version of every page answers where the version selector sends it.
    for path in ("note/", "lettre.en/", "calendrier/"):
        for version in ("1.0", "1.1", "latest"):
            assert fetch(f"{server}{PREFIX}{version}/{path}")[0] == 200


def test_content_types(crawled: dict[str, tuple[int, str, list[str]]], server: str) -> None:
    by_ext: dict[str, set[str]] = {}
    for url, (_status, kind, _) in crawled.items():
        path = urlsplit(url).path
        ext = "html" if path.endswith("/") else path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
        by_ext.setdefault(ext, set()).add(kind)
    assert by_ext["html"] == {"text/html; charset=utf-8"}
    assert by_ext["ics"] == {"text/calendar; charset=utf-8"}, by_ext.get("ics")
    assert by_ext["css"] == {"text/css; charset=utf-8"}
    assert by_ext["js"] == {"application/javascript; charset=utf-8"}
    status, headers, _ = fetch(f"{server}{PREFIX}versions.json")
    assert status == 200 and headers["content-type"] == "application/json; charset=utf-8"
    status, headers, _ = fetch(f"{server}{PREFIX}latest/search/search_index.json")
    assert status == 200 and headers["content-type"] == "application/json; charset=utf-8"
    if "json" in by_ext:
        assert by_ext["json"] == {"application/json; charset=utf-8"}
    if "pdf" in by_ext:
        assert by_ext["pdf"] == {"application/pdf"}
    if "odt" in by_ext:
        assert by_ext["odt"] == {"application/vnd.oasis.opendocument.text"}
    if "xlsx" in by_ext:
        assert by_ext["xlsx"] == {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def test_root_and_version_addresses(server: str) -> None:
    status, headers, body = fetch(f"{server}{PREFIX}")
    assert status == 200 and b"url=latest/" in body
    status, headers, _ = fetch(f"{server}{PREFIX.rstrip('/')}")
    assert status == 301 and headers["location"] == PREFIX
    status, headers, _ = fetch(f"{server}{PREFIX}1.0")
    assert status == 301 and headers["location"] == f"{PREFIX}1.0/"


def test_cache_headers_and_gzip(server: str, crawled: dict[str, tuple[int, str, list[str]]]) -> None:
    status, headers, body = fetch(f"{server}{PREFIX}latest/note/", gzip_ok=True)
    assert status == 200 and headers["cache-control"] == "no-cache"
    assert headers.get("content-encoding") == "gzip" and b"<html" in gzip.decompress(body)
    assert "Accept-Encoding" in headers.get("vary", "")
    hashed = next(url for url in crawled if re.search(r"\.[0-9a-f]{8}\.min\.js$", url))
    status, headers, _ = fetch(hashed, gzip_ok=True)
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers.get("content-encoding") == "gzip"
    assert fetch(f"{server}{PREFIX}versions.json")[1]["cache-control"] == "no-cache"
    ics = next((url for url in crawled if url.endswith(".ics")), None)
    assert ics is not None, "aucun calendrier .ics publié"
    assert fetch(ics)[1]["cache-control"] == "no-cache"


def test_no_symlink_and_no_hidden_file_is_served(server: str) -> None:
    assert fetch(f"{server}{PREFIX}lien/passwd")[0] in (403, 404)
    assert fetch(f"{server}{PREFIX}1.0/passwd.txt")[0] in (403, 404)
    assert fetch(f"{server}{PREFIX}.git/config")[0] == 404
    assert fetch(f"{server}{PREFIX}.nojekyll")[0] == 404
    status, _, body = fetch(f"{server}{PREFIX}1.0/page-absente/")
    assert status == 404 and b"404" in body


# -- Push-to-publish -----------------------------------------------------------------------------


def test_ci_publishes_main_one_push_at_a_time() -> None:
    """GitLab and GitHub: tests first, then publish.py on main, serialised, with the full history."""
    import yaml

    from publishing import ROOT

    gitlab = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["variables"]["GIT_DEPTH"] == "0"
    assert "bash .ci/run" in gitlab["tests"]["script"]
    job = gitlab["publication"]
    assert job["resource_group"] == "gh-pages" and job["needs"] == ["tests"]
    assert "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" in job["rules"][0]["if"]
    assert job["script"][-1] == ".venv/bin/python scripts/publish.py --push --sans-tests"

    github = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    jobs = github["jobs"]
    publication = jobs["publication"]
    assert publication["needs"] == "tests"
    assert publication["concurrency"] == {"group": "gh-pages", "cancel-in-progress": False}
    assert publication["permissions"] == {"contents": "write"} and github["permissions"] == {"contents": "read"}
    assert "refs/heads/main" in publication["if"]
    assert "scripts/publish.py --push --sans-tests" in publication["steps"][-1]["run"]
    assert any(step.get("run") == "bash .ci/run" for step in jobs["tests"]["steps"])
    for job in jobs.values():
        for step in job["steps"]:
            if "uses" in step:
                assert step["uses"].split("@")[0] in {"actions/checkout", "actions/setup-python"}, step["uses"]
                assert step.get("with", {}).get("fetch-depth") == 0
