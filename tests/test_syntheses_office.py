"""Syntheses saved by LibreOffice (as OpenOffice.org and Word users send them), and the compilation opened in it.

A synthesis filled in the kit's DOCX template is saved as ODT by LibreOffice,
one filled in the ODT template is saved as DOCX (Word 2007); both are read,
checked and compiled, every sentence found once; the compilation's ODT and
DOCX open in LibreOffice with every proposal in them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import lxml.etree
import pytest

import synthesis_files as sf
from clients.tools import convert

pytestmark = pytest.mark.libreoffice

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "syntheses.py"
CALENDAR = """departement;date;heure_debut;commune;lieu;statut;participants
29;2009-04-14;18:00;Quimper;salle du Chapeau-Rouge;tenu;40
56;2009-04-15;18:00;Vannes;salle des fêtes;tenu;40
"""


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FORUMS_CSV": str(folder / "forums.csv")}
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=folder, capture_output=True, text=True,
                          env=env, check=False)


def test_syntheses_saved_by_libreoffice_are_read_and_compiled(tmp_path: Path) -> None:
    finistere = sf.sample("Finistère", [("14/04/2009", "Quimper")], "réf. FI")
    morbihan = sf.sample("Morbihan", [("15/04/2009", "Vannes")], "réf. MO")
    made = tmp_path / "rempli"
    made.mkdir()
    (made / "synthese-29.docx").write_bytes(sf.docx_bytes(sf.fill_docx(finistere)))
    (made / "synthese-56.odt").write_bytes(sf.fill_odt(morbihan))
    received = tmp_path / "recu"
    convert([made / "synthese-29.docx"], "odt", received)
    convert([made / "synthese-56.odt"], "docx:MS Word 2007 XML", received)
    (received / "forums.csv").write_text(CALENDAR, encoding="utf-8")

    checked = run(received, "check", "synthese-29.odt", "synthese-56.docx")
    assert checked.returncode == 0, checked.stderr
    assert "synthese-29.odt : Finistère (29) : 1 rencontre, 2 propositions, 1 compte rendu annexé." in checked.stdout
    assert "synthese-56.docx : Morbihan (56) : 1 rencontre, 2 propositions, 1 compte rendu annexé." in checked.stdout
    assert "partie absente" not in checked.stderr and "Autres éléments" not in checked.stderr, checked.stderr

    compiled = run(received, "compile", "-o", "sortie", "synthese-29.odt", "synthese-56.docx")
    assert compiled.returncode == 0, compiled.stderr
    opened = convert([received / "sortie" / "compilation-syntheses-departementales.odt"], "fodt", tmp_path / "lu-odt")
    opened += convert([received / "sortie" / "compilation-syntheses-departementales.docx"], "fodt",
                      tmp_path / "lu-docx")
    for path in opened:
        text = " ".join(" ".join(lxml.etree.parse(str(path)).getroot().itertext()).split())
        for filling in (finistere, morbihan):
            for sentence in filling.sentences():
                assert text.count(sentence) == 1, (path.name, sentence)
