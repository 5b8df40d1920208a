"""Every page, and every PDF, says where its text comes from.

The ministry's texts of 26 February 2009 are the letter, the note and the two
sheets (the circular's « P. JOINTES : Note et 2 fiches »); everything else was
written for this edition of the kit, translations included. The page's front
matter says which (``provenance:``), a template shows it, and the PDFs repeat it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from lxml import html as lxml_html

from conftest import ROOT

# The publication gate: scripts/publish.py runs these tests before each publication.
pytestmark = pytest.mark.gate

DOCS = ROOT / "docs"
OFFICIAL_SOURCES = {"lettre.md", "note.md", "fiche-1.md", "fiche-2.md"}
KINDS = {"officiel", "traduction", "edition"}
LABELS = {
    ("officiel", "fr"): "Texte officiel du 26 février 2009",
    ("edition", "fr"): "Rédigé pour cette édition du kit",
    ("traduction", "en"): "Translation written for this edition of the kit",
    ("edition", "en"): "Written for this edition of the kit",
}


def front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    return (yaml.safe_load(match.group(1)) or {}) if match else {}


def sources() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def test_every_source_page_declares_its_provenance() -> None:
    problems = []
    for path in sources():
        kind = front_matter(path).get("provenance")
        if kind not in KINDS:
            problems.append(f"{path.relative_to(ROOT)} : provenance « {kind} » (attendu : {sorted(KINDS)})")
    assert not problems, "\n".join(problems)


def test_official_texts_are_exactly_the_letter_the_note_and_the_sheets() -> None:
    official = {path.relative_to(DOCS).as_posix() for path in sources()
                if front_matter(path).get("provenance") == "officiel"}
    assert official == OFFICIAL_SOURCES
    for path in sources():
        rel = path.relative_to(DOCS).as_posix()
        if front_matter(path).get("provenance") == "traduction":
            assert rel.endswith(".en.md") and rel.replace(".en.md", ".md") in OFFICIAL_SOURCES, rel


def built_pages(site: Path) -> list[Path]:
    return sorted(path for path in site.rglob("index.html") if path.parent != site / "search")


def _language(path: Path, site: Path) -> str:
    return "en" if any(part.endswith(".en") for part in path.relative_to(site).parts) else "fr"


def test_every_built_page_shows_exactly_one_provenance(site: Path) -> None:
    pages = built_pages(site)
    assert len(pages) > 15
    official: set[str] = set()
    problems = []
    for path in pages:
        root = lxml_html.fromstring(path.read_text(encoding="utf-8"))
        marks = root.xpath("//article//*[contains(concat(' ', @class, ' '), ' kit-provenance ')]")
        url = path.parent.relative_to(site).as_posix()
        if len(marks) != 1:
            problems.append(f"{url} : {len(marks)} mention(s) de provenance")
            continue
        mark = marks[0]
        kind = mark.get("data-provenance")
        label = " ".join(mark.xpath("string(.//*[contains(@class, 'kit-provenance__label')])").split())
        expected = LABELS.get((kind, _language(path, site)))
        if expected is None or label.replace("\u00a0", " ") != expected:
            problems.append(f"{url} : « {label} » ({kind})")
        # Before the title: the reader knows what the text is before reading it.
        h1 = root.xpath("//article//h1")
        if h1 and mark not in h1[0].itersiblings(preceding=True):
            problems.append(f"{url} : la mention de provenance n'est pas avant le titre")
        if kind == "officiel":
            official.add(url)
    assert not problems, "\n".join(problems)
    assert official == {"lettre", "note", "fiche-1", "fiche-2"}


def test_official_page_dates_its_text_apart_from_the_edition(site: Path) -> None:
    root = lxml_html.fromstring((site / "lettre" / "index.html").read_text(encoding="utf-8"))
    updated = root.xpath("//aside[contains(@class, 'kit-updated')]")
    if not updated:
        pytest.skip("pas de date de modification hors d'un dépôt git")
    text = " ".join(updated[0].text_content().split()).replace("\u00a0", " ")
    assert re.fullmatch(r"Texte officiel daté du 26 février 2009\. Page de cette édition du kit mise à jour "
                        r"le \d{1,2}(er)? \w+ \d{4}\.", text), text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) est absent")
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("lettre-26-fevrier-2009", "Texte officiel du 26 février 2009"),
        ("fiche-2-une-responsabilite-partagee", "Texte officiel du 26 février 2009"),
        ("methode-animation", "Rédigé pour cette édition du kit"),
        ("modele-compte-rendu", "Rédigé pour cette édition du kit"),
    ],
)
def test_every_pdf_page_says_where_its_text_comes_from(site: Path, name: str, expected: str) -> None:
    pdf = site / "documents" / f"{name}.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    assert pages
    for number, page in enumerate(pages, start=1):
        assert expected in " ".join(page.split()), f"{name}.pdf, page {number} : « {expected} » absent"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) est absent")
def test_whole_kit_pdf_says_each_documents_provenance(site: Path) -> None:
    pdf = site / "documents" / "kit-complet-forums-securite-2009.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert flat.count("Texte officiel du 26 février 2009") >= 4
    assert flat.count("Rédigé pour cette édition du kit") >= 5


def test_the_editorial_check_enforces_the_same_rule() -> None:
    """``make verifier`` tells an editor what this module would refuse (kit.editorial.frontmatter)."""
    from kit.editorial import frontmatter

    assert set(frontmatter.OFFICIAL) == OFFICIAL_SOURCES and set(frontmatter.KINDS) == KINDS
    for path in sources():
        rel = path.relative_to(DOCS).as_posix()
        assert frontmatter.expected_provenance(rel) == front_matter(path).get("provenance"), rel
