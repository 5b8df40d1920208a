"""Every recipe of the README, done as an editor would on a copy of the repository.

The copy is a ``git clone`` of the repository with the working tree's files laid
over it. Each recipe's blocks are read from README.md (tests/readme_recipes.py)
and applied in the README's order; after each recipe its commands run (the
editorial check and the git commands it shows), which must succeed and leave
nothing unrecorded. The copy is then built, strict, and the tests that protect
the official texts and the translations run on the result: what the README tells
editors to do passes the suite.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

import test_a11y_markup
import test_texts
import test_translations
from conftest import ROOT, build_site, page
from kit.changelog import latest, load
from readme_recipes import Step, apply, read_recipes

README = ROOT / "README.md"
RECIPES = read_recipes(README)
# The editing tasks the README must teach (issue of the editors' workflow).
EXPECTED = ["corriger", "note", "page", "sigle", "nouveautes"]
GIT_ENV = {"GIT_AUTHOR_NAME": "Rédaction DICOM", "GIT_AUTHOR_EMAIL": "redaction@example.invalid",
           "GIT_COMMITTER_NAME": "Rédaction DICOM", "GIT_COMMITTER_EMAIL": "redaction@example.invalid",
           "GIT_PAGER": "cat", "PAGER": "cat"}


def git(clone: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["git", *args], cwd=clone, capture_output=True, text=True, check=False,
                            env={**os.environ, **GIT_ENV})
    assert result.returncode == 0, f"git {' '.join(args)} : {result.stdout}{result.stderr}"
    return result


def copy_of_the_repository(dest: Path) -> Path:
    """``git clone`` of the repository, with the files being edited in the working tree laid over it."""
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(dest)], check=True)
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, listed):
        source, target = ROOT / name, dest / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        elif target.exists():
            target.unlink()
    git(dest, "add", "-A")
    if git(dest, "status", "--porcelain").stdout.strip():
        git(dest, "commit", "--quiet", "-m", "État de travail")
    return dest


def next_version(clone: Path) -> str:
    """The version after the newest of the changelog (the README's example may be taken already)."""
    newest = latest(load(clone / "docs" / "nouveautes.md")).version
    major, minor = newest.split(".")[:2]
    return f"{major}.{int(minor) + 1}"


def fix_a_text(clone: Path, commands: str) -> None:
    """The correction itself, in the file the recipe's ``git add`` names: its first paragraph changes."""
    added = re.search(r"^git add (\S+)$", commands, re.MULTILINE)
    assert added, "la recette « corriger » doit montrer « git add FICHIER »"
    path = clone / added.group(1)
    lines = path.read_text(encoding="utf-8").split("\n")
    body = lines.index("---", 1) + 1 if lines[0] == "---" else 0
    at = next(i for i in range(body, len(lines)) if re.match(r"^[A-ZÀ-Ýa-zà-ý]", lines[i]))
    lines[at] += " Texte corrigé."
    path.write_text("\n".join(lines), encoding="utf-8")


def run_commands(clone: Path, step: Step) -> None:
    for raw in step.body.split("\n"):
        command = shlex.split(raw.split("  #")[0])
        if not command:
            continue
        if command == ["make", "verifier"]:
            result = subprocess.run([sys.executable, "scripts/verifier.py"], cwd=clone, capture_output=True,
                                    text=True, check=False)
            assert result.returncode == 0, f"recette « {step.recipe} » : make verifier\n{result.stdout}"
        elif command[0] == "git":
            assert "push" not in command, "une recette ne pousse rien"
            git(clone, *command[1:])
        else:
            raise AssertionError(f"recette « {step.recipe} » : commande inattendue « {raw} »")


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository after every recipe of the README, each one checked and committed."""
    clone = copy_of_the_repository(tmp_path_factory.mktemp("recettes") / "kit")
    version = next_version(clone)
    for name, steps in RECIPES.items():
        for step in steps:
            if step.kind == "commands":
                if name == "corriger":
                    fix_a_text(clone, step.body)
                run_commands(clone, step)
                assert git(clone, "status", "--porcelain").stdout == "", (
                    f"recette « {name} » : des fichiers modifiés ne sont pas dans son « git add »")
            else:
                if name == "nouveautes":
                    step = Step(step.recipe, step.kind, step.file, step.anchor,
                                re.sub(r"^## Version [\d.]+", f"## Version {version}", step.body, flags=re.MULTILINE))
                apply(step, clone)
    return clone


@pytest.fixture(scope="module")
def edited_site(edited: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("recettes-site") / "site"
    # The PDFs and downloads of unchanged pages are taken from the repository's caches.
    result = build_site(dest, cwd=edited, env={
        "KIT_DOCUMENTS_CACHE": str(ROOT / ".cache" / "documents"),
        "KIT_CALENDAR_CACHE": str(ROOT / ".cache" / "calendar")})
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return dest


def test_the_readme_teaches_every_editing_task() -> None:
    assert list(RECIPES) == EXPECTED
    for name, steps in RECIPES.items():
        assert steps[-1].kind == "commands", f"la recette « {name} » se termine par ses commandes"
        assert "make verifier" in steps[-1].body and "git commit -m" in steps[-1].body, name


def test_every_recipe_leaves_a_commit(edited: Path) -> None:
    log = git(edited, "log", "--format=%s", f"-{len(RECIPES)}").stdout.split("\n")
    commands = [step.body for steps in RECIPES.values() for step in steps if step.kind == "commands"]
    messages = [shlex.split(re.search(r"^git commit -m (.+)$", body, re.MULTILINE).group(1))[0] for body in commands]
    assert [m for m in log if m] == list(reversed(messages))


def test_recipes_show_on_the_built_site(edited_site: Path) -> None:
    # The editor's note: a real box in both languages.
    for url, title in (("note/", "Note de l'édition"), ("note.en/", "Editor’s note")):
        root = lxml_html.fromstring(page(edited_site, url))
        titles = [t.text_content().strip() for t in root.xpath("//div[contains(@class,'admonition')]/p[1]")]
        assert title in titles
    # The new page, its translation, and the English menu label.
    french, english = page(edited_site, "reunions-publiques/"), page(edited_site, "reunions-publiques.en/")
    assert "Réunions publiques" in french and 'lang="en"' in english
    assert "Public meetings" in english
    links = lxml_html.fromstring(page(edited_site, "index.en/")).xpath("//a[contains(@href, 'reunions-publiques.en/')]")
    assert links and all(" ".join(a.text_content().split()) == "Public meetings" for a in links)
    # The acronym: a tooltip on the pages, an entry in the glossary.
    statement = lxml_html.fromstring(page(edited_site, "accessibilite/"))
    assert statement.xpath("//abbr[text()='RGAA']/@title")[0].startswith("Référentiel général")
    assert lxml_html.fromstring(page(edited_site, "glossaire/")).xpath("//dt[@id='rgaa']")
    # The changelog: the new page marked new.
    assert re.search(r"Nouveau dans la version \d+\.\d+", french)


@pytest.mark.parametrize("url", list(test_texts.OFFICIAL))
def test_official_texts_stay_verbatim_after_the_recipes(edited_site: Path, url: str) -> None:
    test_texts.test_every_source_line_is_on_its_page(edited_site, url)
    test_texts.test_no_word_added_to_the_official_text(edited_site, url)
    test_texts.test_editor_notes_are_whole_boxes(edited_site, url)


def test_glossary_and_tooltips_after_the_recipes(edited: Path, edited_site: Path) -> None:
    test_texts.check_glossary(edited_site, test_texts.read_abbreviations(edited / "includes" / "abbreviations.md"))


@pytest.mark.parametrize(("french", "english"), test_translations.PAGES.items())
def test_translations_still_follow_after_the_recipes(edited_site: Path, french: str, english: str) -> None:
    fr = test_translations.Article(page(edited_site, french))
    en = test_translations.Article(page(edited_site, english))
    assert en.structure == fr.structure
    assert fr.figures() <= en.figures()


@pytest.mark.parametrize("url", ["accessibilite/", "accessibilite.en/"])
def test_accessibility_statement_after_the_recipes(edited_site: Path, url: str) -> None:
    test_a11y_markup.test_statement_says_what_rgaa_requires(edited_site, url)
