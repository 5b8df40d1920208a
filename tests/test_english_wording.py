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
