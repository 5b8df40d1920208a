"""PDF/UA-1 as far as it can be checked here (veraPDF is not available): a
pikepdf walk of each PDF's content streams and structure tree proves that
every text run is tagged or an artifact, and reads the identification,
language, title, link texts and bookmarks."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from weasyprint import HTML

from kit.documents import pdfua, registry

DOCS = Path(__file__).resolve().parents[1] / "docs"
EXISTING = [doc for doc in registry.KIT_DOCUMENTS if (DOCS / doc.src_uri).is_file()]
SLUGS = [doc.slug for doc in EXISTING] + [registry.WHOLE_KIT_SLUG]

# A page with running header and footer, a page number and a table of contents with leaders,
# laid out as the kit's documents are.
SAMPLE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Essai</title><style>
@page { size: A5; margin: 25mm 15mm;
  @top-left { content: element(entete); } @bottom-right { content: "Page " counter(page) " sur " counter(pages); } }
.entete { position: running(entete); }
nav a::after { content: leader(". ") target-counter(attr(href), page); }
section { break-before: page; }
</style></head><body><div class="entete">République française</div>
<nav><h2>Sommaire</h2><ol><li><a href="#un">Premier chapitre</a></li><li><a href="#deux">Second</a></li></ol></nav>
<section id="un"><h1>Premier chapitre</h1><p>Un texte. <a href="https://exemple.invalid/">Un lien</a>.</p></section>
<section id="deux"><h1>Second</h1><p>Fin du texte…</p></section></body></html>"""


def weasyprint_pdf() -> bytes:
    return HTML(string=SAMPLE).write_pdf(pdf_variant="pdf/ua-1")


def test_weasyprint_alone_leaves_margins_untagged_and_leaders_as_text() -> None:
    """The defect the finishing works around (WeasyPrint issue 1836): this test fails once WeasyPrint fixes it."""
    found = pdfua.describe(weasyprint_pdf())
    assert {run.text for run in found.untagged} >= {"République française"}
    assert any(run.text.startswith("Page ") or run.text.strip().isdigit() for run in found.untagged)
    assert len(found.leaders_tagged) >= 3
    assert found.links_without_text >= 2  # the table of contents' links: /Contents is their target's name


def test_finishing_makes_every_text_run_tagged_or_an_artifact() -> None:
    raw = pdfua.describe(weasyprint_pdf())
    data = pdfua.finish(weasyprint_pdf())
    found = pdfua.describe(data)
    assert found.problems() == []
    assert found.untagged == [] and found.leaders_tagged == [] and found.nested == []
    assert found.artifact_runs == len(raw.untagged) + len(raw.leaders_tagged)
    assert found.tagged_runs == raw.tagged_runs - len(raw.leaders_tagged)
    assert found.pdfua_part == "1" and found.lang == "fr" and found.display_doc_title and found.bookmarks >= 2
    # The text is still all there for the eye.
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert "République française" in text and "Page 1 sur 3" in text and ". . ." in text
    assert pdfua.finish(weasyprint_pdf()) == data  # same bytes for the same document


def test_finishing_gives_links_their_text() -> None:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdfua.finish(weasyprint_pdf()))) as pdf:
        contents = [str(a.Contents) for page in pdf.pages for a in page.obj.get("/Annots", [])]
    assert "Un lien" in contents
    assert any(c.startswith("Premier chapitre") and c.endswith("2") and "." not in c for c in contents)


@pytest.mark.parametrize("slug", SLUGS)
def test_each_pdf_of_the_kit_conforms_as_far_as_checked(site: Path, slug: str) -> None:
    found = pdfua.describe((site / "documents" / f"{slug}.pdf").read_bytes())
    assert found.problems() == []
    assert found.tagged_runs > 0
    # The running header and footer are there, as artifacts: five of them a page but on a cover.
    assert found.artifact_runs >= 4 * (found.pages - 1)
    assert found.lang == "fr" and found.title


def test_leaders_are_rows_of_dots_not_an_ellipsis() -> None:
    def runs(*texts: str) -> list[pdfua.TextRun]:
        return [pdfua.TextRun(1, text, ()) for text in texts]

    assert pdfua.is_leader(runs(". ", ". ", ". ", ". "))
    assert pdfua.is_leader(runs(" . . . . . . "))
    assert not pdfua.is_leader(runs("..."))  # typed as three dots: text
    assert not pdfua.is_leader(runs(". ", "a", ". ", ". "))
