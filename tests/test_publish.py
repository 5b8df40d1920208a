"""scripts/publish.py refusals, the intranet's nginx (deploy/nginx.conf), and push-to-publish through CI."""

from __future__ import annotations

import gzip
import http.client
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import NO_DOCUMENTS
from kit.publishing import publication
from publishing import (
    CONTACT,
    ENTRY_1_1,
    ENTRY_1_2,
    ENTRY_1_3,
    FIRST_EDITION,
    PREFIX,
    ROOT,
    Crawl,
    Entry,
    Published,
    Season,
    clone_work_tree,
    commit,
    crawl,
    export_branch,
    fetch,
    free_port,
    git,
    nginx,
    publish,
    write_changelog,
)

pytestmark = pytest.mark.slow

# -- Refusals (no build: each stops before mike) ----------------------------------------------------


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


def test_never_advises_committing_a_received_file(clone: Path) -> None:
    """A prefecture's file (« contact » column) is sent to recu/, never to git add."""
    (clone / "calvados.csv").write_text(f"departement;date;commune;contact\n14;2009-03-24;Caen;{CONTACT}\n",
                                        encoding="utf-8")
    (clone / "nouveau").mkdir()
    (clone / "nouveau" / "orne.csv").write_text("Département,Date,Commune,Contact\n61,2009-04-21,Alençon,x\n",
                                                encoding="utf-8")
    result = publish(clone, "--sans-tests")
    assert result.returncode == 1
    assert "calvados.csv" in result.stderr and "nouveau/orne.csv" in result.stderr
    assert "git add" not in result.stderr and "git commit" not in result.stderr, result.stderr
    assert "Ne les enregistrez pas dans git : rangez-les dans le dossier recu/" in result.stderr
    # A copy left by an older, killed merge is git-ignored: never advised for git, never in the way.
    (clone / "data" / ".verif-x1y2").mkdir()
    (clone / "data" / ".verif-x1y2" / "forums.csv").write_text("departement;date;contact\n", encoding="utf-8")
    leftover = publish(clone, "--sans-tests")
    assert ".verif-x1y2" not in leftover.stderr and "git add" not in leftover.stderr
    shutil.rmtree(clone / "data" / ".verif-x1y2")
    # With an ordinary change as well, git add is advised for that one only.
    (clone / "brouillon.txt").write_text("pas encore enregistré\n", encoding="utf-8")
    both = publish(clone, "--sans-tests")
    advice, received = both.stderr.split("Fichiers reçus des préfectures", 1)
    assert "brouillon.txt" in advice and "git add" in advice and "calvados.csv" not in advice
    assert "calvados.csv" in received and "git add" not in received


def test_refuses_personal_data_committed_under_data(clone: Path) -> None:
    (clone / "data" / "contacts.csv").write_text(f"id;contact\n44-2009-04-14-saint-herblain;{CONTACT}\n",
                                                 encoding="utf-8")
    subprocess.run(["git", "add", "data/contacts.csv"], cwd=clone, check=True, capture_output=True)
    subprocess.run(["git", "commit", "-q", "-m", "contacts"], cwd=clone, check=True, capture_output=True)
    result = publish(clone, "--sans-tests")
    assert result.returncode == 1
    assert "des fichiers du dossier data/ contiennent des données personnelles" in result.stderr
    assert "data/contacts.csv:1 : colonne « contact »" in result.stderr
    assert "data/contacts.csv:2 : adresse électronique" in result.stderr
    assert not _has_gh_pages(clone)


def test_refuses_a_spreadsheet_committed_under_docs(clone: Path) -> None:
    """A received file committed by mistake under docs/ would be published with the site: refused."""
    (clone / "docs" / "calvados.csv").write_text(f"departement;date;commune;contact\n14;2009-03-24;Caen;{CONTACT}\n",
                                                 encoding="utf-8")
    git(clone, "add", "docs/calvados.csv")
    git(clone, "commit", "-q", "-m", "Fichier reçu")
    result = publish(clone, "1.0", "--sans-tests")
    assert result.returncode == 1 and not _has_gh_pages(clone)
    assert "docs/calvados.csv:1 : tableur ou fichier CSV dans docs/" in result.stderr
    assert "recu/" in result.stderr and CONTACT not in result.stderr


def test_refuses_a_version_missing_from_the_changelog(clone: Path) -> None:
    result = publish(clone, "9.9", "--sans-tests")
    assert result.returncode == 1
    assert "Publication refusée : docs/nouveautes.md n'a pas d'entrée pour la version 9.9" in result.stderr
    assert "## Version 9.9" in result.stderr
    assert not _has_gh_pages(clone)


def test_version_numbers_are_ascii_major_minor_patch(clone: Path) -> None:
    """One command-line case: every other number is refused in-process (tests/test_release_policy.py)."""
    number = "\u0661.\u0660"
    result = publish(clone, number, "--sans-tests")
    assert result.returncode == 1
    assert "n'est pas un numéro de version : écrivez deux ou trois nombres en chiffres ordinaires" in result.stderr
    assert "Traceback" not in result.stderr and not _has_gh_pages(clone)
    rollback = publish(clone, "--retour", number)
    assert rollback.returncode == 1 and "n'est pas un numéro de version" in rollback.stderr


def test_refuses_a_changelog_it_cannot_read(clone: Path) -> None:
    write_changelog(clone, [FIRST_EDITION])  # the test's own changelog, whatever today's holds
    path = clone / "docs" / "nouveautes.md"
    path.write_text(path.read_text(encoding="utf-8").replace("## Version 1.0", "## Versoin 1.0"), encoding="utf-8")
    git(clone, "commit", "--quiet", "-am", "Faute de frappe")
    result = publish(clone, "1.0", "--sans-tests")
    assert result.returncode == 1
    assert "docs/nouveautes.md est à corriger" in result.stderr
    assert re.search(r"docs/nouveautes\.md, ligne \d+ : titre « ## Versoin 1\.0", result.stderr)


def test_rollback_needs_a_published_version(clone: Path) -> None:
    result = publish(clone, "--retour", "1.0")
    assert result.returncode == 1
    assert "la version 1.0 n'a jamais été publiée sur gh-pages" in result.stderr


def test_command_line_errors_are_in_french(clone: Path) -> None:
    result = publish(clone, "1.0", "--inconnue")
    assert result.returncode == 2
    assert result.stderr.startswith("utilisation : publish.py"), result.stderr
    assert "publish.py : erreur : arguments non reconnus : --inconnue" in result.stderr
    missing = publish(clone, "--retour")
    assert "argument --retour : une valeur attendue" in missing.stderr
    helped = publish(clone, "--help")
    assert helped.returncode == 0 and "afficher cette aide et quitter" in helped.stdout
    assert not re.search(r"\b(usage|show this help|error)\b", result.stderr + missing.stderr + helped.stdout)


def test_wrong_interpreter_names_the_right_command(clone: Path) -> None:
    """Python without the kit's modules (the system's): the right command, not « les tests échouent »."""
    python = shutil.which("python3", path="/usr/bin:/bin")
    assert python, "python3 du système introuvable"
    probe = subprocess.run([python, "-I", "-c", "import mkdocs"], capture_output=True, check=False)
    if probe.returncode == 0:
        pytest.skip("le Python du système a MkDocs : pas d'interpréteur sans les modules du kit")
    result = subprocess.run([python, "-I", str(clone / "scripts" / "publish.py"), "1.0", "--push"], cwd=clone,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert f"ce Python ({python}) n'est pas celui du kit : il lui manque mkdocs" in result.stderr, result.stderr
    assert "mike" in result.stderr and "Traceback" not in result.stderr
    assert "make .venv/.installed-test" in result.stderr  # the clone has no .venv yet
    assert ".venv/bin/python scripts/publish.py 1.0 --push" in result.stderr
    assert "les tests échouent" not in result.stderr


@pytest.mark.publication
def test_checks_answer_whole_before_any_test(clone: Path) -> None:
    """The editorial check and the strict build both report, at once, and no test is run."""
    (clone / "scripts" / "verifier.py").write_text(
        "import sys\nprint('docs/note.md:3 : note de bas de page [^9] sans texte — ajoutez « [^9]: … »')\n"
        "sys.exit(1)\n", encoding="utf-8")
    note = clone / "docs" / "note.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nVoir [une page absente](page-absente.md).\n",
                    encoding="utf-8")
    (clone / "tests" / "test_toujours_rouge.py").write_text("def test_rouge() -> None:\n    assert False\n",
                                                            encoding="utf-8")
    git(clone, "add", "--all")
    git(clone, "commit", "--quiet", "-m", "Deux fautes")
    # What the build finds is a link: no document to make (the strict build without them, in seconds).
    result = publish(clone, "1.0", "--tests", "tests/test_toujours_rouge.py", env=NO_DOCUMENTS)
    assert result.returncode == 1, result.stdout
    assert "Publication refusée : rien n'a été publié. Corrigez d'abord :" in result.stderr
    assert "La vérification des textes signale :" in result.stderr and "[^9] sans texte" in result.stderr
    assert "La construction stricte du site a échoué" in result.stderr and "page-absente.md" in result.stderr
    assert "Tests demandés" not in result.stdout
    assert not _has_gh_pages(clone)


@pytest.mark.publication
def test_failing_tests_are_told_as_what_to_fix(clone: Path) -> None:
    """Each failure as its French message, with the page it is about; the test names only in the log."""
    (clone / "tests" / "test_rouges.py").write_text(
        "import pytest\n\n\n"
        "@pytest.mark.parametrize('url', ['fiche-2/'])\n"
        "def test_un(url: str) -> None:\n"
        "    assert False, 'le passage « Dix après » ne figure plus mot pour mot — rétablissez le texte'\n\n\n"
        "def test_deux() -> None:\n"
        "    assert False, 'docs/note.md : il manque la ligne provenance — ajoutez « provenance: officiel »'\n\n\n"
        "def test_trois() -> None:\n    assert 1 == 2\n", encoding="utf-8")
    git(clone, "add", "--all")
    git(clone, "commit", "--quiet", "-m", "Tests rouges")
    result = publish(clone, "1.0", "--tests", "tests/test_rouges.py", env=NO_DOCUMENTS)
    assert result.returncode == 1
    error = result.stderr
    assert "Publication refusée : 3 vérifications de la publication échouent ; rien n'a été publié." in error
    assert "1. Page docs/fiche-2.md : le passage « Dix après » ne figure plus mot pour mot" in error
    assert "2. Page docs/note.md : il manque la ligne provenance — ajoutez « provenance: officiel »" in error
    assert "3. une vérification échoue sans explication en français" in error
    assert "(vérification : tests/test_rouges.py, ligne " in error
    assert "Le détail complet est dans .cache/publication/tests.log" in error
    assert "::" not in error and "AssertionError" not in error and "FAILED" not in error
    log = (clone / ".cache" / "publication" / "tests.log").read_text(encoding="utf-8")
    assert "test_rouges.py::test_un" in log and "test_rouges.py::test_trois" in log
    assert not _has_gh_pages(clone)


# -- The published tree served by nginx -------------------------------------------------------------

PLANTED_OUTSIDE = {"secret.txt": "secret", ".env": "MOT_DE_PASSE=1", "other-app/config.php": "<?php $mdp = 1;",
                   "other-app/index.html": "<p>autre application</p>"}
PLANTED_INSIDE = ["latest/index.html.bak", "latest/index.html~", "latest/.index.html.swp", "latest/index.html.orig",
                  "latest/note/index.html.bak", ".env", ".git/config", "1.0/.htaccess", "latest/#index.html#"]


@pytest.fixture(scope="module")
def server(published: Published, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """nginx over the published tree, with files planted where a real server may have them.

    Planted in the shared published tree, they go when the module ends.
    """
    work = tmp_path_factory.mktemp("nginx")
    planted: list[Path] = []
    links = [(published.served / "lien", "/etc"), (published.served / "1.0" / "passwd.txt", "/etc/passwd")]
    for link, target in links:
        link.symlink_to(target)
        planted.append(link)
    for name, text in PLANTED_OUTSIDE.items():
        path = published.tree / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        planted.append(path)
    for name in PLANTED_INSIDE:
        path = published.served / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("copie de sauvegarde\n", encoding="utf-8")
        planted.append(path)
    try:
        with nginx(published.tree, published.port, work) as url:
            yield url
    finally:
        for path in planted:
            path.unlink()
        for folder in (published.tree / "other-app", published.served / ".git"):
            folder.rmdir()


def raw_get(server: str, path: str) -> tuple[int, dict[str, str], bytes]:
    """GET ``path`` exactly as written (no client-side clean-up of « .. » or « %2e »)."""
    parts = urlsplit(server)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def crawled(server: str, published: Published) -> Crawl:
    versions = json.loads(published.read("versions.json"))
    # The version selector's targets are built from versions.json: « ../<version>/ » of each page.
    starts = [f"{server}{PREFIX}"] + [f"{server}{PREFIX}{name}/" for entry in versions
                                     for name in [entry["version"], *entry["aliases"]]]
    return crawl(server, starts)


@pytest.mark.publication
def test_only_the_kit_is_served(server: str) -> None:
    """Every address outside /kit-forums/ is 404, whatever lies in the server's folder."""
    for path in ["/", "/secret.txt", "/.env", "/other-app/config.php", "/other-app/", "/other-app/index.html",
                 "/kit-forums/../secret.txt", "/kit-forums/%2e%2e/secret.txt", "/kit-forums/..%2fsecret.txt",
                 "/kit-forums/latest/../../other-app/config.php", "/kit-forums/../", "/%6bit-forums/../.env",
                 "//secret.txt", "/kit-forums-autre/", "/kit-forumssecret.txt"]:
        status, headers, body = raw_get(server, path)
        assert status in (400, 404), (path, status)
        assert b"secret" not in body and b"MOT_DE_PASSE" not in body and b"<?php" not in body, path
        assert b"autre application" not in body, path


@pytest.mark.publication
def test_no_dotfile_backup_or_symlink_is_served(server: str) -> None:
    for name in PLANTED_INSIDE:
        status, _, body = raw_get(server, PREFIX + name.replace("#", "%23"))
        assert status == 404, (name, status)
        assert b"copie de sauvegarde" not in body, name
    assert raw_get(server, f"{PREFIX}lien/passwd")[0] in (403, 404)
    assert raw_get(server, f"{PREFIX}1.0/passwd.txt")[0] in (403, 404)
    assert raw_get(server, f"{PREFIX}.nojekyll")[0] == 404
    status, _, body = raw_get(server, f"{PREFIX}1.0/page-absente/")
    assert status == 404 and b"404" in body


def csp_directives(header: str) -> dict[str, list[str]]:
    """« a b; c d » -> {"a": ["b"], "c": ["d"]}."""
    found: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            found[words[0].lower()] = words[1:]
    return found


@pytest.mark.publication
def test_every_kit_response_carries_the_security_headers(server: str, crawled: Crawl) -> None:
    urls = list(crawled.seen)[:200] + [f"{server}{PREFIX}latest/page-absente/", f"{server}{PREFIX}latest/.env",
                                       f"{server}{PREFIX}", f"{server}/secret.txt"]
    for url in urls:
        _, headers, _ = fetch(url)
        policy = csp_directives(headers.get("content-security-policy", ""))
        assert policy.get("script-src") == ["'self'"], (url, policy)
        assert "'unsafe-inline'" not in policy.get("default-src", []) + policy.get("script-src", [])
        assert "'unsafe-eval'" not in " ".join(sum(policy.values(), []))
        assert policy.get("frame-ancestors") == ["'self'"] and policy.get("object-src", ["'none'"]) == ["'none'"]
        assert policy.get("default-src") == ["'none'"] and policy.get("base-uri") == ["'self'"]
        assert headers.get("referrer-policy") == "same-origin", url
        assert headers.get("x-content-type-options") == "nosniff", url
        assert not any("://" in v or "*" in v for v in sum(policy.values(), [])), ("hôte extérieur autorisé", url)


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
_EVENT_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)


def inline_code(html: str) -> list[str]:
    """Inline scripts, event attributes and javascript: links of a page (the policy blocks them all)."""
    found = [m.group(0) for m in _INLINE_SCRIPT.finditer(html)] + [m.group(0)[:80] for m in
                                                                    _EVENT_ATTRIBUTE.finditer(html)]
    return found + (["javascript:"] if "javascript:" in html.lower() else [])


def test_built_pages_hold_no_inline_script(site: Path) -> None:
    """Under script-src 'self' an inline script would not run: scripts go in files (docs/assets/javascripts/)."""
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    offending = {str(p.relative_to(site)): inline_code(p.read_text(encoding="utf-8")) for p in pages}
    assert not {k: v for k, v in offending.items() if v}, {k: v for k, v in offending.items() if v}


@pytest.mark.publication
def test_no_published_page_holds_an_inline_script(crawled: Crawl) -> None:
    """The root redirect (mike's template) and every page of every version."""
    assert len(crawled.pages) > 40
    for url, html in crawled.pages.items():
        assert not inline_code(html), (url, inline_code(html))


@pytest.mark.publication
def test_every_internal_link_answers_200(crawled: Crawl, server: str, published: Published) -> None:
    assert not crawled.broken(), f"{len(crawled.broken())} liens cassés : {list(crawled.broken().items())[:10]}"
    # Every page of every version, in both languages, was reached by following links.
    pages = set(crawled.pages)
    expected = {f"{server}{PREFIX}{path.parent.relative_to(published.served).as_posix()}/"
                for version in ("1.0", "1.1", "latest") for path in (published.served / version).rglob("index.html")}
    assert len(expected) > 3 * 20
    assert expected <= pages, sorted(expected - pages)[:10]
    for version in ("1.0", "1.1", "latest"):
        for lang_page in ("note/", "note.en/", "index.en/", "lettre/", "lettre.en/", "methode/", "nouveautes.en/"):
            assert f"{server}{PREFIX}{version}/{lang_page}" in pages, (version, lang_page)


@pytest.mark.publication
def test_language_and_version_links_are_followed(crawled: Crawl, server: str) -> None:
    """The English link of an untranslated page and the outdated banner's link were crawled, and work."""
    seen = crawled.seen
    for version in ("1.0", "1.1"):
        home_en = f"{server}{PREFIX}{version}/index.en/"
        assert seen[home_en][0] == 200
        assert f"{server}{PREFIX}{version}/methode/" in seen[home_en][2] or any(
            ref.endswith(f"{version}/methode/") for ref in seen[home_en][2])
    latest = f"{server}{PREFIX}latest/"
    assert seen[latest][0] == 200
    assert any(f"{PREFIX}1.0/" in ref for ref in seen[latest][2]), "le lien du bandeau « ancienne version »"
    for path in ("note/", "lettre.en/", "calendrier/"):
        for version in ("1.0", "1.1", "latest"):
            assert fetch(f"{server}{PREFIX}{version}/{path}")[0] == 200


@pytest.mark.publication
def test_content_types(crawled: Crawl, server: str) -> None:
    by_ext: dict[str, set[str]] = {}
    for url, (_status, kind, _) in crawled.seen.items():
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


@pytest.mark.publication
def test_root_and_version_addresses(server: str) -> None:
    status, headers, body = fetch(f"{server}{PREFIX}")
    assert status == 200 and b"url=latest/" in body
    assert b'src="latest/assets/javascripts/theme/redirect.js"' in body
    assert fetch(f"{server}{PREFIX}latest/assets/javascripts/theme/redirect.js")[0] == 200
    status, headers, _ = fetch(f"{server}{PREFIX.rstrip('/')}")
    assert status == 301 and headers["location"] == PREFIX
    status, headers, _ = fetch(f"{server}{PREFIX}1.0")
    assert status == 301 and headers["location"] == f"{PREFIX}1.0/"


@pytest.mark.publication
def test_cache_headers_and_gzip(server: str, crawled: Crawl) -> None:
    status, headers, body = fetch(f"{server}{PREFIX}latest/note/", gzip_ok=True)
    assert status == 200 and headers["cache-control"] == "no-cache"
    assert headers.get("content-encoding") == "gzip" and b"<html" in gzip.decompress(body)
    assert "Accept-Encoding" in headers.get("vary", "")
    hashed = next(url for url in crawled.seen if re.search(r"\.[0-9a-f]{8}\.min\.js$", url))
    status, headers, _ = fetch(hashed, gzip_ok=True)
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers.get("content-encoding") == "gzip"
    assert fetch(f"{server}{PREFIX}versions.json")[1]["cache-control"] == "no-cache"
    ics = next((url for url in crawled.seen if url.endswith(".ics")), None)
    assert ics is not None, "aucun calendrier .ics publié"
    assert fetch(ics)[1]["cache-control"] == "no-cache"
    pdf = next((url for url in crawled.seen if url.endswith(".pdf")), None)
    if pdf:
        assert fetch(pdf)[1]["cache-control"] == "public, max-age=3600"


# -- Push to publish: the CI job's own lines, against a bare repository -----------------------------

# The job's first lines install what this machine already has (Debian packages, the venv).
SETUP_LINES = ("apt-get ", "make .venv/")
# Like the season's, the job's changes are to a page of the edition without a PDF (see tests/publishing.py).
ENTRY_1_4 = Entry("1.4", "21 avril 2009", "21 April 2009",
                  ("[Glossaire](glossaire.md) : une définition précisée.",),
                  ("[Glossary](glossaire.md): one definition clarified (in French).",))


def job_lines(name: str) -> list[str]:
    """The script lines of a .gitlab-ci.yml job, setup lines left out."""
    config = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    return [line for line in config[name]["script"] if not line.startswith(SETUP_LINES)]


def run_ci_job(server_repo: Path, work: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """What the runner does: a fresh full clone of main, then the publication job's lines in one shell."""
    checkout = work / "builds" / "kit-forums"
    if checkout.exists():
        shutil.rmtree(checkout)
    subprocess.run(["git", "clone", "--quiet", "--branch", "main", str(server_repo), str(checkout)], check=True)
    # The runner's machine has its own .venv (make .venv/.installed): here, the tests' one.
    (checkout / ".venv").symlink_to(Path(sys.prefix))
    with (checkout / ".git" / "info" / "exclude").open("a", encoding="utf-8") as exclude:
        exclude.write(".venv\n")
    config = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    script = "set -eo pipefail\n" + "\n".join(job_lines("publication")) + "\n"
    host, project, token = "git.intranet.test", "dicom/kit-forums", "jeton-de-test"
    gitconfig = work / "gitconfig"
    gitconfig.write_text(f'[url "{server_repo}"]\n\tinsteadOf = https://oauth2:{token}@{host}/{project}.git\n',
                         encoding="utf-8")
    job_env = {**os.environ, **{k: str(v) for k, v in config["variables"].items()}, **env,
               "CI": "true", "CI_SERVER_HOST": host, "CI_PROJECT_PATH": project, "KIT_JETON_PUBLICATION": token,
               "CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main", "CI_PIPELINE_SOURCE": "push",
               "GIT_CONFIG_GLOBAL": str(gitconfig), "PIP_CACHE_DIR": str(work / "pip")}
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        job_env.pop(key, None)
    return subprocess.run(["bash", "-c", script], cwd=checkout, env=job_env, capture_output=True, text=True,
                          check=False)


@pytest.mark.publication
@pytest.mark.nginx
def test_push_to_publish_through_the_ci_job(season: Season, tmp_path: Path) -> None:
    """Pushes to the intranet's git server (a bare repository); the CI job publishes, or says there is nothing new."""
    published = season.upto("1.3")
    server_repo = tmp_path / "serveur" / "kit-forums.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(server_repo)], check=True)
    with season.held():  # the clone is shared by the test run's workers
        git(season.repo, "push", "--quiet", str(server_repo), "HEAD:refs/heads/main",
            f"{published.branch}:refs/heads/gh-pages")
    editor = tmp_path / "poste-redacteur"
    subprocess.run(["git", "clone", "--quiet", "--branch", "main", str(server_repo), str(editor)], check=True)

    def published_head() -> str:
        return git(server_repo, "rev-parse", "refs/heads/gh-pages").strip()

    # A typo fixed, no changelog entry: nothing published, green job, said in French.
    before = published_head()
    glossary = editor / "docs" / "glossaire.md"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    commit(editor, "Typo", "2009-04-14")
    git(editor, "push", "--quiet", "origin", "main")
    idle = run_ci_job(server_repo, tmp_path / "runner", season.env)
    assert idle.returncode == 0, idle.stdout + idle.stderr
    assert "Rien à publier : la version 1.3, la plus récente de docs/nouveautes.md, est déjà en ligne" in idle.stdout
    assert published_head() == before
    assert_french(idle)

    # A new version in the changelog: published and pushed by the job.
    glossary.write_text(glossary.read_text(encoding="utf-8") + "\nDéfinition précisée pour la version 1.4.\n",
                        encoding="utf-8")
    write_changelog(editor, [ENTRY_1_4, ENTRY_1_3, ENTRY_1_2, ENTRY_1_1, FIRST_EDITION])
    commit(editor, "Version 1.4", "2009-04-21")
    git(editor, "push", "--quiet", "origin", "main")
    run = run_ci_job(server_repo, tmp_path / "runner", season.env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Version 1.4 publiée" in run.stdout and "La branche gh-pages a été envoyée à « origin »." in run.stdout
    assert_french(run)
    assert git(server_repo, "merge-base", "--is-ancestor", before, "gh-pages") == ""
    versions = json.loads(git(server_repo, "show", "gh-pages:versions.json"))
    assert [v["version"] for v in versions] == ["1.4", "1.3", "1.2", "1.1", "1.0"]
    assert versions[0]["aliases"] == ["latest"]

    # What the intranet server then serves (its checkout of gh-pages), crawled in both languages.
    tree = tmp_path / "www"
    export_branch(server_repo, "gh-pages", tree / PREFIX.strip("/"))
    with nginx(tree, free_port(), tmp_path / "nginx") as url:
        found = crawl(url, [f"{url}{PREFIX}", f"{url}{PREFIX}latest/index.en/", f"{url}{PREFIX}1.4/index.en/"])
        assert not found.broken(), list(found.broken().items())[:10]
        assert "Définition précisée pour la version 1.4." in found.pages[f"{url}{PREFIX}latest/glossaire/"]
        assert "Modifié dans la version 1.4" in found.pages[f"{url}{PREFIX}latest/glossaire/"]


def assert_french(result: subprocess.CompletedProcess[str]) -> None:
    """The job's own messages are French (git's quiet commands print nothing)."""
    text = result.stdout + result.stderr
    assert text.strip()
    english = re.compile(r"\b(error|warning|the|published|nothing|failed|usage)\b", re.IGNORECASE)
    offending = [line for line in text.splitlines() if english.search(line) and "http" not in line]
    assert not offending, offending


def test_ci_publishes_main_one_push_at_a_time() -> None:
    """GitLab and GitHub: tests first, then publish.py on main, serialised, with the full history."""
    gitlab = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["variables"]["GIT_DEPTH"] == "0"
    assert "bash .ci/run" in gitlab["tests"]["script"]
    job = gitlab["publication"]
    assert job["resource_group"] == "gh-pages" and job["needs"] == ["tests"]
    assert "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" in job["rules"][0]["if"]
    assert job["script"][-1] == ".venv/bin/python scripts/publish.py --push --sans-tests"
    # Only installation lines are left out when the job runs in test_push_to_publish_through_the_ci_job.
    skipped = [line for line in job["script"] if line.startswith(SETUP_LINES)]
    assert all("apt-get" in line or line == "make .venv/.installed" for line in skipped)

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


# -- The site's address and the test tools (in-process, and one command line) ---------------------


def publish_script() -> types.ModuleType:
    """scripts/publish.py as a module (its command line is not run)."""
    spec = importlib.util.spec_from_file_location("kit_publish_script", ROOT / "scripts" / "publish.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_address_comes_from_site_url_then_from_the_committed_file(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    script = publication
    file = tmp_path / "adresse.txt"
    monkeypatch.setattr(script, "ADDRESS_FILE", file)
    assert script.site_address({}) == (None, "")
    file.write_text("# L'adresse du kit :\n#   https://exemple.invalid/\n\n", encoding="utf-8")
    assert script.site_address({}) == (None, ""), "les lignes « # » ne sont que des explications"
    file.write_text("# L'adresse du kit :\n  https://intranet.test/kit-forums/  \n", encoding="utf-8")
    assert script.site_address({})[0] == "https://intranet.test/kit-forums/"
    assert script.site_address({"SITE_URL": "https://autre.test/kit/"}) == ("https://autre.test/kit/",
                                                                           "variable SITE_URL")


@pytest.mark.parametrize("address", ["http://127.0.0.1:8000/", "http://localhost:8000/kit-forums/",
                                     "http://[::1]/", "http://0.0.0.0/", "http://kit.localhost/", "http://127.1.2.3/"])
def test_push_refuses_an_address_of_this_machine(address: str) -> None:
    problem = publication.address_problem(address, "variable SITE_URL", push=True)
    assert problem and "est celle de ce poste" in problem and "https://" in problem
    assert publication.address_problem(address, "variable SITE_URL", push=False) is None


@pytest.mark.parametrize("address", ["intranet/kit-forums", "ftp://intranet.test/", "https://", "https://x.test/?a=1"])
def test_an_address_that_is_not_one_is_refused(address: str) -> None:
    problem = publication.address_problem(address, "deploy/adresse.txt", push=False)
    assert problem and "n'est pas une adresse de site" in problem and "(deploy/adresse.txt)" in problem


def test_push_without_an_address_says_how_to_give_it(clone: Path, tmp_path: Path) -> None:
    server = tmp_path / "serveur.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(server)], check=True)
    git(clone, "remote", "add", "origin", str(server))
    result = publish(clone, "1.0", "--push", "--sans-tests", env={"SITE_URL": ""})
    assert result.returncode == 1, result.stdout
    assert "l'adresse du kit sur l'intranet n'est pas indiquée" in result.stderr
    assert "SITE_URL=https://intranet.interieur.gouv.fr/kit-forums/ .venv/bin/python scripts/publish.py 1.0 --push" \
        in result.stderr
    assert "écrivez-la dans deploy/adresse.txt" in result.stderr
    local = publish(clone, "1.0", "--push", "--sans-tests", env={"SITE_URL": "http://localhost:8000/"})
    assert local.returncode == 1 and "est celle de ce poste" in local.stderr
    assert not _has_gh_pages(clone) and git(server, "branch", "--list") == ""


def test_the_kits_own_python_installs_the_test_tools_instead_of_looping(monkeypatch: pytest.MonkeyPatch) -> None:
    """After « make serve » only, .venv lacks pytest: never « Lancez plutôt » the very command typed."""
    script = publish_script()
    monkeypatch.setattr(script, "missing_modules", lambda argv: ([], ["pytest"]))
    monkeypatch.setattr(script, "is_project_python", lambda: True)
    assert script.interpreter_problem(["1.1"]) is None, "installé par la publication elle-même"
    monkeypatch.setattr(script, "missing_modules", lambda argv: (["mike"], ["pytest"]))
    problem = script.interpreter_problem(["1.1"])
    assert problem and "Lancez plutôt" not in problem and "Supprimez le dossier .venv" in problem
    monkeypatch.setattr(script, "is_project_python", lambda: False)
    other = script.interpreter_problem(["1.1"])
    assert other and ".venv/bin/python scripts/publish.py 1.1" in other
