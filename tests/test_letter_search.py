"""The letter's header and signature are in the search index: its signatory, NOR and addressees find it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT


def _separator() -> re.Pattern[str]:
    """The search plugin's word separator, as configured in mkdocs.yml."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    match = re.search(r"^      separator: (.+)$", text, re.M)
    assert match, "séparateur de la recherche introuvable dans mkdocs.yml"
    return re.compile(yaml.safe_load(match.group(1)))


def _words(html: str) -> set[str]:
    text = re.sub(r"<[^>]+>", " ", html)
    return {word.lower() for word in _separator().split(text) if word}


def _letter_source() -> dict[str, object]:
    text = (ROOT / "docs" / "lettre.md").read_text(encoding="utf-8")
    front = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert front
    letter = yaml.safe_load(front.group(1))["lettre"]
    assert isinstance(letter, dict)
    return letter


def _entry(site: Path, location: str) -> dict[str, str]:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    entries = [doc for doc in index["docs"] if doc["location"] == location]
    assert entries, f"{location} absent de l'index de recherche"
    return entries[0]


def _header_terms() -> list[str]:
    """Words of the header and signature, from the letter's own front matter."""
    letter = _letter_source()
    signature = letter["signature"]
    assert isinstance(signature, dict)
    return [str(signature["nom"]), str(letter["nor"]), str(letter["reference"]), *map(str, letter["destinataires"]),
            str(letter["pieces_jointes"]), str(letter["objet"])]


@pytest.mark.parametrize("location", ["lettre/", "lettre.en/"])
def test_letter_header_and_signature_are_indexed(site: Path, location: str) -> None:
    indexed = _words(_entry(site, location)["text"])
    terms = ["DELPUECH", "INT17A0190101417C", "NOR", "SG", "DICOM"]
    if location == "lettre/":
        terms += [word for term in _header_terms() for word in _separator().split(term) if len(word) > 2]
    missing = sorted({term for term in terms if term.lower() not in indexed})
    assert not missing, f"{location} : absents de l'index de recherche : {missing}"


def test_search_index_holds_no_header_twice(site: Path) -> None:
    text = _entry(site, "lettre/")["text"]
    assert text.count("DELPUECH") == 1
    assert text.count("INT17A0190101417C") == 1


def test_french_terms_of_the_translated_header_are_marked_french(site: Path) -> None:
    """RGAA 8.7: the English letter keeps French names (« Préfet de police »); screen readers read them in French."""
    import lxml.html

    text = (ROOT / "docs" / "lettre.en.md").read_text(encoding="utf-8")
    front = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert front
    terms = yaml.safe_load(front.group(1))["lettre"]["termes_francais"]
    assert terms, "aucun terme français déclaré dans l'en-tête anglais"
    page = lxml.html.fromstring((site / "lettre.en" / "index.html").read_text(encoding="utf-8"))
    (header,) = page.xpath("//header[contains(@class, 'kit-lettre')]")
    french = {span.text_content() for span in header.xpath(".//span[@lang='fr']")}
    for term in terms:
        assert term in header.text_content(), f"« {term} » absent de l'en-tête"
        assert any(term in marked for marked in french), f"« {term} » n'est pas marqué lang=\"fr\""
    # Never inside an attribute, never a span within a span.
    assert not header.xpath(".//span[@lang='fr']//span[@lang='fr']")
    assert 'lang="fr"' not in "".join(header.xpath(".//@aria-label"))
