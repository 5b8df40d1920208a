"""The tests guard behaviour, never today's content: they pass on a copy where an editor's day was played.

tests/editors_day.py plays the day in a git copy (the README's recipes, a
prefecture's file merged, a changelog entry for the next version, all
committed); the test modules that read the kit's content then run in that
copy, with the copy's own tests and code.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from content import calendar_rows, changelog_versions
from editors_day import PREFECTURE_FILE, git, make_editors_day, newest_version
from readme_recipes import read_recipes

pytestmark = pytest.mark.publication

ROOT = Path(__file__).resolve().parents[1]
# The modules that read the content an editor changes: the calendar, the pages, the changelog, the recipes.
CONTENT_TESTS = [
    "tests/test_forums_cli.py", "tests/test_forums_exports.py", "tests/test_forums_read.py",
    "tests/test_calendar_site.py", "tests/test_texts.py", "tests/test_translations.py",
    "tests/test_typography_inline.py", "tests/test_provenance.py", "tests/test_quotations.py",
    "tests/test_i18n.py", "tests/test_editorial.py", "tests/test_version_marks.py", "tests/test_recipes.py",
    "tests/test_versions.py",
]


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_editors_day(tmp_path_factory.mktemp("journee") / "kit")


def test_the_day_is_committed_as_the_readme_says(day: Path) -> None:
    log = git(day, "log", "--format=%s", "-12").stdout.splitlines()
    recipes = read_recipes(ROOT / "README.md")
    assert log[0].startswith("Nouveautés de la version") and log[1] == "Calendrier : forums du Calvados"
    assert len([m for m in log if m != "État de travail"]) >= len(recipes) + 2
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
    assert {row["departement"] for row in rows} == {"14"} and all(row["contact"] for row in rows)
    # One new version, in both languages, naming the pages touched.
    version = newest_version(day / "docs" / "nouveautes.md")
    assert changelog_versions(day / "docs" / "nouveautes.md") == changelog_versions(day / "docs" / "nouveautes.en.md")
    assert version not in changelog_versions(ROOT / "docs" / "nouveautes.md")
    french = (day / "docs" / "nouveautes.md").read_text(encoding="utf-8")
    for target in ("reunions-publiques.md", "note.md", "methode.md", "calendrier/index.md"):
        assert f"]({target})" in french, target


def diff_header(day: Path) -> str:
    return (day / "data" / "forums.csv").read_text(encoding="utf-8").split("\n", 1)[0]


def test_the_content_tests_pass_on_the_editors_day(day: Path) -> None:
    """The copy's own tests, on the copy's content: nothing there knows today's calendar or changelog."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(day / "src"), str(day)]), "NO_MKDOCS_2_WARNING": "1"}
    for name in ("FORUMS_CSV", "MIKE_DOCS_VERSION", "PYTEST_ADDOPTS", "PYTEST_CURRENT_TEST"):
        env.pop(name, None)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not browser",
                             *CONTENT_TESTS], cwd=day, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, (f"les tests échouent sur la copie {day} :\n"
                                    + "\n".join(result.stdout.splitlines()[-60:]) + result.stderr[-3000:])
