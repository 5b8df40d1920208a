"""« Préparer un forum »: a real forum's documents, reached from its département page, filled in Chromium.

The poster and the press release are printed to PDF (as a reader's « Imprimer » does), their text read
back with pypdf and the poster rendered to an image with pdftoppm; the ODT and DOCX the page writes are
opened in LibreOffice. The forum's facts are derived here from data/forums.csv, with Python alone.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import lxml.etree
import pytest
from PIL import Image
from pypdf import PdfReader

from clients.mailmerge import EXPECTED, GUESTS
from content import calendar_rows

from .conftest import url_of
from .test_a11y import describe, run_axe

pytestmark = pytest.mark.slow

WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]


def french_day(iso: str) -> str:
    day = date.fromisoformat(iso)
    number = "1er" if day.day == 1 else str(day.day)
    return f"{WEEKDAYS[day.weekday()]} {number} {MONTHS[day.month - 1]} {day.year}"


def french_hour(hhmm: str) -> str:
    hours, minutes = hhmm.split(":")
    return f"{int(hours)} h" + ("" if minutes == "00" else f" {minutes}")


def at(commune: str) -> str:
    """« à Rouen », « au Havre », « aux Abymes »."""
    for article, contracted in (("Le ", "au "), ("Les ", "aux ")):
        if commune.startswith(article):
            return contracted + commune[len(article):]
    return f"à {commune}"


def words(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2019", "'").split())


@pytest.fixture(scope="module")
def forum() -> dict[str, str]:
    """The first forum of the calendar that is planned, with a time and a place."""
    for row in calendar_rows():
        if row["statut"].strip() in {"", "prévu"} and row["heure_debut"].strip() and row["lieu"].strip():
            return {key: (value or "").strip() for key, value in row.items()}
    pytest.skip("le calendrier n'a aucun forum prévu avec une heure et un lieu")


def link_name(forum: dict[str, str], document: str) -> str:
    return f"{document} du forum du {french_day(forum['date'])} {at(forum['commune'])}"


def open_document(tab, base_url: str, forum: dict[str, str], document: str) -> None:
    """From the forum's département page, the link to one of its documents, as a reader follows it."""
    code = forum["departement"]
    tab.goto(url_of(base_url, f"calendrier/{code}/"), wait_until="load")
    summary = tab.locator("summary", has_text=f"Documents du forum du {french_day(forum['date'])}").first
    summary.click()
    tab.get_by_role("link", name=link_name(forum, document), exact=True).click()
    tab.wait_for_selector("[data-kit-preparer-pret]", state="attached")


def printed(tab, **options: object) -> bytes:
    tab.emulate_media(media="print")
    return tab.pdf(prefer_css_page_size=True, print_background=True, **options)


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    text = words(" ".join(page.extract_text() or "" for page in reader.pages))
    return len(reader.pages), re.sub(r"(\w)- (\w)", r"\1-\2", text)  # « Saint- Herblain » broken at a line end


def test_poster_prints_on_one_page_with_its_forums_facts(forum: dict[str, str], base_url: str, tab,
                                                           tmp_path: Path) -> None:
    open_document(tab, base_url, forum, "Affiche")
    title = link_name(forum, "Affiche")
    assert tab.title() == title
    data = printed(tab, tagged=True, outline=True)
    assert_tagged(data, title)
    pages, text = pdf_text(data)
    assert pages == 1, f"l'affiche tient sur {pages} pages"
    for fact in (french_day(forum["date"]), french_hour(forum["heure_debut"]), words(forum["lieu"]),
                 forum["commune"], "Vos libertés, votre sécurité"):
        assert fact in text, f"« {fact} » manque à l'affiche imprimée : {text}"
    if forum["adresse"]:
        assert words(forum["adresse"]) in text
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4, in points
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm est absent : apt-get install poppler-utils")
    pdf = tmp_path / "affiche.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "affiche")], check=True)
    images = sorted(tmp_path.glob("affiche*.png"))
    assert len(images) == 1
    image = Image.open(images[0]).convert("RGB")
    assert_frame_whole(image)
    assert_white_margins(image)


def assert_tagged(data: bytes, title: str) -> None:
    """Chromium's tagged print: a structure tree, marked content, French, the page's title shown as such.

    Not a PDF/UA claim (Chromium does not make one): what the reader's « Enregistrer au format PDF » gives.
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root, "le PDF imprimé n'a pas d'arbre de structure"
        assert "/K" in root.StructTreeRoot, "l'arbre de structure du PDF imprimé est vide"
        assert bool(root.MarkInfo.Marked), "le PDF imprimé n'est pas balisé (MarkInfo)"
        assert str(root.get("/Lang", "")).lower().startswith("fr"), f"langue du PDF : {root.get('/Lang')}"
        assert str(pdf.docinfo.get("/Title", "")) == title, pdf.docinfo.get("/Title")
        if "/ViewerPreferences" in root and "/DisplayDocTitle" in root.ViewerPreferences:
            assert bool(root.ViewerPreferences.DisplayDocTitle)


def assert_white_margins(image: Image.Image) -> None:
    """A white band on all four sides of the page: nothing is printed to the edge, nothing is cut."""
    width, height = image.size
    band = max(2, round(min(width, height) * 0.01))
    edges = {"haut": (0, 0, width, band), "bas": (0, height - band, width, height),
             "gauche": (0, 0, band, height), "droite": (width - band, 0, width, height)}
    for side, box in edges.items():
        colours = image.crop(box).getextrema()
        assert all(low >= 245 for low, _ in colours), f"la marge du {side} n'est pas blanche : {colours}"


def assert_frame_whole(image: Image.Image) -> None:
    """The poster's frame is drawn on all four sides, inside the page: nothing of it is cut."""
    width, height = image.size
    pixels = image.load()

    def dark(x: int, y: int) -> bool:
        r, g, b = pixels[x, y]
        return b > 100 and r < 80 and g < 80  # the frame's blue (#000091)

    rows = [y for y in range(height) if sum(dark(x, y) for x in range(width)) > width * 0.6]
    columns = [x for x in range(width) if sum(dark(x, y) for y in range(height)) > height * 0.6]
    assert rows and columns, "le cadre de l'affiche n'apparaît pas"
    assert min(rows) > 0 and max(rows) < height - 1, "le cadre touche le bord de la page : l'affiche est coupée"
    assert max(rows) > height * 0.9, "l'affiche ne remplit pas la page"
    assert min(columns) > 0 and max(columns) < width - 1, "le cadre touche le bord de la page"


def test_poster_in_a3_is_one_a3_page(forum: dict[str, str], base_url: str, tab) -> None:
    open_document(tab, base_url, forum, "Affiche")
    tab.get_by_label("A3").check()
    data = printed(tab)
    pages, text = pdf_text(data)
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert pages == 1
    assert (round(float(box.width)), round(float(box.height))) == (842, 1191)  # A3
    assert french_day(forum["date"]) in text


def test_press_release_prints_with_its_forums_facts(forum: dict[str, str], base_url: str, tab) -> None:
    open_document(tab, base_url, forum, "Communiqué de presse")
    pages, text = pdf_text(printed(tab))
    assert pages >= 1
    assert "Communiqué de presse" in text
    for fact in (french_day(forum["date"]), french_hour(forum["heure_debut"]), words(forum["lieu"]),
                 forum["commune"]):
        assert fact in text, f"« {fact} » manque au communiqué imprimé : {text}"
    # The site around it is not printed: no menu, no instructions of the template.
    assert "Mode d'emploi" not in text and "Préparer un forum" not in text


@pytest.mark.parametrize("document", ["Feuille d'émargement", "Cartes pour les questions écrites",
                                      "Fiche de comptage", "Compte rendu", "Invitation de la presse", "Invitation"])
def test_forms_print_with_the_forum(document: str, forum: dict[str, str], base_url: str, tab) -> None:
    open_document(tab, base_url, forum, document)
    pages, text = pdf_text(printed(tab))
    assert pages >= 1
    assert french_day(forum["date"]) in text and forum["commune"] in text, text
    if document in {"Compte rendu", "Invitation", "Invitation de la presse"}:
        assert french_hour(forum["heure_debut"]) in text and words(forum["lieu"]) in text, text
    if document == "Feuille d'émargement":
        assert "loi n° 78-17 du 6 janvier 1978" in text
    if document == "Cartes pour les questions écrites":
        assert pages == 1 and text.count("Votre question") == 6


def facts_route(tab, change) -> None:
    """Serve the département's facts with ``change`` applied to every forum (what a calendar could say)."""
    def handle(route) -> None:
        response = route.fetch()
        data = json.loads(response.body())
        for facts in data["forums"].values():
            change(facts)
        route.fulfill(response=response, body=json.dumps(data, ensure_ascii=False),
                      headers={**response.headers, "content-type": "application/json"})
    tab.route("**/documents.json", handle)


def test_forum_without_time_or_place_keeps_fields(forum: dict[str, str], base_url: str, tab) -> None:
    facts_route(tab, lambda facts: [facts.pop(key, None) for key in ("heure_debut", "lieu", "adresse")])
    open_document(tab, base_url, forum, "Affiche")
    fields = tab.locator("[data-kit-preparer-document] mark.kit-champ").all_text_contents()
    assert "[heure du forum]" in fields and "[lieu du forum]" in fields and "[adresse du forum]" in fields
    text = words(tab.locator("[data-kit-preparer-document]").inner_text())
    assert french_day(forum["date"]) in text and forum["commune"] in text
    assert french_hour(forum["heure_debut"]) not in text and words(forum["lieu"]) not in text
    assert "restent à remplir" in tab.locator("[data-kit-preparer-etat]").inner_text()


@pytest.mark.parametrize("status", ["annulé", "reporté"])
def test_withdrawn_forum_gets_a_notice_not_a_poster(status: str, forum: dict[str, str], base_url: str,
                                                     tab) -> None:
    facts_route(tab, lambda facts: facts.update(statut=status))
    open_document(tab, base_url, forum, "Affiche")
    document = tab.locator("[data-kit-preparer-document]")
    text = words(document.inner_text())
    assert f"du {french_day(forum['date'])} est {status}." in text, text
    assert forum["commune"] in text and french_hour(forum["heure_debut"]) in text and words(forum["lieu"]) in text
    assert "AVIS" in text.upper()
    assert "Entrée libre" not in text and "[annulé ou reporté]" not in text and "Pour un forum reporté" not in text
    assert ("La nouvelle date sera annoncée" in text) == (status == "reporté")
    assert status in tab.locator("[data-kit-preparer-etat]").inner_text()
    assert tab.title() == link_name(forum, "Avis d'annulation ou de report")
    pages, printed_text = pdf_text(printed(tab))
    assert pages == 1 and f"est {status}" in printed_text


@pytest.mark.libreoffice
@pytest.mark.parametrize("suffix", ["odt", "docx"])
def test_notice_of_a_postponed_forum_downloads_filled(suffix: str, forum: dict[str, str], base_url: str, tab,
                                                      tmp_path: Path) -> None:
    from clients.tools import convert

    facts_route(tab, lambda facts: facts.update(statut="reporté"))
    open_document(tab, base_url, forum, "Affiche")
    with tab.expect_download() as info:
        tab.click(f"[data-kit-preparer-{suffix}]")
    source = tmp_path / info.value.suggested_filename
    assert source.name.startswith("avis-annulation-report-forum-") and source.suffix == f".{suffix}"
    info.value.save_as(source)
    [flat] = convert([source], "fodt", tmp_path / "out")
    body = words(" ".join(lxml.etree.parse(str(flat)).getroot().itertext()))
    assert f"du {french_day(forum['date'])} est reporté." in body, body[:800]
    assert "La nouvelle date sera annoncée par voie d'affiche et dans la presse." in body
    assert "[annulé ou reporté]" not in body and "Pour un forum reporté" not in body


@pytest.mark.parametrize("document", ["Communiqué de presse", "Invitation à fusionner"])
def test_filled_page_has_no_wcag_violation(document: str, forum: dict[str, str], base_url: str, tab) -> None:
    open_document(tab, base_url, forum, document)
    violations = run_axe(tab, served=True)
    assert not violations, describe(violations)


@pytest.mark.libreoffice
@pytest.mark.parametrize("suffix", ["odt", "docx"])
def test_downloads_filled_in_the_browser_open_in_libreoffice(suffix: str, forum: dict[str, str], base_url: str,
                                                              tab, tmp_path: Path) -> None:
    from clients.tools import convert

    open_document(tab, base_url, forum, "Communiqué de presse")
    button = "[data-kit-preparer-odt]" if suffix == "odt" else "[data-kit-preparer-docx]"
    with tab.expect_download() as info:
        tab.click(button)
    download = info.value
    assert download.suggested_filename.endswith(f".{suffix}")
    source = tmp_path / download.suggested_filename
    download.save_as(source)
    [flat] = convert([source], "fodt", tmp_path / "out")
    root = lxml.etree.parse(str(flat)).getroot()
    body = words(" ".join("".join(p.itertext()) for p in root.iter(
        "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p", "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}h")))
    for fact in (french_day(forum["date"]), french_hour(forum["heure_debut"]), words(forum["lieu"]),
                 forum["commune"]):
        assert fact in body, f"« {fact} » manque au fichier {suffix} : {body[:600]}"
    # What the calendar does not know is still a field to fill: the press contact.
    assert "[prénom et nom]" in body
    assert "[date du forum]" not in body and "[commune du forum]" not in body


# The facts the calendar can know of a forum, as the templates' fields name them (words of the field's text).
FACT_FIELDS = {
    "date": r"date du forum|jour et date",
    "heure": r"\bheure\b",
    "lieu": r"lieu du forum|^salle\b",
    "adresse": r"adresse du forum|salle, adresse",
    "commune": r"commune du forum|adresse, commune",
    "département": r"loire-atlantique|calvados|département avec son article",
    "animateur": r"sous-préfet|anime le forum|directeur de cabinet",
}
ALL_KNOWN = {"heure_fin": "20 h 30", "adresse": "1, place de la Mairie",
             "animateur": "Jean Dupont, sous-préfet de l'arrondissement"}


def _with_every_fact(facts: dict[str, str]) -> None:
    for name, value in ALL_KNOWN.items():
        facts.setdefault(name, value)


def departement_of(code: str) -> tuple[str, str]:
    """« la Loire-Atlantique », « de la Loire-Atlantique »: the département with its article."""
    from conftest import PROJECT
    from kit.territory import load_territory

    dep = load_territory(PROJECT.reference).departements[code]
    return dep.with_article, dep.of


@pytest.mark.parametrize("document", ["Invitation", "Compte rendu"])
def test_no_field_left_for_a_fact_the_calendar_knows(document: str, forum: dict[str, str], base_url: str,
                                                     tab) -> None:
    """For a forum whose facts are all known, the invitation and the minutes keep no field naming one of them."""
    facts_route(tab, _with_every_fact)
    open_document(tab, base_url, forum, document)
    fields = [words(text) for text in
              tab.locator("[data-kit-preparer-document] mark.kit-champ").all_text_contents()]
    assert fields, "le modèle n'a plus aucun champ : le test ne vérifie plus rien"
    left = [(fact, field) for field in fields for fact, pattern in FACT_FIELDS.items()
            if re.search(pattern, field.lower().replace("’", "'"))]
    assert left == [], f"champs restés à remplir alors que le calendrier les connaît : {left}"
    text = words(tab.locator("[data-kit-preparer-document]").inner_text()).replace("’", "'")
    the, of = departement_of(forum["departement"])
    for fact in (french_day(forum["date"]), french_hour(forum["heure_debut"]), words(forum["lieu"]),
                 forum["commune"], ALL_KNOWN["adresse"], ALL_KNOWN["animateur"].replace("’", "'")):
        assert fact in text, f"« {fact} » manque : {text[:800]}"
    if document == "Invitation":
        assert f"PRÉFECTURE {of.upper()}" in text and f"Le préfet {of}" in text
    else:
        assert f"Département : {the}" in text and "20 h 30" in text


def _odf_lines(path: Path) -> list[str]:
    import zipfile

    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"

    def text_of(element: lxml.etree._Element) -> str:
        parts = [element.text or ""]
        for child in element:
            is_space = child.tag in (f"{{{text_ns}}}s", f"{{{text_ns}}}tab", f"{{{text_ns}}}line-break")
            parts.append(" " if is_space else text_of(child))
            parts.append(child.tail or "")
        return "".join(parts)

    with zipfile.ZipFile(path) as archive:
        root = lxml.etree.fromstring(archive.read("content.xml"))
    return [words(text_of(p)) for p in root.iter(f"{{{text_ns}}}p")]


@pytest.mark.libreoffice
@pytest.mark.parametrize(("suffix", "list_suffix"), [("odt", "ods"), ("docx", "xlsx")])
def test_mail_merge_letter_filled_with_the_forum_merges_three_guests(
        suffix: str, list_suffix: str, forum: dict[str, str], base_url: str, tab, tmp_path: Path) -> None:
    """The letter to merge, its forum's facts filled in by the page, merged by LibreOffice with three guests."""
    from clients.mailmerge import mail_merge, require_calc_driver
    from kit.documents import publipostage
    from kit.documents.workbook import to_ods, to_xlsx

    require_calc_driver()
    open_document(tab, base_url, forum, "Invitation à fusionner")
    assert tab.title() == link_name(forum, "Invitation à fusionner")
    assert tab.locator("[data-kit-preparer-imprimer]").is_hidden()
    # The page says how to merge, with the guest list to download; the blank letter is not offered there.
    offered = tab.locator("[data-kit-preparer-document] a[download]").evaluate_all("els => els.map(a => a.href)")
    assert any(href.endswith(f"{publipostage.GUESTS_SLUG}.{list_suffix}") for href in offered), offered
    assert not [href for href in offered if publipostage.LETTER_SLUG in href], offered
    with tab.expect_download() as info:
        tab.click(f"[data-kit-preparer-{suffix}]")
    letter = tmp_path / info.value.suggested_filename
    assert letter.name.startswith(f"{publipostage.LETTER_SLUG}-") and letter.suffix == f".{suffix}"
    info.value.save_as(letter)
    guests = tmp_path / f"{publipostage.GUESTS_SLUG}.{list_suffix}"
    book = publipostage.guests_workbook(GUESTS)
    guests.write_bytes(to_ods(book) if list_suffix == "ods" else to_xlsx(book))
    merged = mail_merge(guests, letter, tmp_path / "lettres", source=publipostage.GUESTS_SLUG,
                        table=publipostage.GUESTS_SHEET)
    assert len(merged) == 3
    _, of = departement_of(forum["departement"])
    for path, guest, (appel, politesse) in zip(merged, GUESTS, EXPECTED, strict=True):
        lines = _odf_lines(path)
        text = " ".join(lines).replace("’", "'")
        assert f"{guest[0]} {guest[1]} {guest[2]}" in lines and f"{guest[7]} {guest[8]}" in lines
        assert f"{appel}," in lines and politesse in lines
        for fact in (french_day(forum["date"]), french_hour(forum["heure_debut"]), words(forum["lieu"]),
                     forum["commune"], f"PRÉFECTURE {of.upper()}"):
            assert fact in text, f"« {fact} » manque à la lettre fusionnée ({path.name}) : {text[:800]}"
        assert "[date du forum]" not in text and "[jour et date]" not in text and "[heure]" not in text
        assert "[prénom et nom du préfet]" in text  # what the calendar does not know stays a field
