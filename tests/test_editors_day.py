"""The tests guard behaviour, never today's content: they pass on a copy where an editor's day was played.

tests/editors_day.py plays the day in a git copy (the README's recipes, a
prefecture's file merged, a changelog entry for the next version, all
committed); the README's publication command then publishes it, with the
copy's own code and tests: its publication gate runs the test modules that read
the kit's content on the day's content.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, documents_cache
from content import calendar_rows, changelog_versions
from editors_day import PREFECTURE_FILE, WORK_TREE, clone_env, git, make_editors_day, newest_version
from readme_recipes import read_recipes

pytestmark = [pytest.mark.publication, pytest.mark.slow]

# The modules that read the content an editor changes (the calendar, the pages, the changelog): the
# publication gate runs them, so the day's publication below runs them on the day's content. The
# recipes' own tests (tests/test_recipes.py) replay them from a state they make, whatever the content.
CONTENT_TESTS = [
    "tests/test_forums_cli.py", "tests/test_forums_exports.py", "tests/test_forums_read.py",
    "tests/test_calendar_site.py", "tests/test_texts.py", "tests/test_translations.py",
    "tests/test_typography_inline.py", "tests/test_provenance.py", "tests/test_quotations.py",
    "tests/test_i18n.py", "tests/test_version_marks.py", "tests/test_calendar_formats.py",
]


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_editors_day(tmp_path_factory.mktemp("journee") / "kit")


def test_the_day_is_committed_as_the_readme_says(day: Path) -> None:
    log = git(day, "log", "--format=%s", "-12").stdout.splitlines()
    recipes = read_recipes(ROOT / "README.md")
    assert log[0].startswith("Nouveautés de la version") and log[1] == "Calendrier : forums du Calvados"
    assert len([m for m in log if m != WORK_TREE]) >= len(recipes) + 2
    assert git(day, "status", "--porcelain").stdout == ""
    # The merge adds the prefecture's rows and touches no other line of data/forums.csv.
    diff = git(day, "show", "--format=", "--unified=0", "HEAD~1", "--", "data/forums.csv").stdout.splitlines()
    added = [line for line in diff if line.startswith("+") and not line.startswith("+++")]
    removed = [line for line in diff if line.startswith("-") and not line.startswith("---")]
    with PREFECTURE_FILE.open(encoding="utf-8", newline="") as handle:
        received = list(csv.DictReader(handle, delimiter=";"))
    assert removed == [] and len(added) == len(received)
    assert len(calendar_rows(day / "data" / "forums.csv")) == len(calendar_rows()) + len(received)
    rows = list(csv.DictReader(io.StringIO("\n".join([diff_header(day), *[a[1:] for a in added]])), delimiter=";"))
    # The prefecture's contacts never reach the calendar kept in git.
    assert {row["departement"] for row in rows} == {"14"} and "contact" not in rows[0]
    assert not any(row["contact"] and row["contact"] in "\n".join(added) for row in received)
    # One new version, in both languages, naming the pages touched.
    version = newest_version(day / "docs" / "nouveautes.md")
    assert changelog_versions(day / "docs" / "nouveautes.md") == changelog_versions(day / "docs" / "nouveautes.en.md")
    assert version not in changelog_versions(ROOT / "docs" / "nouveautes.md")
    french = (day / "docs" / "nouveautes.md").read_text(encoding="utf-8")
    for target in ("reunions-publiques.md", "note.md", "methode.md", "calendrier/index.md"):
        assert f"]({target})" in french, target


def diff_header(day: Path) -> str:
    return (day / "data" / "forums.csv").read_text(encoding="utf-8").split("\n", 1)[0]


def test_the_content_tests_are_in_the_publication_gate() -> None:
    """Every module that reads what an editor changes runs in the gate, hence on the day's publication below."""
    collected = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                                "-m", "gate", "-p", "no:xdist", *CONTENT_TESTS], cwd=ROOT, capture_output=True,
                               text=True, check=False)
    modules = {line.split("::", 1)[0] for line in collected.stdout.splitlines() if "::" in line}
    assert modules == set(CONTENT_TESTS), collected.stdout[-2000:] + collected.stderr[-2000:]


# The README's publication command is the block after this mark (section « Publier une nouvelle version »).
PUBLICATION_MARK = "<!-- publication : commande -->"


def readme_publication_command(readme: Path = ROOT / "README.md") -> str:
    """The publication command exactly as README.md shows it to an editor."""
    match = re.search(re.escape(PUBLICATION_MARK) + r"\n+```[^\n]*\n(?P<body>[^\n]+)\n```",
                      readme.read_text(encoding="utf-8"))
    assert match, f"README.md : le bloc marqué « {PUBLICATION_MARK} » est introuvable"
    return match["body"].strip()


def test_the_day_publishes_with_the_readmes_command(day: Path, tmp_path: Path) -> None:
    """The README's command, as written, publishes the day's version to the intranet's git server."""
    command = readme_publication_command()
    words = shlex.split(command)
    assigned = dict(word.split("=", 1) for word in words if re.match(r"^[A-Z_]+=", word))
    argv = [word for word in words if not re.match(r"^[A-Z_]+=", word)]
    assert argv[:2] == [".venv/bin/python", "scripts/publish.py"] and "--push" in argv, command
    address = assigned.get("SITE_URL", "")
    assert address.startswith("https://"), "la commande du README donne l'adresse de l'intranet (SITE_URL)"
    # The README's example number is the day's version, or becomes it (the day takes the next free number).
    version = newest_version(day / "docs" / "nouveautes.md")
    argv = [version if re.fullmatch(r"\d+\.\d+(\.\d+)?", word) else word for word in argv]
    # The editor's machine: the kit's .venv (here, the tests' own) and the intranet's git server.
    venv = day / ".venv"
    if not venv.exists():
        venv.symlink_to(Path(sys.prefix))
        with (day / ".git" / "info" / "exclude").open("a", encoding="utf-8") as exclude:
            exclude.write(".venv\n")
    server = tmp_path / "serveur.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(server)], check=True)
    git(day, "remote", "add", "origin", str(server))
    git(day, "push", "--quiet", "origin", "HEAD:refs/heads/main")
    # The day's calendar files are kept from one test run to the next (keyed by content, like the
    # season's): only a first run makes them all. Its documents are kept with the test site's, whose
    # layouts serve every address.
    env = {**clone_env(day), **assigned, "KIT_DOCUMENTS_CACHE": str(documents_cache()),
           "KIT_CALENDAR_CACHE": str(ROOT / ".cache" / "journee" / "calendar")}
    for name in ("MIKE_DOCS_VERSION", "PYTEST_ADDOPTS", "PYTEST_CURRENT_TEST"):
        env.pop(name, None)
    result = subprocess.run(argv, cwd=day, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    assert f"Adresse du site : {address}" in result.stdout
    assert "La branche gh-pages a été envoyée à « origin »." in result.stdout
    versions = json.loads(git(server, "show", "gh-pages:versions.json").stdout)
    assert versions[0]["version"] == version and versions[0]["aliases"] == ["latest"]
    for path in (f"{version}/index.html", f"{version}/note/index.html", "latest/methode/index.html"):
        html = git(server, "show", f"gh-pages:{path}").stdout
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html)
        assert canonical and canonical.group(1).startswith(address), (path, canonical and canonical.group(1))
        assert "127.0.0.1" not in html, path
