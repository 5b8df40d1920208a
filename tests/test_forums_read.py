"""Reading prefectures' files: encodings, separators, Excel, every error and warning."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import PROJECT
from content import calendar_rows, departements
from kit.calendar.model import Campaign, Forum, Ordered, Problem, in_calendar_order, load_campaign
from kit.calendar.read import load_calendar, read_calendar, read_calendars
from kit.territory import load_territory

# The publication gate: scripts/publish.py runs these tests before each publication.
pytestmark = pytest.mark.gate

FIXTURES = Path(__file__).parent / "data" / "forums"
TERRITORY = load_territory(PROJECT.reference)
CAMPAIGN = load_campaign(PROJECT.campaign_file)


def read(name: str) -> tuple[list[Forum], list[Problem]]:
    calendar = read_calendar(FIXTURES / name, territory=TERRITORY, campaign=CAMPAIGN)
    return calendar.forums, calendar.problems


def test_campaign_window_comes_from_campagne_toml() -> None:
    assert CAMPAIGN == Campaign(debut=date(2009, 3, 16), fin=date(2009, 5, 18), min_notice_days=14,
                                syntheses=date(2009, 5, 22), data_date=date(2009, 5, 15))


def test_semicolon_utf8_file_with_every_column() -> None:
    forums, problems = read("valide_pointvirgule_utf8.csv")
    assert problems == []
    first = forums[0]
    assert first == Forum(
        departement="44", date=date(2009, 4, 14), heure_debut=time(17, 30), heure_fin=time(19, 30),
        commune="Saint-Herblain", lieu="salle de la Bernardière", adresse="rue de la Bernardière",
        cantons=("4455",), animateur="Commissaire Durand", statut="prévu", contact="06 12 34 56 78",
        source="https://exemple.fr/a", id="", annonce=date(2009, 3, 20))
    assert first.where == (str(FIXTURES / "valide_pointvirgule_utf8.csv"), 2)
    assert forums[1].cantons == ("4407",)


def test_comma_file_with_bom_french_dates_and_18h_times() -> None:
    forums, problems = read("valide_virgule_bom.csv")
    assert problems == []
    assert [(f.date, f.heure_debut, f.heure_fin, f.statut) for f in forums] == [
        (date(2009, 4, 15), time(18, 0), time(20, 30), "prévu"),
        (date(2009, 4, 21), time(18, 30), None, "tenu"),
    ]
    # The quoted comma stays inside the cell.
    assert forums[1].lieu == "salle polyvalente Lepinay, rez-de-chaussée"


def test_windows_1252_file_from_french_excel() -> None:
    forums, problems = read("valide_windows1252.csv")
    assert problems == []
    assert [f.commune for f in forums] == ["Châteaubriant", "Le Havre"]
    assert forums[1].lieu == "salons de l'hôtel de ville"
    assert forums[1].heure_debut == time(19, 0)


def test_utf16_tab_separated_unicode_text() -> None:
    forums, problems = read("valide_utf16_tabulation.txt")
    assert problems == []
    assert forums[0].commune == "Le Tampon" and forums[0].lieu == "salle de réception de la mairie"


def test_headers_tolerate_case_accents_spaces_and_hyphens() -> None:
    forums, problems = read("entetes_variees.csv")
    assert problems == []
    assert forums[0].departement == "01"  # a spreadsheet dropped the leading zero
    assert forums[0].heure_fin == time(20, 0)
    assert forums[0].statut == "prévu"
    assert forums[0].uid == "ain-1"


def test_title_rows_above_the_header_are_skipped_with_a_warning() -> None:
    forums, problems = read("titre_au_dessus.csv")
    assert [f.commune for f in forums] == ["Rouen"]
    assert forums[0].where[1] == 4
    assert [(p.line, p.severity) for p in problems] == [(3, "avertissement")]
    assert "ignorée" in problems[0].message


@pytest.mark.parametrize(("name", "line", "expected"), [
    ("erreur_departement_inconnu.csv", 3, "département « 99 » inconnu"),
    ("erreur_date_impossible.csv", 2, "date impossible « 31/04/2009 »"),
    ("erreur_date_illisible.csv", 2, "date illisible « mardi 14 avril »"),
    ("erreur_date_manquante.csv", 2, "date du forum manquante"),
    ("erreur_heure_impossible.csv", 2, "heure de début impossible « 25h »"),
    ("erreur_heure_illisible.csv", 2, "heure de début illisible « soir »"),
    ("erreur_fin_avant_debut.csv", 2, "l'heure de fin (17:00) n'est pas après l'heure de début (18:30)"),
    ("erreur_commune_manquante.csv", 2, "commune manquante"),
    ("erreur_doublon.csv", 3, "forum en double : même département, date, heure et commune que la ligne 2"),
    ("erreur_statut_inconnu.csv", 2, "statut « peut-être » inconnu"),
    ("erreur_colonne_inconnue.csv", 1, "colonne inconnue « remarques »"),
    ("erreur_colonne_manquante.csv", 1, "colonne obligatoire « commune » absente"),
])
def test_each_error_names_its_line(name: str, line: int, expected: str) -> None:
    forums, problems = read(name)
    errors = [p for p in problems if p.severity == "erreur"]
    assert [(p.line, p.file) for p in errors] == [(line, str(FIXTURES / name))]
    assert expected in errors[0].message
    assert str(errors[0]).startswith(f"{FIXTURES / name}:{line}: erreur : ")


@pytest.mark.parametrize(("name", "lines", "expected"), [
    ("avertissement_hors_campagne.csv", [2, 3], "date hors de la campagne (du 16 mars 2009 au 18 mai 2009)"),
    ("avertissement_canton_inconnu.csv", [2], "canton « Atlantide » inconnu dans le département Loire-Atlantique"),
    ("avertissement_annonce_tardive.csv", [2], "annoncé 7 jours seulement avant sa date"),
    ("avertissement_heure_inconnue.csv", [2], "heure de début inconnue"),
])
def test_each_warning_keeps_the_forum(name: str, lines: list[int], expected: str) -> None:
    forums, problems = read(name)
    assert [p.line for p in problems] == lines
    assert all(p.severity == "avertissement" and expected in p.message for p in problems)
    assert len(forums) == len(lines)


def test_forum_without_time_is_kept_as_an_all_day_forum() -> None:
    forums, _ = read("avertissement_heure_inconnue.csv")
    assert forums[0].heure_debut is None and forums[0].heure_fin is None


def test_unknown_canton_is_kept_as_text_next_to_known_codes() -> None:
    forums, _ = read("avertissement_canton_inconnu.csv")
    assert forums[0].cantons == ("Atlantide", "4407")


def test_every_problem_of_a_bad_row_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "tout.csv"
    path.write_text("departement;date;heure_debut;heure_fin;commune;lieu;statut;annonce\n"
                    "99;30/02/2009;18h75;;;;bof;hier\n"
                    "44;2009-04-14;;19:00;Nantes;salle;;\n", encoding="utf-8")
    calendar = read_calendar(path, territory=TERRITORY, campaign=CAMPAIGN)
    messages = [(p.line, p.message.split(" «")[0].split(" :")[0]) for p in calendar.errors]
    assert messages == [
        (2, "département"), (2, "date impossible"), (2, "heure de début impossible"),
        (2, "commune manquante"), (2, "statut"), (2, "date d'annonce illisible"),
        (3, "heure de fin sans heure de début"),
    ]
    assert not calendar.forums


def test_duplicates_across_files_name_the_other_file() -> None:
    calendar = read_calendars([FIXTURES / "valide_pointvirgule_utf8.csv", FIXTURES / "doublon_autre_fichier.csv"],
                              territory=TERRITORY, campaign=CAMPAIGN)
    [error] = calendar.errors
    assert error.file == str(FIXTURES / "doublon_autre_fichier.csv") and error.line == 2
    assert error.message.endswith(f"{FIXTURES / 'valide_pointvirgule_utf8.csv'}:2")


def test_same_day_same_commune_needs_an_id(tmp_path: Path) -> None:
    path = tmp_path / "deux.csv"
    path.write_text("departement;date;heure_debut;commune;lieu;id\n"
                    "44;2009-04-14;10:00;Nantes;salle A;\n44;2009-04-14;18:00;Nantes;salle B;\n"
                    "76;2009-04-14;10:00;Rouen;salle A;r1\n76;2009-04-14;18:00;Rouen;salle B;r2\n"
                    "76;2009-04-15;18:00;Dieppe;salle B;r2\n", encoding="utf-8")
    calendar = read_calendar(path, territory=TERRITORY, campaign=CAMPAIGN)
    assert [(p.line, p.message[:40]) for p in calendar.errors] == [
        (3, "deux forums le même jour dans la même co"),
        (6, "identifiant « r2 » déjà utilisé par la l"),
    ]


def test_unreadable_files_become_problems(tmp_path: Path) -> None:
    cases = {
        "absent.csv": None,
        "vide.csv": b"",
        "binaire.csv": bytes(range(256)) * 4,
        "faux.xlsx": b"PK\x03\x04 pas un classeur",
        "ancien.xls": b"\xd0\xcf\x11\xe0",
    }
    for name, data in cases.items():
        path = tmp_path / name
        if data is not None:
            path.write_bytes(data)
        calendar = read_calendar(path, territory=TERRITORY, campaign=CAMPAIGN)
        assert not calendar.forums and calendar.errors, name
        assert all(p.file == str(path) for p in calendar.problems)
    [missing] = read_calendar(tmp_path / "absent.csv", territory=TERRITORY, campaign=CAMPAIGN).problems
    assert str(missing) == f"{tmp_path / 'absent.csv'}: erreur : fichier introuvable"


def test_stray_value_beyond_the_named_columns(tmp_path: Path) -> None:
    path = tmp_path / "decale.csv"
    path.write_text("departement;date;heure_debut;commune;lieu\n44;2009-04-14;18:00;Nantes;salle A;B\n",
                    encoding="utf-8")
    [error] = read_calendar(path, territory=TERRITORY, campaign=CAMPAIGN).errors
    assert error.line == 2 and "hors des colonnes" in error.message


def test_line_numbers_count_multi_line_cells(tmp_path: Path) -> None:
    path = tmp_path / "multiligne.csv"
    path.write_text('departement;date;heure_debut;commune;lieu\n44;2009-04-14;18:00;Nantes;"salle A\n'
                    'premier étage"\n44;2009-04-31;18:00;Rezé;salle B\n', encoding="utf-8")
    calendar = read_calendar(path, territory=TERRITORY, campaign=CAMPAIGN)
    # A line break inside a single-line cell is refused at the row's first line; the next row's
    # line counts both physical lines of the quoted cell.
    assert [p.line for p in calendar.errors] == [2, 4]
    assert "U+000A (retour à la ligne)" in calendar.errors[0].message


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_line_numbers_count_every_blank_line(tmp_path: Path, end: str) -> None:
    """Blank lines are read by runs (a file of millions of them is read in seconds): every one still counts,
    and the line ends inside a quoted cell stay in the cell, whatever their number."""
    blank = 200_000  # more than one run
    path = tmp_path / "lignes-vides.csv"
    path.write_bytes(("departement;date;heure_debut;commune;lieu" + end * (blank + 1)
                      + "44;2009-04-31;18:00;Rezé;salle B" + end + end * 3
                      + '44;2009-04-14;18:00;Nantes;"salle A' + end * 3 + 'premier étage"' + end
                      + "44;2009-04-32;18:00;Rezé;salle C" + end).encode("utf-8"))
    calendar = read_calendar(path, territory=TERRITORY, campaign=CAMPAIGN)
    first = blank + 2
    assert [p.line for p in calendar.errors] == [first, first + 4, first + 8]
    assert "U+000A (retour à la ligne)" in calendar.errors[1].message or "U+000D" in calendar.errors[1].message


def test_a_windows_1252_file_with_impossible_bytes(tmp_path: Path) -> None:
    path = tmp_path / "illisible.csv"
    path.write_bytes(b"departement;date;heure_debut;commune;lieu\n44;2009-04-14;18:00;Nantes;salle \x81\n")
    [error] = read_calendar(path, territory=TERRITORY, campaign=CAMPAIGN).problems
    assert error.line == 2 and "encodage" in error.message


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """An Excel file as a prefecture sends it: real date and time cells, and text ones."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Département", "Date", "Heure début", "Heure fin", "Commune", "Lieu", "Statut"])
    sheet.append([44, datetime(2009, 4, 14), time(17, 30), time(19, 0), "Saint-Herblain", "salle", "prévu"])
    sheet.append(["76", "15/04/2009", "18h", None, "Lillebonne", "salle des Aulnes", None])
    sheet.append([1, datetime(2009, 4, 2, 0, 0), datetime(1899, 12, 30, 18, 0), None, "Bourg-en-Bresse",
                  "préfecture", "Tenu"])
    sheet.append([None] * 7)
    sheet.append([974, "2009-05-13", 0.6875, None, "La Possession", "domaine", "annulé"])
    sheet.append([99, "31/04/2009", "25h", None, None, "x", "bof"])
    path = tmp_path / "calendrier.xlsx"
    book.save(path)
    return path


def test_xlsx_with_real_cells_and_text_cells(workbook: Path) -> None:
    calendar = read_calendar(workbook, territory=TERRITORY, campaign=CAMPAIGN)
    # In calendar order (by date), each forum with its line.
    assert [(f.departement, f.date, f.heure_debut, f.heure_fin, f.statut) for f in calendar.forums] == [
        ("01", date(2009, 4, 2), time(18, 0), None, "tenu"),
        ("44", date(2009, 4, 14), time(17, 30), time(19, 0), "prévu"),
        ("76", date(2009, 4, 15), time(18, 0), None, "prévu"),
        ("974", date(2009, 5, 13), time(16, 30), None, "annulé"),
    ]
    assert [f.where[1] for f in calendar.forums] == [4, 2, 3, 6]
    assert {p.line for p in calendar.errors} == {7}
    assert len(calendar.errors) == 5


def test_load_calendar_follows_forums_csv(monkeypatch: pytest.MonkeyPatch) -> None:
    default = load_calendar(PROJECT)
    assert len(default.forums) == len(calendar_rows()) and default.errors == []
    monkeypatch.setenv("FORUMS_CSV", str(FIXTURES / "reunion.csv"))
    assert [f.commune for f in load_calendar(PROJECT).forums] == ["La Possession"]


def test_every_row_of_the_project_calendar_is_one_forum() -> None:
    """data/forums.csv, whatever the prefectures sent: each row read as written, one uid per forum."""
    rows = calendar_rows()
    forums = load_calendar(PROJECT).forums
    assert rows and len(forums) == len(rows)
    assert {f.departement for f in forums} == departements()
    assert len({f.uid for f in forums}) == len(rows)
    by_uid = {f.uid: f for f in forums}
    for row in rows:
        forum = by_uid[row["id"]] if row["id"] else next(
            f for f in forums if (f.departement, f.date.isoformat(), f.commune) ==
            (row["departement"], row["date"], row["commune"]))
        assert forum.statut == (row["statut"] or "prévu"), row
        assert forum.contact == row.get("contact", ""), row
        assert forum.heure_debut == (time.fromisoformat(row["heure_debut"]) if row["heure_debut"] else None), row
        # « URL (note) »: the link and what the press said of it, apart.
        source = row["source"].strip()
        if source.startswith("http"):
            url, _, note = source.partition(" ")
            assert forum.source_url == url and forum.source_note == note.strip().strip("()").strip(), row


def test_the_press_records_of_2009_read_as_the_press_gives_them(tmp_path: Path) -> None:
    """How a record taken from the press is read: its link, its note, a missing hour (the test's own rows)."""
    path = tmp_path / "presse.csv"
    path.write_text(
        "departement;date;heure_debut;commune;lieu;statut;source\n"
        "75;2009-05-12;;Paris 20e;mairie;tenu;\"http://exemple.invalid/paris (150 participants ; date déduite)\"\n"
        "974;2009-05-12;16:30;Le Tampon;mairie;prévu;http://exemple.invalid/tampon\n", encoding="utf-8")
    calendar = read_calendar(path, territory=TERRITORY, campaign=CAMPAIGN)
    assert calendar.errors == []
    forums = calendar.forums
    paris = next(f for f in forums if f.departement == "75")
    assert paris.heure_debut is None and paris.statut == "tenu"
    assert paris.source_url == "http://exemple.invalid/paris" and "date déduite" in paris.source_note
    assert "150 participants" in paris.source_note
    tampon = next(f for f in forums if f.commune == "Le Tampon")
    assert tampon.heure_debut == time(16, 30) and tampon.source_note == ""
    assert all(f.contact == "" for f in forums)


def test_forums_come_in_calendar_order_whatever_the_file_order(tmp_path: Path) -> None:
    path = tmp_path / "desordre.csv"
    path.write_text("departement;date;heure_debut;commune;lieu\n"
                    "76;2009-04-21;18:00;Toussaint;salle\n"
                    "44;2009-04-14;18:30;Nantes;salle\n"
                    "44;2009-04-14;17:30;Saint-Herblain;salle\n", encoding="utf-8")
    forums = read_calendar(path, territory=TERRITORY, campaign=CAMPAIGN).forums
    assert isinstance(forums, Ordered)
    assert [f.where[1] for f in forums] == [4, 3, 2]
    # Already in order: the pages and the downloads take them as they are.
    assert in_calendar_order(forums) is forums
