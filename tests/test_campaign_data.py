"""The campaign's data as merge keeps it: contacts out of data/, provenance, participants, receipts of calendars.

``forums.py merge`` runs in the test process (``cli``: tests/forums_command.py, the same code, stdout and
stderr as the script's own process).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from conftest import PROJECT
from forums_command import ForumsRun, in_process
from kit.calendar.merge import merge_files
from kit.calendar.model import load_campaign
from kit.calendar.read import read_calendar
from kit.campaign.datafiles import DataFileError
from kit.campaign.receipts import CalendarReceipt, read_receipts
from kit.publishing.received import data_files_with_personal_data
from kit.territory import load_territory

TERRITORY = load_territory(PROJECT.reference)
CAMPAIGN = load_campaign(PROJECT.campaign_file)
HEADER = "departement;date;heure_debut;commune;lieu;statut;participants;contact\n"


# scripts/forums.py's main in this process, without FORUMS_CSV (tests/forums_command.py).
cli: ForumsRun = in_process


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "recu").mkdir()
    (tmp_path / "data" / "forums.csv").write_bytes((PROJECT.data / "forums.csv").read_bytes())
    (tmp_path / "recu" / "orne.csv").write_text(
        HEADER + "61;2009-04-21;17:30;Alençon;halle au blé;tenu;85;cabinet@orne.pref.test\n"
        "61;2009-05-05;18:00;Argentan;salle des fêtes;prévu;;02 33 80 61 61\n", encoding="utf-8")
    return tmp_path


def test_contacts_stay_out_of_data_and_go_where_asked(folder: Path) -> None:
    result = cli("merge", "recu/orne.csv", "--into", "data/forums.csv", "--contacts", "recu/contacts.csv", cwd=folder)
    assert result.returncode == 0, result.stderr
    calendar = (folder / "data" / "forums.csv").read_text(encoding="utf-8")
    assert "cabinet@orne.pref.test" not in calendar and "02 33" not in calendar
    assert "contact" not in calendar.splitlines()[0]
    kept = (folder / "recu" / "contacts.csv").read_text(encoding="utf-8")
    assert "cabinet@orne.pref.test" in kept and "02 33 80 61 61" in kept
    assert oct((folder / "recu" / "contacts.csv").stat().st_mode & 0o777) == "0o600"
    assert "2 contacts gardés dans recu/contacts.csv" in result.stdout
    # Nothing personal anywhere under data/.
    for path in (folder / "data").iterdir():
        assert "@" not in path.read_text(encoding="utf-8"), path


def test_contacts_left_out_without_the_option_and_refused_inside_data(folder: Path) -> None:
    refused = cli("merge", "recu/orne.csv", "--into", "data/forums.csv", "--contacts", "data/contacts.csv",
                  cwd=folder)
    assert refused.returncode == 1 and "données personnelles" in refused.stderr
    assert not (folder / "data" / "contacts.csv").exists()
    result = cli("merge", "recu/orne.csv", "--into", "data/forums.csv", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "2 contacts laissés hors du calendrier" in result.stdout and "--contacts recu/contacts.csv" in result.stdout
    assert "@" not in (folder / "data" / "forums.csv").read_text(encoding="utf-8")


def test_merged_forums_are_the_prefectures_and_their_calendar_is_recorded(folder: Path) -> None:
    into = folder / "data" / "forums.csv"
    first = datetime(2009, 4, 2, 9, tzinfo=UTC)
    report = merge_files([folder / "recu" / "orne.csv"], into, territory=TERRITORY, campaign=CAMPAIGN, now=first)
    assert report.written
    forums = read_calendar(into, territory=TERRITORY, campaign=CAMPAIGN).forums
    assert {f.commune: f.provenance for f in forums if f.departement == "61"} == {
        "Alençon": "préfecture", "Argentan": "préfecture"}
    assert {f.provenance for f in forums if f.departement != "61"} == {"presse"}
    assert next(f for f in forums if f.commune == "Alençon").participants == 85
    receipts = folder / "data" / "calendriers.csv"
    assert read_receipts(receipts, TERRITORY) == [CalendarReceipt("61", date(2009, 4, 2), date(2009, 4, 2))]
    # The same file again: received, nothing changed; then a change moves the last date only.
    merge_files([folder / "recu" / "orne.csv"], into, territory=TERRITORY, campaign=CAMPAIGN,
                now=datetime(2009, 4, 9, 9, tzinfo=UTC))
    assert read_receipts(receipts, TERRITORY) == [CalendarReceipt("61", date(2009, 4, 2), date(2009, 4, 2))]
    (folder / "recu" / "orne2.csv").write_text(HEADER + "61;2009-05-05;18:00;Argentan;salle des fêtes;annulé;;\n",
                                               encoding="utf-8")
    merge_files([folder / "recu" / "orne2.csv"], into, territory=TERRITORY, campaign=CAMPAIGN,
                now=datetime(2009, 4, 16, 9, tzinfo=UTC))
    assert read_receipts(receipts, TERRITORY) == [CalendarReceipt("61", date(2009, 4, 2), date(2009, 4, 16))]


def test_a_press_forum_confirmed_by_its_prefecture_changes_provenance_only(folder: Path) -> None:
    into = folder / "data" / "forums.csv"
    (folder / "recu" / "loire.csv").write_text(
        HEADER + "44;2009-04-14;17:30;Saint-Herblain;salle de la Bernardière;prévu;;\n", encoding="utf-8")
    report = merge_files([folder / "recu" / "loire.csv"], into, territory=TERRITORY, campaign=CAMPAIGN)
    assert report.written and report.result is not None
    assert report.result.summary().startswith("0 forum ajouté, 0 mis à jour, 1 inchangé")
    herblain = next(f for f in read_calendar(into, territory=TERRITORY, campaign=CAMPAIGN).forums
                    if f.commune == "Saint-Herblain")
    assert herblain.provenance == "préfecture" and herblain.source.startswith("https://nantes.indymedia.org")


@pytest.mark.parametrize(("statut", "participants", "message"), [
    ("prévu", "40", "ne se donne que pour un forum tenu"),
    ("tenu", "une quarantaine", "en chiffres"),
    ("tenu", "-3", "en chiffres"),
])
def test_participants_are_a_whole_number_of_a_held_forum(tmp_path: Path, statut: str, participants: str,
                                                         message: str) -> None:
    path = tmp_path / "f.csv"
    path.write_text(HEADER + f"61;2009-04-21;17:30;Alençon;halle;{statut};{participants};\n", encoding="utf-8")
    calendar = read_calendar(path, territory=TERRITORY, campaign=CAMPAIGN)
    assert [(p.line, p.severity) for p in calendar.errors] == [(2, "erreur")]
    assert message in calendar.errors[0].message and not calendar.forums


def test_unknown_provenance_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("departement;date;heure_debut;commune;lieu;provenance\n61;2009-04-21;17:30;Alençon;halle;radio\n",
                    encoding="utf-8")
    calendar = read_calendar(path, territory=TERRITORY, campaign=CAMPAIGN)
    assert "provenance « radio » inconnue" in calendar.errors[0].message


def test_receipts_file_errors_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "calendriers.csv"
    path.write_text("departement;premiere_reception;derniere_modification;remarque\n44;2009-04-02;2009-03-01;\n"
                    "Atlantide;2009-04-02;;\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        read_receipts(path, TERRITORY)
    assert [p.line for p in caught.value.problems] == [2, 3]


@pytest.mark.gate
def test_the_kits_data_hold_no_personal_data_and_say_where_forums_come_from() -> None:
    assert data_files_with_personal_data(PROJECT.data) == []
    forums = read_calendar(PROJECT.calendar_file(), territory=TERRITORY, campaign=CAMPAIGN).forums
    assert forums and all(f.provenance in ("presse", "préfecture") for f in forums)
    assert all(f.source_url for f in forums if f.provenance == "presse")
    assert read_receipts(PROJECT.data / "calendriers.csv", TERRITORY) is not None


def test_a_wrong_syntheses_file_stops_the_build_at_its_lines(tmp_path: Path) -> None:
    from conftest import NO_DOCUMENTS, build_site
    from small_project import small_project

    (tmp_path / "forums.csv").write_bytes((PROJECT.data / "forums.csv").read_bytes())
    (tmp_path / "syntheses.csv").write_text("departement;recue_le;comptes_rendus;remarque\n44;hier;3;\n"
                                            "Manche;2009-05-20;deux;\n", encoding="utf-8")
    result = build_site(tmp_path / "site", env={**NO_DOCUMENTS, "FORUMS_CSV": str(tmp_path / "forums.csv"),
                                                 "KIT_CALENDAR_CACHE": str(tmp_path / "cache")},
                        config=small_project(tmp_path / "project"))
    assert result.returncode != 0
    assert f"{tmp_path / 'syntheses.csv'}:2: erreur : date illisible « hier »" in result.stderr
    assert f"{tmp_path / 'syntheses.csv'}:3: erreur : nombre de comptes rendus « deux »" in result.stderr
    assert "Le suivi de la campagne : 2 erreurs" in result.stderr and "forums.py check" not in result.stderr
