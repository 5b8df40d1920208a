"""The English pages read as an English civil servant expects, without literal renderings.

Each rejected wording is listed with the reason; the French term, when it is
given, is marked as French (``lang="fr"``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import ROOT, page

ENGLISH_SOURCES = sorted((ROOT / "docs").glob("*.en.md"))

# Wording that a careful reader rejected, and why.
REJECTED = {
    r"young retired reservists": "jeunes retraités: recently retired",
    r"service to the person": "service à la personne: personal and home-care services",
    r"organic attachment": "rattachement organique: the gendarmerie's transfer to the Ministry of the Interior",
    r"environmental approaches": "logiques environnementales: local contexts",
    r"(?i)\bvideo-protection\b": "vidéo-protection: CCTV (with the French term noted once)",
    r"should naturally be involved": "devront: must",
    r"départemental\b": "not an English adjective",
    r"\(electronic letter boxes\)": "no gloss added to the official text where the French has none",
}


@pytest.mark.parametrize("path", ENGLISH_SOURCES, ids=lambda p: p.name)
def test_no_rejected_wording(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [f"« {pattern} » ({why})" for pattern, why in REJECTED.items() if re.search(pattern, text)]
    assert not found, f"{path.name} : " + " ; ".join(found)


@pytest.mark.parametrize("url", ["note.en/", "fiche-1.en/"])
def test_cctv_notes_the_french_term_once_in_french(site: Path, url: str) -> None:
    root = lxml_html.fromstring(page(site, url))
    article = root.xpath("//article")[0]
    french = [el for el in article.xpath(".//*[@lang='fr']") if el.text_content().strip() == "vidéo-protection"]
    assert len(french) == 1, f"{url} : le terme français « vidéo-protection » doit être noté une fois"
    assert "CCTV" in article.text_content()


def test_same_french_sentence_rendered_the_same_way(site: Path) -> None:
    """« Elle est aussi la preuve de leur capacité d'adaptation… » reads the same in the note and sheet 1."""
    sentence = "is also proof of their capacity to adapt to changes in delinquency"
    starts = set()
    for url in ("note.en/", "fiche-1.en/"):
        text = " ".join(lxml_html.fromstring(page(site, url)).xpath("//article")[0].text_content().split())
        match = re.search(r"(\w+) " + sentence, text)
        assert match, f"{url} : phrase introuvable"
        starts.add(match.group(1))
    assert len(starts) == 1, f"« Elle » traduit de deux façons : {starts}"


@pytest.mark.parametrize("path", ENGLISH_SOURCES, ids=lambda p: p.name)
def test_every_translated_page_says_it_is_a_translation(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert re.search(r"(?i)translation", text.split("\n#", 1)[-1][:600]), f"{path.name} : pas de mention de traduction"


# French words in the English pages (RGAA 8.7) ----------------------------------------------

# Letters of French words that English words do not use.
FRENCH_LETTERS = re.compile(r"[àâçéèêëîïôûùüÿœæ]", re.IGNORECASE)
# A word or phrase, letters only: what could be a French term rather than a date, a number or a name of a format.
WORDING = re.compile(r"[^\W\d_]+(?:[ ’'-][^\W\d_]+)*")


def _key(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).strip(" .,;:").casefold()


def _glossary_french_terms() -> set[str]:
    """The French expansions of the glossary's acronyms: the bold words that open each definition."""
    text = (ROOT / "docs" / "glossaire.md").read_text(encoding="utf-8")
    return {_key(match.group(1)) for match in re.finditer(r"^:\s+\*\*(.+?)\*\*", text, re.MULTILINE)}


def _article_text(site: Path, url: str) -> str:
    path = site / url / "index.html"
    if not path.is_file():
        return ""
    return _key(lxml_html.fromstring(path.read_text(encoding="utf-8")).xpath("//article")[0].text_content())


def _is_french(term: str, glossary: set[str], french_page: str) -> bool:
    """A French term: French letters, a glossary expansion, or words the French version of the page has too."""
    key = _key(term)
    if FRENCH_LETTERS.search(key) or key in glossary:
        return True
    return (WORDING.fullmatch(key) is not None and len(key) >= 5
            and re.search(rf"(?<!\w){re.escape(key)}(?!\w)", french_page) is not None)


def _lang(element: lxml_html.HtmlElement) -> str:
    langs = element.xpath("ancestor-or-self::*[@lang][1]/@lang")
    return str(langs[0]) if langs else ""


def test_french_terms_in_italics_on_english_pages_are_marked_french(site: Path) -> None:
    """Every French term an English page sets in italics is read as French by a screen reader."""
    glossary = _glossary_french_terms()
    assert glossary, "docs/glossaire.md : aucun développement en gras"
    found: list[str] = []
    problems: list[str] = []
    for path in sorted(site.glob("*.en/index.html")):
        url = path.parent.name
        french_page = _article_text(site, url.removesuffix(".en")) if url != "index.en" else _article_text(site, "")
        article = lxml_html.fromstring(path.read_text(encoding="utf-8")).xpath("//article")[0]
        for element in article.xpath(".//em | .//i"):
            term = " ".join(element.text_content().split())
            if not term or not _is_french(term, glossary, french_page):
                continue
            found.append(term)
            if not _lang(element).startswith("fr"):
                problems.append(f"{url}/ : « {term} » en italique sans lang=\"fr\"")
    assert found, "aucun terme français en italique dans les pages anglaises : le test ne vérifie plus rien"
    assert not problems, "\n".join(problems)


def test_the_french_term_finder_tells_french_from_english() -> None:
    glossary = _glossary_french_terms()
    french_page = _key("Les forums débouchent sur des Assises nationales, 320 pixels.")
    assert _is_french("communauté de brigades", glossary, "")
    assert _is_french("Assises", glossary, french_page)
    assert not _is_french("320 pixels", glossary, french_page)
    assert not _is_french("the police and the gendarmerie provide you with a service", glossary, french_page)
