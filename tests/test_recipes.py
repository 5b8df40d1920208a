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

import re
import shlex
from pathlib import Path

import pytest
from lxml import html as lxml_html

import test_a11y_markup
import test_texts
import test_translations
from conftest import ROOT, build_site, documents_cache, page
from editors_day import copy_of_the_repository, do_recipes, git, newest_version
from readme_recipes import apply, read_recipes, undo

README = ROOT / "README.md"
RECIPES = read_recipes(README)
# The editing tasks the README must teach (issue of the editors' workflow).
EXPECTED = ["corriger", "note", "page", "sigle", "nouveautes", "film"]


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository after every recipe of the README, each one checked and committed.

    What the recipes add is first taken out of the copy when an editor has done them already
    (tests/readme_recipes.py, ``undo_recipes``): the copy starts from a state the test makes itself.
    """
    clone = copy_of_the_repository(tmp_path_factory.mktemp("recettes") / "kit")
    do_recipes(clone, README)
    return clone


def test_the_recipes_run_again_on_a_copy_where_they_are_done(edited: Path, tmp_path: Path) -> None:
    """An editor who did the recipes keeps a repository in which the recipe tests still run."""
    again = copy_of_the_repository(tmp_path / "encore", source=edited)
    assert (again / "docs" / "reunions-publiques.md").exists()
    version = do_recipes(again, README)
    log = git(again, "log", "--format=%s", f"-{len(RECIPES) + 1}").stdout.split("\n")
    assert log[len(RECIPES)] == "Copie de départ : ce qu'ajoutent les recettes du README, retiré"
    # Done twice, the recipes leave the files as done once: one page, one acronym, one changelog entry.
    for name in ("mkdocs.yml", "includes/abbreviations.md", "includes/abbreviations.en.md", "docs/glossaire.md",
                 "docs/note.md", "docs/note.en.md", "docs/reunions-publiques.md", "docs/nouveautes.en.md"):
        assert (again / name).read_text(encoding="utf-8") == (edited / name).read_text(encoding="utf-8"), name
    assert version == newest_version(edited / "docs" / "nouveautes.md")
    assert git(again, "status", "--porcelain").stdout == ""


def test_undo_takes_out_only_what_a_recipe_adds(tmp_path: Path) -> None:
    root = tmp_path / "kit"
    (root / "docs").mkdir(parents=True)
    changelog = root / "docs" / "nouveautes.md"
    original = "# Nouveautés\n\nIntro.\n\n## Version 1.0\n\n- Première version.\n"
    changelog.write_text(original, encoding="utf-8")
    (step,) = [s for s in RECIPES["nouveautes"] if s.file == "docs/nouveautes.md"]
    assert not undo(step, root)
    apply(step, root)
    text = changelog.read_text(encoding="utf-8")
    assert "## Version 1.1" in text
    # An item added under the version since: the whole section goes.
    changelog.write_text(text.replace("deuxième partie.\n", "deuxième partie.\n- Autre ligne.\n"), encoding="utf-8")
    assert undo(step, root)
    assert changelog.read_text(encoding="utf-8") == original
    (created,) = [s for s in RECIPES["page"] if s.kind == "create" and s.file == "docs/reunions-publiques.md"]
    apply(created, root)
    assert undo(created, root) and not (root / created.file).exists()


@pytest.fixture(scope="module")
def edited_site(edited: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("recettes-site") / "site"
    # The PDFs and downloads of unchanged pages are taken from the repository's caches.
    result = build_site(dest, cwd=edited, env={
        "KIT_DOCUMENTS_CACHE": str(documents_cache()),
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
    # The test film: its player, captions and transcript; a local build copies the media next to the page.
    films = lxml_html.fromstring(page(edited_site, "films/"))
    assert films.xpath("//video/source/@src") == ["../films/medias/essai.mp4"]
    assert (edited_site / "films" / "medias" / "essai.mp4").is_file()
    assert (edited_site / "films" / "essai.fr.vtt").is_file()
    assert "compteur qui défile" in films.xpath("string(//details)")


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
