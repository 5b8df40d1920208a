"""scripts/syntheses.py: received syntheses checked, recorded and compiled, clean and messy.

The syntheses are the kit's own DOCX and ODT templates (made in-process by
the documents pipeline) filled by python-docx and on the ODT's XML, then
messed up as prefectures do: headings renamed or deleted, text outside the
fields, a table pasted as text, tracked changes and comments, a second
département pasted below the first, a PDF.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import lxml.etree
import pytest

import synthesis_files as sf
from kit.campaign.syntheses import read_syntheses
from kit.documents import pdfua
from kit.syntheses.similarity import alike, groups, tokens
from kit.territory import load_territory

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "syntheses.py"
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"

CALENDAR = """departement;date;heure_debut;commune;lieu;statut;participants
44;2009-04-14;18:00;Saint-Herblain;salle de la Bernardière;tenu;40
44;2009-04-20;18:00;Basse-Goulaine;salle des fêtes;tenu;70
44;2009-05-13;18:00;Nantes;hôtel de ville;tenu;120
76;2009-04-15;18:00;Lillebonne;salle des Aulnes;tenu;40
01;2009-04-16;18:00;Bourg-en-Bresse;salle des fêtes;tenu;40
33;2009-04-17;18:00;Mérignac;salle du Pin-Galant;tenu;40
13;2009-04-18;18:00;Aubagne;salle Marcel-Pagnol;tenu;40
69;2009-04-22;18:00;Villeurbanne;salle Raspail;tenu;40
"""
TRACKING = """departement;recue_le;comptes_rendus;remarque
44;2009-05-20;2;
76;2009-05-26;1;
"""
DELETED = "Cette phrase a été supprimée avec le suivi des modifications."


@dataclass
class Fixture:
    file: str
    departement: str  # name as compiled
    sentences: list[str]


def _write(folder: Path, name: str, data: bytes) -> None:
    (folder / name).write_bytes(data)


@pytest.fixture(scope="module")
def received(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Fixture]]:
    folder = tmp_path_factory.mktemp("recu")
    fixtures: list[Fixture] = []

    loire = sf.sample("Loire-Atlantique", [("14/04/2009", "Saint-Herblain"), ("20/04/2009", "Basse-Goulaine")],
                      "réf. LA")
    _write(folder, "synthese-44.docx", sf.docx_bytes(sf.fill_docx(loire)))
    fixtures.append(Fixture("synthese-44.docx", "Loire-Atlantique", loire.sentences()))

    seine = sf.sample("Seine-Maritime", [("15/04/2009", "Lillebonne")], "réf. SM")
    # Rows added to the template's tables (two rows each in the template).
    seine.weaknesses += ["Peu de jeunes dans la salle (réf. SM).", "Des horaires mal choisis (réf. SM)."]
    seine.proposals.append(("Associer les bailleurs sociaux aux forums suivants (réf. SM).", "locale",
                            "Bailleurs sociaux (réf. SM)"))
    _write(folder, "synthese-76.odt", sf.fill_odt(seine))
    fixtures.append(Fixture("synthese-76.odt", "Seine-Maritime", seine.sentences()))

    # Ain, in Word: a theme renamed, part 3's heading deleted, text outside the fields, an extra part,
    # the proposals pasted as text (one without scope), tracked changes and a comment.
    ain = sf.sample("Ain", [("16/04/2009", "Bourg-en-Bresse")], "réf. AI")
    ain.proposals.append(("Ouvrir les commissariats le samedi matin (réf. AI).", "", "Police nationale (réf. AI)"))
    document = sf.fill_docx(ain)
    sf.rename_heading(document, "Thème 1", "Premier thème : ce que disent les habitants")
    sf.delete_heading(document, "3. Diagnostic")
    outside = "Le préfet tient à souligner la mobilisation des maires (réf. AI)."
    sf.add_after_table(document, 2, outside)
    thanks = "Nous remercions les associations qui ont prêté leurs salles (réf. AI)."
    sf.add_heading_with_text(document, "Annexes", "Remerciements", thanks)
    sf.proposals_as_text(document, ain.proposals)
    inserted = "Les jeunes ont demandé des rencontres dans les collèges (réf. AI)."
    comment = "À revoir avec le cabinet avant l'envoi (réf. AI)."
    sf.tracked_and_commented(document, inserted, DELETED, comment)
    _write(folder, "synthese-01.docx", sf.docx_bytes(document))
    fixtures.append(Fixture("synthese-01.docx", "Ain", [*ain.sentences(), outside, thanks, inserted, comment]))

    # Gironde, in OpenOffice.org: a local heading renamed beyond recognition, part 1's heading deleted,
    # tracked changes and a comment.
    gironde = sf.sample("Gironde", [("17/04/2009", "Mérignac")], "réf. GI")
    inserted_gi = "Le tramway a été cité comme un lieu d'insécurité le soir (réf. GI)."
    comment_gi = "Chiffres à confirmer par la DDSP (réf. GI)."
    mess_names = sf.odt_rename_and_delete({"Sujets propres": "Questions diverses"}, ("1. Les rencontres",))
    mess_changes = sf.odt_tracked_and_commented(inserted_gi, DELETED, comment_gi)
    _write(folder, "synthese-33.odt", sf.fill_odt(gironde, mess=lambda c: (mess_names(c), mess_changes(c))))
    fixtures.append(Fixture("synthese-33.odt", "Gironde", [*gironde.sentences(), inserted_gi, comment_gi]))

    # Bouches-du-Rhône with the Rhône's synthesis pasted below it.
    bouches = sf.sample("Bouches-du-Rhône", [("18/04/2009", "Aubagne")], "réf. BR")
    rhone = sf.sample("Rhône", [("22/04/2009", "Villeurbanne")], "réf. RH")
    first = sf.fill_docx(bouches)
    sf.append_document(first, sf.fill_docx(rhone))
    _write(folder, "synthese-13.docx", sf.docx_bytes(first))
    fixtures.append(Fixture("synthese-13.docx", "Bouches-du-Rhône", bouches.sentences()))
    fixtures.append(Fixture("synthese-13.docx", "Rhône", rhone.sentences()))

    _write(folder, "synthese-59.pdf", sf.tiny_pdf("Synthèse du Nord"))
    (folder / "forums.csv").write_text(CALENDAR, encoding="utf-8")
    (folder / "syntheses.csv").write_text(TRACKING, encoding="utf-8")
    return folder, fixtures


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FORUMS_CSV": str(folder / "forums.csv")}
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=folder, capture_output=True, text=True,
                          env=env, check=False)


# check ------------------------------------------------------------------------

def test_check_reports_each_problem_at_its_file_and_part(received: tuple[Path, list[Fixture]]) -> None:
    folder, _ = received
    result = run(folder, "check", "synthese-44.docx", "synthese-76.odt", "synthese-01.docx", "synthese-33.odt",
                 "synthese-13.docx", "synthese-59.pdf")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()

    def has(start: str, *words: str) -> bool:
        return any(line.startswith(start) and all(w in line for w in words) for line in lines)

    # The calendar: a forum missing from the synthesis, participants that differ.
    assert has("synthese-44.docx: partie 1 (les rencontres organisées) : avertissement :",
               "forum du calendrier absent de la synthèse : Nantes, 13 mai 2009")
    assert has("synthese-44.docx: partie 1 (les rencontres organisées), tableau 2, ligne 3 : avertissement :",
               "Basse-Goulaine", "50 participants dans la synthèse, 70 dans le calendrier")
    assert not any(line.startswith("synthese-76.odt") for line in lines), lines
    # Ain: every kind of mess, each at its part.
    assert has("synthese-01.docx: partie 4 (propositions)", "proposition sans portée", "Ouvrir les commissariats")
    assert has("synthese-01.docx: partie 4 (propositions)", "tableau écrit comme du texte")
    assert has("synthese-01.docx: partie 3 (points forts et faiblesses), tableau 3 : information :",
               "partie reconnue à son tableau")
    assert has("synthese-01.docx: partie 3 (points forts et faiblesses), paragraphe",
               "texte hors du tableau des points forts et faiblesses", "Autres éléments")
    assert has("synthese-01.docx: autres éléments", "titre non reconnu « Remerciements »")
    assert has("synthese-01.docx: avertissement : 1 commentaire laissé")
    assert has("synthese-01.docx: avertissement : 2 modifications suivies")
    assert has("synthese-33.odt: autres éléments", "titre non reconnu « Questions diverses »")
    assert has("synthese-33.odt: partie 1 (les rencontres organisées), tableau 2 : information :")
    assert has("synthese-33.odt: avertissement : 1 commentaire laissé")
    assert has("synthese-13.docx: identification", "deuxième synthèse", "Bouches-du-Rhône")
    assert has("synthese-59.pdf: information : PDF reçu (Nord), non lu automatiquement")
    assert "Rhône (69) : 1 rencontre, 2 propositions" in result.stdout
    assert not any("erreur" in line for line in lines[:-1]), lines


def test_check_refuses_a_file_whose_departement_contradicts_its_name(received: tuple[Path, list[Fixture]],
                                                                     tmp_path: Path) -> None:
    folder, _ = received
    (folder / "synthese-75.docx").write_bytes(sf.docx_bytes(sf.fill_docx(sf.sample("Gironde", []))))
    (folder / "notes.odt").write_bytes(b"not a zip")
    letter = docx.Document()
    letter.add_paragraph("Monsieur le Ministre, veuillez trouver ci-joint le bilan des forums.")
    letter.save(str(folder / "lettre-44.docx"))
    result = run(folder, "check", "synthese-75.docx", "notes.odt", "lettre-44.docx")
    assert result.returncode == 1
    assert "lettre-44.docx: erreur : aucune partie du modèle reconnue" in result.stderr
    assert ("synthese-75.docx: identification : erreur : le champ « Département » dit Gironde mais le nom du "
            "fichier désigne Paris") in result.stderr
    assert "notes.odt: erreur : fichier illisible" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("3 erreurs dans 3 fichiers")


# record -----------------------------------------------------------------------

def test_record_writes_the_tracking_file(received: tuple[Path, list[Fixture]], tmp_path: Path) -> None:
    folder, _ = received
    tracking = tmp_path / "syntheses.csv"
    result = run(folder, "record", "synthese-13.docx", "synthese-59.pdf", "--recue", "2009-05-25",
                 "--into", str(tracking))
    assert result.returncode == 0, result.stderr
    arrivals = {a.departement: a for a in read_syntheses(tracking, load_territory(ROOT / "data" / "reference"))}
    assert sorted(arrivals) == ["13", "59", "69"]
    assert arrivals["13"].comptes_rendus == 1 and str(arrivals["13"].recue_le) == "2009-05-25"
    assert arrivals["59"].remarque == "PDF, non lu automatiquement"
    assert "3 j après le 22 mai 2009" in result.stdout
    before = tracking.read_bytes()
    refused = run(folder, "record", "synthese-44.docx", "nothing.odt", "--into", str(tracking))
    assert refused.returncode == 1 and "n'a pas été modifié" in refused.stderr
    assert tracking.read_bytes() == before


# compile ----------------------------------------------------------------------

def _odt_paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(text, context) of every paragraph: its table row's text, else the nearest heading before it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = lxml.etree.fromstring(archive.read("content.xml"))
    found = []
    heading = ""
    for element in root.iter(f"{{{TEXT_NS}}}h", f"{{{TEXT_NS}}}p"):
        text = " ".join("".join(element.itertext()).split())
        if element.tag == f"{{{TEXT_NS}}}h":
            heading = text
            continue
        row = next(element.iterancestors(f"{{{TABLE_NS}}}table-row"), None)
        context = (" | ".join(" ".join("".join(cell.itertext()).split())
                              for cell in row.iter(f"{{{TABLE_NS}}}table-cell")) if row is not None else heading)
        found.append((text, context))
    return found


@pytest.fixture(scope="module")
def compiled(received: tuple[Path, list[Fixture]]) -> Path:
    folder, _ = received
    result = run(folder, "compile", "-o", "sortie", "--suivi", "syntheses.csv", "synthese-44.docx",
                 "synthese-76.odt", "synthese-01.docx", "synthese-33.odt", "synthese-13.docx", "synthese-59.pdf")
    assert result.returncode == 0, result.stderr
    assert "6 synthèses lues" in result.stdout
    return folder / "sortie"


def test_every_sentence_once_in_the_compilation_with_its_departement(
        received: tuple[Path, list[Fixture]], compiled: Path) -> None:
    _, fixtures = received
    paragraphs = _odt_paragraphs((compiled / "compilation-syntheses-departementales.odt").read_bytes())
    document = docx.Document(str(compiled / "compilation-syntheses-departementales.docx"))
    docx_texts = [p.text for p in document.paragraphs] + [
        cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for fixture in fixtures:
        assert fixture.sentences
        for sentence in fixture.sentences:
            holders = [(text, context) for text, context in paragraphs if sentence in text]
            assert len(holders) == 1, (fixture.file, sentence, holders)
            text, context = holders[0]
            assert fixture.departement in f"{text} {context}", (sentence, context)
            assert sum(t.count(sentence) for t in docx_texts) == 1, (fixture.file, sentence)
    everything = "\n".join(text for text, _ in paragraphs)
    assert DELETED not in everything


def test_compilation_parts_figures_and_index(compiled: Path) -> None:
    paragraphs = _odt_paragraphs((compiled / "compilation-syntheses-departementales.odt").read_bytes())
    texts = [text for text, _ in paragraphs]
    contexts = dict(paragraphs)
    # Figures from the calendar (8 held forums, 430 participants) and the tracking file (1 late).
    assert contexts["Forums tenus (calendrier)"].endswith("| 8")
    assert "430 sur 8 forums comptés" in texts
    assert contexts["dont en retard (enregistrées)"].endswith("| 1")
    # Late, missing, not read.
    assert any(text == "Seine-Maritime" and "26 mai 2009" in context and "4 j" in context
               for text, context in paragraphs)
    assert any(text.startswith("Nord : synthese-59.pdf") for text in texts)
    missing = next(text for text in texts if text.startswith("Aisne, "))
    assert "Loire-Atlantique" not in missing and "Nord" not in missing
    # Proposals: national first; the same proposal from six départements brought together.
    rows = [context for text, context in paragraphs if text.startswith("P") and text[1:].isdigit()]
    scopes = [next(s for s in ("nationale", "départementale", "locale", "non précisée") if f"| {s} |" in r)
              for r in rows]
    assert scopes == sorted(scopes, key=["nationale", "départementale", "locale", "non précisée"].index)
    assert scopes[0] == "nationale" and scopes[-1] == "non précisée"
    recurring = [text for text in texts if "; 6 départements (" in text]
    assert len(recurring) == 2, texts
    # The index: one row per département received, with its proposals.
    assert any(context.startswith("Ain (01) | reçue, non enregistrée") and "P" in context
               for _, context in paragraphs)


def test_compilation_pdf_is_pdfua(compiled: Path) -> None:
    found = pdfua.describe((compiled / "compilation-syntheses-departementales.pdf").read_bytes())
    assert found.problems() == []
    assert found.pages >= 3 and found.lang == "fr"


def test_compile_refuses_a_published_folder(received: tuple[Path, list[Fixture]]) -> None:
    folder, _ = received
    result = run(folder, "compile", "-o", str(ROOT / "docs" / "compilation"), "synthese-44.docx")
    assert result.returncode == 1 and "documents internes" in result.stderr
    assert not (ROOT / "docs" / "compilation").exists()


# likeness ---------------------------------------------------------------------

def test_alike_proposals_share_most_of_their_words() -> None:
    first = "Généraliser la pré-plainte en ligne pour les victimes."
    assert alike(tokens(first), tokens("Généraliser les pré-plaintes en ligne pour toutes les victimes"))
    assert not alike(tokens(first), tokens("Créer un référent sûreté dans chaque commune."))
    assert groups([first, "Créer un référent sûreté", "généraliser la pre plainte en ligne (victimes)"]) == [
        [0, 2], [1]]


# reading without a template's layout -----------------------------------------------

def test_a_synthesis_typed_without_styles_or_tables() -> None:
    """Headings typed as plain lines, the identification and tables typed as text: all read, nothing lost."""
    from kit.syntheses.parts import DepartementNames, recognise
    from kit.syntheses.reading import Block, Document

    lines = ["Synthèse des forums", "Département : Finistère", "Date d'envoi : 20 mai 2009",
             "1. Les rencontres organisées", "1\t14/04/2009\tQuimper\tQuimper-1\t45",
             "Participation : Quarante-cinq personnes sont venues.",
             "2. Éclairage de proximité", "Une remarque générale avant les thèmes.",
             "Thème 1 : la sécurité, un devoir", "Les cambriolages inquiètent.",
             "3. Diagnostic", "Point fort : une gendarmerie présente.", "Faiblesse : des délais trop longs.",
             "4. Propositions", "Ouvrir le samedi | nationale | Police", "Une idée sans tableau."]
    document = Document(Path("finistere.docx"),
                        blocks=[Block("paragraph", text=text, number=i) for i, text in enumerate(lines, 1)])
    received = recognise(document, "finistere.docx", DepartementNames(load_territory(ROOT / "data" / "reference")))
    [synthesis] = received.syntheses
    assert synthesis.departement == "29" and synthesis.date_envoi == "20 mai 2009"
    assert synthesis.parts_found >= {"rencontres", "eclairage", "theme1", "diagnostic", "propositions"}
    assert [(row.commune, row.participants) for row in synthesis.forums] == [("Quimper", 45)]
    assert synthesis.strengths == ["une gendarmerie présente."]
    assert synthesis.weaknesses == ["des délais trop longs."]
    assert [(p.text, p.scope, p.actors) for p in synthesis.proposals] == [("Ouvrir le samedi", "nationale", "Police")]
    kept = {(p.part, p.text) for p in synthesis.passages}
    assert ("autres", "Une remarque générale avant les thèmes.") in kept
    assert ("autres", "Une idée sans tableau.") in kept
    assert ("theme1", "Les cambriolages inquiètent.") in kept
    assert ("rencontres", "Quarante-cinq personnes sont venues.") in kept
    assert {p.part for p in received.problems if "Autres éléments" in p.message} == {"eclairage", "propositions"}
