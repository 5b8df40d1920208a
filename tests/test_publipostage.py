"""Invitations by mail merge: the guest list and the letter, opened and merged by LibreOffice headless.

What these tests prove, and what they do not:

- each file (guest list in XLSX and ODS, letter in DOCX and ODT) opens in LibreOffice;
- the guest list's formulas are computed by LibreOffice itself (the CSV it writes holds the forms of
  address and closing formulas, for the three guests the test writes), in both formats;
- the letter's merge fields are read by LibreOffice as mail-merge (database) fields, bound to the guest
  list's columns, and stay mail-merge fields when LibreOffice saves the letter again as DOCX (MERGEFIELD)
  or ODT (``text:database-display``);
- a real mail merge by LibreOffice (its ``com.sun.star.text.MailMerge`` service, run by a Basic macro)
  turns the letter and a three-guest list into three letters with the right formulas, when the
  macro can run (:func:`libreoffice_merge`); the test that needs it says so when it cannot.

Word itself is not run: that the DOCX fields are Word's own MERGEFIELD codes is checked on the XML.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import lxml.etree
import pytest

from clients.mailmerge import EXPECTED, GUESTS, mail_merge, require_calc_driver
from clients.tools import convert
from kit.documents import publipostage
from kit.documents.workbook import to_ods, to_xlsx

pytestmark = pytest.mark.libreoffice

TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def guest_rows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, str]]]:
    """The three-guest list, in XLSX and in ODS, as LibreOffice computes it (saved by it as CSV)."""
    folder = tmp_path_factory.mktemp("invites")
    book = publipostage.guests_workbook(GUESTS)
    sources = [folder / "xlsx-invites.xlsx", folder / "ods-invites.ods"]
    sources[0].write_bytes(to_xlsx(book))
    sources[1].write_bytes(to_ods(book))
    converted = convert(sources, "csv:Text - txt - csv (StarCalc):59,34,76,1", folder / "csv")
    return {source.suffix[1:]: list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")), delimiter=";"))
            for source, path in zip(sources, converted, strict=True)}


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_guest_list_formulas_computed_by_libreoffice(guest_rows: dict[str, list[dict[str, str]]],
                                                     suffix: str) -> None:
    rows = guest_rows[suffix]
    assert list(rows[0]) == list(publipostage.FIELDS)
    assert [(row["Formule_appel"], row["Formule_politesse"]) for row in rows] == list(EXPECTED)
    assert [row["Nom"] for row in rows] == [guest[2] for guest in GUESTS]


def test_every_quality_has_its_formulas(tmp_path: Path) -> None:
    """Each quality of the list, for a man and a woman, as LibreOffice computes it from the shipped list."""
    guests = tuple((civ, "Prénom", "Nom", q.label, "", "", "", "", "")
                   for q in publipostage.QUALITIES for civ in publipostage.CIVILITES)
    path = tmp_path / "toutes.ods"
    path.write_bytes(to_ods(publipostage.guests_workbook(guests)))
    [read] = convert([path], "csv:Text - txt - csv (StarCalc):59,34,76,1", tmp_path / "csv")
    rows = list(csv.DictReader(io.StringIO(read.read_text(encoding="utf-8")), delimiter=";"))
    expected = [(q.madame if civ == "Madame" else q.monsieur, q.regard)
                for q in publipostage.QUALITIES for civ in publipostage.CIVILITES]
    assert [(r["Formule_appel"], r["Formule_politesse"]) for r in rows] == [
        (appel, f"Je vous prie d'agréer, {appel}, l'expression de {regard}.") for appel, regard in expected]


def test_shipped_files_open_and_list_their_choices(tmp_path: Path) -> None:
    """The files as the kit offers them open in LibreOffice, with the drop-down lists and input help."""
    sources = {"xlsx": publipostage.guests_xlsx(), "ods": publipostage.guests_ods()}
    paths = []
    for suffix, data in sources.items():
        path = tmp_path / f"{suffix}-liste.{suffix}"
        path.write_bytes(data)
        paths.append(path)
    for path in convert(paths, "fods", tmp_path / "out"):
        root = lxml.etree.parse(str(path)).getroot()
        table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
        validations = root.findall(f".//{{{table_ns}}}content-validation")
        conditions = " ".join(v.get(f"{{{table_ns}}}condition", "") for v in validations)
        assert '"Madame";"Monsieur"' in conditions, path.name
        assert "Qualit" in conditions, path.name  # the list of qualités, from its sheet
        helps = [words("".join(h.itertext())) for h in root.iter(f"{{{table_ns}}}help-message")]
        assert any("recopiez vers le bas" in h for h in helps), path.name


def _database_fields(root: lxml.etree._Element) -> list[str]:
    return [f.get(f"{{{TEXT_NS}}}column-name") for f in root.iter(f"{{{TEXT_NS}}}database-display")]


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("lettre")
    docx, odt = folder / "docx-lettre.docx", folder / "odt-lettre.odt"
    docx.write_bytes(publipostage.render_letter_docx())
    odt.write_bytes(publipostage.render_letter_odt())
    return {"docx": docx, "odt": odt}


@pytest.fixture(scope="module")
def read_letters(letters: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each letter as LibreOffice reads it, saved as a flat ODT (both in one run of LibreOffice)."""
    flats = convert(list(letters.values()), "fodt", tmp_path_factory.mktemp("lettre-lue"))
    return dict(zip(letters, flats, strict=True))


@pytest.fixture(scope="module")
def saved_letters(letters: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """(source, target) → the ``source`` letter saved again by LibreOffice as ``target`` (one run per target)."""
    saved = {}
    for target in ("docx", "odt"):
        paths = convert(list(letters.values()), target, tmp_path_factory.mktemp(f"lettre-en-{target}"))
        saved.update({(source, target): path for source, path in zip(letters, paths, strict=True)})
    return saved


@pytest.mark.parametrize("suffix", ["docx", "odt"])
def test_letter_fields_are_merge_fields_for_libreoffice(read_letters: dict[str, Path], suffix: str) -> None:
    root = lxml.etree.parse(str(read_letters[suffix])).getroot()
    assert _database_fields(root) == publipostage.merge_fields()
    # Every column but the qualité (it only chooses the formulas) is merged somewhere.
    assert set(publipostage.merge_fields()) == set(publipostage.FIELDS) - {"Qualité"}


@pytest.mark.parametrize(("source", "target"), [("docx", "odt"), ("odt", "docx"), ("docx", "docx"),
                                                ("odt", "odt")])
def test_merge_fields_survive_a_libreoffice_round_trip(saved_letters: dict[tuple[str, str], Path], source: str,
                                                       target: str) -> None:
    with zipfile.ZipFile(saved_letters[(source, target)]) as archive:
        if target == "docx":
            xml = archive.read("word/document.xml")
            root = lxml.etree.fromstring(xml)
            instructions = [t.text or "" for t in root.iter(f"{{{W_NS}}}instrText")]
            instructions += [f.get(f"{{{W_NS}}}instr", "") for f in root.iter(f"{{{W_NS}}}fldSimple")]
            names = [m.group(1) for i in instructions if (m := re.match(r"\s*MERGEFIELD\s+(\S+)", i))]
        else:
            names = _database_fields(lxml.etree.fromstring(archive.read("content.xml")))
    assert names == publipostage.merge_fields()


def _merge_by_reading(flat: Path, guest: dict[str, str]) -> str:
    """The letter's text with each merge field replaced by the guest's value (what a merge writes)."""
    root = lxml.etree.parse(str(flat)).getroot()

    def text_of(element: lxml.etree._Element) -> str:
        parts = [element.text or ""]
        for child in element:
            if child.tag == f"{{{TEXT_NS}}}database-display":
                parts.append(guest[child.get(f"{{{TEXT_NS}}}column-name")])
            elif child.tag in (f"{{{TEXT_NS}}}s", f"{{{TEXT_NS}}}tab", f"{{{TEXT_NS}}}line-break"):
                parts.append(" " * int(child.get(f"{{{TEXT_NS}}}c", "1")))
            else:
                parts.append(text_of(child))
            parts.append(child.tail or "")
        return "".join(parts)

    body = root.find(".//{urn:oasis:names:tc:opendocument:xmlns:office:1.0}text")
    return "\n".join(words(text_of(p)) for p in body.iter(f"{{{TEXT_NS}}}p"))


@pytest.mark.parametrize("suffix", ["docx", "odt"])
def test_three_guests_give_three_letters(read_letters: dict[str, Path],
                                         guest_rows: dict[str, list[dict[str, str]]], suffix: str) -> None:
    """The letter's fields, as LibreOffice reads them, filled from the list as LibreOffice computes it."""
    rows = guest_rows["ods" if suffix == "odt" else "xlsx"]
    merged = [_merge_by_reading(read_letters[suffix], row) for row in rows]
    assert len(merged) == 3
    for text, guest, (appel, politesse) in zip(merged, GUESTS, EXPECTED, strict=True):
        lines = text.splitlines()
        assert f"{guest[0]} {guest[1]} {guest[2]}" in lines
        assert f"{appel}," in lines
        assert politesse in lines
        assert f"{guest[7]} {guest[8]}" in lines


def _letter_lines(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        root = lxml.etree.fromstring(archive.read("content.xml"))
    body = root.find(".//{urn:oasis:names:tc:opendocument:xmlns:office:1.0}text")
    # Every field shows its guest's value now, no longer its own name (« <Nom> »).
    shown = ["".join(f.itertext()) for f in body.iter(f"{{{TEXT_NS}}}database-display")]
    assert not [text for text in shown if re.fullmatch(r"[<«].*[>»]", text)]
    return [words(_odf_text(p)) for p in body.iter(f"{{{TEXT_NS}}}p")]


def _odf_text(element: lxml.etree._Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag in (f"{{{TEXT_NS}}}s", f"{{{TEXT_NS}}}tab", f"{{{TEXT_NS}}}line-break"):
            parts.append(" ")
        else:
            parts.append(_odf_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


@pytest.mark.parametrize(("letter_suffix", "list_suffix"), [("odt", "ods"), ("docx", "xlsx")])
def test_libreoffice_merges_three_guests_into_three_letters(letters: dict[str, Path], tmp_path: Path,
                                                            letter_suffix: str, list_suffix: str) -> None:
    """LibreOffice's own mail merge: the letter and a three-guest list give three letters, each its formulas."""
    require_calc_driver()
    book = publipostage.guests_workbook(GUESTS)
    guests = tmp_path / f"{publipostage.GUESTS_SLUG}.{list_suffix}"
    guests.write_bytes(to_ods(book) if list_suffix == "ods" else to_xlsx(book))
    merged = mail_merge(guests, letters[letter_suffix], tmp_path / "lettres", source=publipostage.GUESTS_SLUG,
                        table=publipostage.GUESTS_SHEET)
    assert len(merged) == 3
    for path, guest, (appel, politesse) in zip(merged, GUESTS, EXPECTED, strict=True):
        lines = _letter_lines(path)
        assert f"{guest[0]} {guest[1]} {guest[2]}" in lines
        assert guest[4] in lines and guest[6] in lines
        assert f"{guest[7]} {guest[8]}" in lines
        assert f"{appel}," in lines
        assert politesse in lines
        assert "[date du forum]" in " ".join(lines)  # what the list cannot know stays a field
