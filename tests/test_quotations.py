"""Every quotation of the official texts, on the kit's own pages, is word for word and attributed.

The pages written for this edition quote the letter, the note and the sheets as
``« <span class="kit-citation" data-source="note" data-section="I-B">…</span> »``:
the source names the text, the optional section the part of it the quotation
belongs to (a guiding question introduces its own section only). Each one must
be found, as written, in that text of tests/data/circulaire-forums-securite-2009.txt;
only typographic spaces and apostrophes may differ, and « [...] » marks a cut.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

# The publication gate: scripts/publish.py runs these tests before each publication.
pytestmark = pytest.mark.gate

SOURCE = Path(__file__).parent / "data" / "circulaire-forums-securite-2009.txt"

# Where each official text, and each section a quotation may name, starts and ends in the source.
TEXTS: dict[str, tuple[str, str | None]] = {
    "lettre": ("MINISTÈRE DE L'INTÉRIEUR", "Objet : Forums sécurité intérieure"),
    "note": ("Objet : Forums sécurité intérieure", "Fiche thématique N°1 :"),
    "fiche-1": ("Fiche thématique N°1 :", "Fiche thématique N°2:"),
    "fiche-2": ("Fiche thématique N°2:", None),
    "note:I-A": ("A) LA MODERNISATION AU SERVICE DE L'EFFICACITE", "B) LA PROXIMITE VIS – A - VIS"),
    "note:I-B": ("B) LA PROXIMITE VIS – A - VIS", "II) La sécurité, une responsabilité partagée"),
    "note:II-A": ("A) LES ACTEURS LOCAUX DE LA SECURITE", "B) LE ROLE DU CITOYEN"),
    "note:II-B": ("B) LE ROLE DU CITOYEN", None),
    "fiche-1:I": ("I) LA MODERNISATION AU SERVICE DE L'EFFICACITE\n\nL'utilisation", "II) LA PROXIMITE AVEC NOS"),
    "fiche-1:II": ("II) LA PROXIMITE AVEC NOS CONCITOYENS", None),
    "fiche-2:I": ("I) LES RELATIONS AVEC LES AUTRES ACTEURS", "II) LE ROLE DU CITOYEN"),
    "fiche-2:II": ("II) LE ROLE DU CITOYEN", None),
}
CUT = re.compile(r"\s*\[(?:\.\.\.|…)\]\s*")


def normalise(text: str) -> str:
    """Typographic differences only: apostrophes, no-break and doubled spaces, spaces around « : ; ! ? »."""
    text = text.replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"[*¹²³⁴]", "", text)  # Markdown emphasis and footnote calls of the source
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r" ?([:;!?»])", r"\1", text)
    return re.sub(r"« ?", "«", text).strip()


def _raw(key: str) -> str:
    whole = SOURCE.read_text(encoding="utf-8")
    if ":" in key:  # a section: searched inside its text
        whole = _raw(key.split(":", 1)[0])
    start_mark, end_mark = TEXTS[key]
    start = whole.index(start_mark)
    end = whole.index(end_mark, start + len(start_mark)) if end_mark else len(whole)
    return whole[start:end]


def source_text(key: str) -> str:
    return normalise(_raw(key))


def found_in(quotation: str, text: str) -> bool:
    """Whether every piece of ``quotation`` (cut at « [...] ») is in ``text``, in that order."""
    pos = 0
    for piece in CUT.split(normalise(quotation)):
        if not piece:
            continue
        pos = text.find(piece, pos)
        if pos < 0:
            return False
        pos += len(piece)
    return True


def citations(site: Path) -> list[tuple[str, str, str, str]]:
    """(page, source, section, text) of every marked quotation of the built site."""
    found = []
    for path in sorted(site.rglob("index.html")):
        root = lxml_html.fromstring(path.read_text(encoding="utf-8"))
        for span in root.xpath("//article//*[contains(concat(' ', @class, ' '), ' kit-citation ')]"):
            page = path.parent.relative_to(site).as_posix() or "accueil"
            found.append((page, span.get("data-source", ""), span.get("data-section", ""), span.text_content()))
    return found


def test_source_sections_are_found() -> None:
    for key in TEXTS:
        assert len(source_text(key)) > 200, key


def test_every_quotation_is_verbatim_in_its_source(site: Path) -> None:
    quotations = citations(site)
    assert len(quotations) >= 40, "trop peu de citations balisées"
    problems = []
    for page, source, section, text in quotations:
        key = f"{source}:{section}" if section else source
        if key not in TEXTS:
            problems.append(f"{page} : source inconnue « {key} » pour « {text} »")
        elif not found_in(text, source_text(key)):
            problems.append(f"{page} : « {' '.join(text.split())} » n'est pas dans {key}")
    assert not problems, "\n".join(problems)


def test_every_quotation_is_between_guillemets(site: Path) -> None:
    problems = []
    for path in sorted(site.rglob("index.html")):
        html = path.read_text(encoding="utf-8")
        for match in re.finditer(r'(.{2})<span class="kit-citation"[^>]*>(.*?)</span>(.{2})', html):
            before, after = match.group(1), match.group(3)
            if "«" not in before or "»" not in after:
                problems.append(f"{path.parent.relative_to(site)} : {match.group(0)[:80]}")
    assert not problems, "\n".join(problems)


def test_french_quotations_on_english_pages_are_marked_french(site: Path) -> None:
    problems = []
    for path in sorted(site.rglob("index.html")):
        if not any(part.endswith(".en") for part in path.relative_to(site).parts):
            continue
        root = lxml_html.fromstring(path.read_text(encoding="utf-8"))
        for span in root.xpath("//article//*[contains(concat(' ', @class, ' '), ' kit-citation ')]"):
            if not span.xpath("ancestor-or-self::*[@lang][1]/@lang = 'fr'"):
                problems.append(f"{path.parent.relative_to(site)} : « {span.text_content()[:60]} »")
    assert not problems, "\n".join(problems)


def test_french_between_guillemets_on_english_pages_is_marked_french(site: Path) -> None:
    """On an English page, « … » holds French words: an element with lang="fr" must hold them."""
    problems = []
    for path in sorted(site.rglob("index.html")):
        if not any(part.endswith(".en") for part in path.relative_to(site).parts):
            continue
        root = lxml_html.fromstring(path.read_text(encoding="utf-8"))
        for article in root.xpath("//article"):
            for node in article.xpath(".//text()[contains(., '«')]"):
                parent = node.getparent()
                if node.is_tail:  # text after an element belongs to that element's parent
                    parent = parent.getparent()
                if not parent.xpath("ancestor-or-self::*[@lang][1]/@lang = 'fr'"):
                    problems.append(f"{path.parent.relative_to(site)} : « {' '.join(str(node).split())[:70]} »")
    assert not problems, "\n".join(problems)


# Words the edition puts between guillemets without quoting a text: examples, labels, its own phrases.
def test_unmarked_guillemets_on_edition_pages_are_not_quotations(site: Path) -> None:
    """A passage of four words or more between « » that is in the source must be marked as a quotation."""
    whole = normalise(SOURCE.read_text(encoding="utf-8"))
    problems = []
    for name in ("methode", "fil-directeur", "modeles/invitation", "modeles/compte-rendu", "modeles/synthese",
                 "suivi"):
        root = lxml_html.fromstring((site / name / "index.html").read_text(encoding="utf-8"))
        for article in root.xpath("//article"):
            for span in article.xpath(".//*[contains(concat(' ', @class, ' '), ' kit-citation ')]"):
                span.text = "[citation]"
                for child in list(span):
                    span.remove(child)
            text = " ".join(article.text_content().split())
            for match in re.finditer(r"«\s*([^«»]+?)\s*»", text):
                quoted = match.group(1)
                if len(quoted.split()) >= 4 and normalise(quoted) in whole and "[citation]" not in quoted:
                    problems.append(f"{name} : « {quoted} » cite la circulaire sans être balisé")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("quotation", "key", "expected"),
    [
        ("d'expliquer et de valoriser concrètement leur action", "note", True),
        ("expliquer et valoriser concrètement leur action", "note", False),
        ("la sécurité est-elle un service à la personne ?", "note:I-B", True),
        ("la sécurité est-elle un service à la personne ?", "note:II-B", False),
        ("Êtes-vous aussi un acteur de votre propre sécurité ?", "note:II-B", True),
        ("Êtes-vous aussi un acteur de votre propre sécurité ?", "note:I-B", False),
        ("Quelle est la place au niveau local des acteurs de la sécurité privée [...] et quelles sont les pistes",
         "fiche-2", True),
        ("Écouter les attentes", "lettre", False),
    ],
)
def test_the_check_tells_verbatim_from_paraphrase(quotation: str, key: str, expected: bool) -> None:
    assert found_in(quotation, source_text(key)) is expected
