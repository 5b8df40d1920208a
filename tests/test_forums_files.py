"""Files as prefectures really send them: formats, encodings, limits, French values, invisible characters.

scripts/forums.py runs in the test process (``run``: tests/forums_command.py, the same code, stdout and
stderr as the script's own process), except the merge that waits for another one's lock: a process of its
own (``as_process``), as when two editors merge at once.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import time as clock
import tracemalloc
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime, time
from pathlib import Path

import icalendar
import pytest
from openpyxl import Workbook

from forums_command import ForumsRun, as_process, in_process
from kit.calendar import sheets
from kit.calendar.exports import to_ics, to_json
from kit.calendar.lock import merge_lock
from kit.calendar.merge import merge, merge_files
from kit.calendar.model import Forum, load_campaign
from kit.calendar.read import read_calendar
from kit.calendar.text import fold_key
from kit.calendar.values import BadValue, parse_date, parse_departement, parse_time
from kit.paths import Project
from kit.territory import load_territory
from workbooks import write_sparse_xlsx

ROOT = Path(__file__).resolve().parent.parent
PROJECT = Project(ROOT)
SHEETS = Path(__file__).parent / "data" / "forums" / "classeurs"
TERRITORY = load_territory(PROJECT.reference)
CAMPAIGN = load_campaign(PROJECT.campaign_file)
NAMES = {code: d.nom for code, d in TERRITORY.departements.items()}
HEADER = "departement;date;heure_debut;commune;lieu;id\n"


def read(path: Path):
    return read_calendar(path, territory=TERRITORY, campaign=CAMPAIGN)


# scripts/forums.py's main in this process (tests/forums_command.py); as_process where the process matters.
run: ForumsRun = in_process


def write(tmp_path: Path, body: str, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


# Formats written by LibreOffice ------------------------------------------------

@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".xls", ".ods"])
def test_every_spreadsheet_a_prefecture_may_send_reads_the_same(suffix: str) -> None:
    calendar = read(SHEETS / f"prefecture_manche{suffix}")
    assert calendar.errors == []
    [total] = calendar.warnings
    assert total.line == 6 and "Total : 4 forums" in total.message and "ignorée" in total.message
    got = [(f.departement, f.date, f.heure_debut, f.heure_fin, f.commune) for f in calendar.forums]
    assert got == [
        ("50", date(2009, 4, 14), time(18, 0), None, "Saint-Lô"),        # « 50 - Manche », « SAINT-LO », « 18 h »
        ("50", date(2009, 4, 16), time(18, 0), time(20, 0), "Saint-Lô"),  # « Manche », « 16/04/09 », « St-Lô »
        ("50", date(2009, 4, 23), time(18, 30), None, "Coutances"),      # long date, « 18.30 »
        ("50", date(2009, 4, 28), time(18, 30), None, "Avranches"),      # « 18H30 »
    ]


@pytest.mark.parametrize("suffix", [".csv", ".xls", ".ods"])
def test_spreadsheet_errors_name_file_and_line(suffix: str) -> None:
    path = SHEETS / f"prefecture_erreurs{suffix}"
    calendar = read(path)
    assert not calendar.forums
    by_line: dict[int, str] = {}
    for problem in calendar.errors:
        assert problem.file == str(path)
        by_line[problem.line] = by_line.get(problem.line, "") + problem.message
    assert "le 50 est « Manche » et « Calvados » est le 14" in by_line[2]
    assert "U+202E" in by_line[3]
    assert "U+200B" in by_line[4]
    assert "« Saint-Lôo » inconnue" in by_line[5] and "« Saint-Lô »" in by_line[5]
    if suffix == ".csv":  # LibreOffice turns the text into a date cell and drops the weekday
        assert "est un mardi, pas un mercredi" in by_line[2]


def test_a_file_named_xls_that_is_really_csv_is_read_as_csv(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_bytes((SHEETS / "prefecture_manche.csv").read_bytes())
    assert len(read(path).forums) == 4


def test_an_unknown_zip_is_refused_in_french(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("autre.txt", "x")
    [error] = read(path).errors
    assert "format non reconnu" in error.message


# One encoding per file ---------------------------------------------------------

def test_utf8_with_stray_bytes_is_refused_at_each_line(tmp_path: Path) -> None:
    path = tmp_path / "melange.csv"
    path.write_bytes(HEADER.encode() + "44;14/04/2009;18:00;Saint-Herblain;salle É\n".encode()
                     + b"44;15/04/2009;18:00;Nantes;salle \xc9\n"
                     + "44;16/04/2009;18:00;Rezé;salle B\n".encode()
                     + b"44;17/04/2009;18:00;Nantes;caf\xe9\n")
    calendar = read(path)
    assert not calendar.forums
    assert [(p.line, p.severity) for p in calendar.problems] == [(3, "erreur"), (5, "erreur")]
    assert "0xC9" in calendar.problems[0].message and "UTF-8" in calendar.problems[0].message


def test_cli_check_never_says_all_is_well_for_a_mixed_file(tmp_path: Path) -> None:
    path = tmp_path / "melange.csv"
    path.write_bytes(HEADER.encode() + "42;14/04/2009;18:00;Saint-Étienne;salle É\n".encode()
                     + b"42;15/04/2009;18:00;Saint-Chamond;salle \xc9\n")
    result = run("check", str(path))
    assert result.returncode == 1 and "Tout est en ordre" not in result.stderr
    assert f"{path}:3: erreur" in result.stderr


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig"])
def test_files_valid_in_their_encoding_pass(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes((HEADER + "42;14/04/2009;18:00;Saint-Étienne;salle Œuvre\n").encode(encoding))
    [forum] = read(path).forums
    assert forum.commune == "Saint-Étienne" and forum.lieu == "salle Œuvre"


# Limits ------------------------------------------------------------------------

def test_a_value_far_right_is_refused_fast_without_loading_the_grid(tmp_path: Path) -> None:
    header = list(enumerate(["departement", "date", "heure_debut", "commune", "lieu"], 1))
    forum = [*enumerate(["44", "14/04/2009", "18:00", "Nantes", "salle"], 1), (16_384, "x")]
    path = write_sparse_xlsx(tmp_path / "large.xlsx", [header] + [forum] * 20_000)
    # Refused at its first row, before the 20,000 rows of 16,384 cells are ever held:
    # what the reading allocates stays far below one such row per line (≈ 130 Ko each).
    tracemalloc.start()
    try:
        [error] = read(path).errors
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} Mio alloués pour refuser la première ligne"
    assert error.line == 2 and "colonne XFD" in error.message and "40 colonnes" in error.message


def test_a_huge_cell_is_refused_without_being_echoed(tmp_path: Path) -> None:
    path = tmp_path / "cellule.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["departement", "date", "heure_debut", "commune", "lieu"])
    sheet.append(["44", "14/04/2009", "18:00", "Nantes", "A" * 3_000_000])
    book.save(path)
    result = run("check", str(path))
    assert result.returncode == 1 and len(result.stderr) < 2000
    assert "cellule E trop longue" in result.stderr and "Traceback" not in result.stderr


def test_a_workbook_too_big_once_unpacked_is_refused_before_loading(tmp_path: Path) -> None:
    path = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/sharedStrings.xml", "w") as member:
            chunk = b"A" * (1 << 20)
            for _ in range(sheets.MAX_UNPACKED_BYTES // len(chunk) + 1):
                member.write(chunk)
    assert path.stat().st_size < sheets.MAX_FILE_BYTES
    [error] = read(path).errors
    assert "trop volumineux une fois décompressé" in error.message


def test_an_ods_with_a_value_far_right_is_refused_before_loading(tmp_path: Path) -> None:
    source = SHEETS / "prefecture_manche.ods"
    path = tmp_path / "large.ods"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "content.xml":
                far = (b'<table:table-cell table:number-columns-repeated="16000"/>'
                       b'<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>')
                data = data.replace(b"</table:table-row>", far + b"</table:table-row>", 1)
            copy.writestr(info, data)
    [error] = read(path).errors
    assert error.line == 1 and "colonne" in error.message and "40 colonnes" in error.message


def test_too_many_rows_and_too_big_files_are_refused(tmp_path: Path) -> None:
    rows = tmp_path / "lignes.csv"
    rows.write_text(HEADER + "44;14/04/2009;18:00;Nantes;salle\n" * sheets.MAX_ROWS, encoding="utf-8")
    [error] = read(rows).errors
    assert error.line == sheets.MAX_ROWS + 1 and "lignes remplies" in error.message
    big = tmp_path / "gros.csv"
    with big.open("wb") as out:
        out.truncate(sheets.MAX_FILE_BYTES + 1)
    [error] = read(big).errors
    assert "fichier trop gros" in error.message


def test_a_csv_cell_over_the_csv_field_limit_is_told_in_french(tmp_path: Path) -> None:
    path = write(tmp_path, '44;14/04/2009;18:00;Nantes;"' + "a" * 200_000 + '"\n')
    result = run("check", str(path))
    assert result.returncode == 1 and "field larger" not in result.stderr
    assert "cellule trop longue" in result.stderr and len(result.stderr) < 1000


# Values as people type them ------------------------------------------------------

def test_departement_by_code_name_or_both() -> None:
    for text in ("50", "Manche", "manche", "50 - Manche", "50 – Manche", "Manche (50)"):
        assert parse_departement(text, NAMES) == "50"
    assert parse_departement("2a", NAMES) == "2A" and parse_departement("1", NAMES) == "01"
    assert parse_departement("Côtes d'Armor", NAMES) == "22"
    with pytest.raises(BadValue, match="« Manche » et « Calvados » est le 14"):
        parse_departement("50 - Calvados", NAMES)
    with pytest.raises(BadValue, match="écrivez son code Insee"):
        parse_departement("Normandie", NAMES)


def test_french_dates() -> None:
    assert parse_date("mardi 14 avril 2009") == date(2009, 4, 14)
    assert parse_date("Mardi 14 Avril 2009") == date(2009, 4, 14)
    assert parse_date("1er mai 2009") == date(2009, 5, 1)
    assert parse_date("16/04/09") == date(2009, 4, 16)
    assert parse_date("14 févr. 09") == date(2009, 2, 14)
    assert parse_date(datetime(2009, 4, 14)) == date(2009, 4, 14)
    with pytest.raises(BadValue, match="le 14 avril 2009 est un mardi, pas un mercredi"):
        parse_date("mercredi 14 avril 2009")
    with pytest.raises(BadValue, match="écrivez"):
        parse_date("14 avril")


@pytest.mark.parametrize(("value", "expected"), [
    ("18 h", time(18)), ("18 heures", time(18)), ("18.30", time(18, 30)), ("18H30", time(18, 30)),
    ("18h30", time(18, 30)), ("18 h 30", time(18, 30)), ("18:30", time(18, 30)), (18.3, time(18, 30)),
    (0.75, time(18)), (time(18, 30), time(18, 30)),
])
def test_french_times(value: object, expected: time) -> None:
    assert parse_time(value) == expected


def test_communes_official_spelling_and_suggestions(tmp_path: Path) -> None:
    path = write(tmp_path, "50;14/04/2009;18:00;SAINT-LO;salle\n50;15/04/2009;18:00;St-Lô;salle\n"
                           "50;16/04/2009;18:00;Saint-Lôo;salle\n50;17/04/2009;18:00;Saint Lo;salle\n")
    calendar = read(path)
    assert [f.commune for f in calendar.forums] == ["Saint-Lô", "Saint-Lô", "Saint-Lô"]
    [error] = calendar.errors
    assert error.line == 4 and "communes proches : « Saint-Lô »" in error.message


# Single-line fields ---------------------------------------------------------------

@pytest.mark.parametrize(("char", "label"), [
    ("\u2028", "U+2028"), ("\u2029", "U+2029"), ("\u202e", "U+202E"), ("\u200b", "U+200B"),
    ("\u200d", "U+200D"), ("\u2066", "U+2066"), ("\x07", "U+0007"), ("\ufeff", "U+FEFF"),
])
def test_invisible_characters_are_refused_at_their_line(tmp_path: Path, char: str, label: str) -> None:
    path = write(tmp_path, "44;14/04/2009;18:00;Nantes;salle A\n"
                           f"44;15/04/2009;18:00;Nantes;Bordeaux{char}gnp.exe\n")
    calendar = read(path)
    [error] = calendar.errors
    assert error.line == 3 and label in error.message and "colonne lieu" in error.message
    assert len(calendar.forums) == 1


def test_text_is_nfc(tmp_path: Path) -> None:
    path = write(tmp_path, "44;14/04/2009;18:00;Nantes;salle de l'e\u0301cole\n")
    [forum] = read(path).forums
    assert forum.lieu == "salle de l'\u00e9cole"


def test_look_alike_twins_are_duplicates(tmp_path: Path) -> None:
    # New Caledonia has no commune list: only the folded key can tell the twin.
    path = write(tmp_path, "988;14/04/2009;18:00;Nouméa;salle\n988;14/04/2009;18:00;Nоuméa;salle\n")
    [error] = read(path).errors
    assert error.line == 3 and "forum en double" in error.message
    assert fold_key("Nоuméa") == fold_key("NOUMEA") == fold_key("Nou\u200bméa")


def test_ids_differing_by_case_and_device_names_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "44;14/04/2009;18:00;Nantes;salle;Abc\n44;15/04/2009;18:00;Nantes;salle;abc\n"
                           "44;16/04/2009;18:00;Nantes;salle;CON\n44;17/04/2009;18:00;Nantes;salle;nul.txt\n")
    errors = read(path).errors
    assert [e.line for e in errors] == [3, 4, 5]
    assert "sans tenir compte des majuscules" in errors[0].message
    assert all("Windows" in e.message for e in errors[1:])


# Merges serialised, nothing left behind ---------------------------------------------

def test_a_second_merge_waits_then_refuses_in_french(tmp_path: Path) -> None:
    into = tmp_path / "forums.csv"
    into.write_text(HEADER, encoding="utf-8")
    before = into.read_bytes()
    path = write(tmp_path, "44;14/04/2009;18:00;Nantes;salle\n", "recu.csv")
    with merge_lock(into):
        started = clock.monotonic()
        result = as_process("merge", str(path), "--into", str(into), "--attente", "1")
        assert clock.monotonic() - started >= 1
    assert result.returncode == 1 and "une autre fusion est en cours" in result.stderr
    assert "Traceback" not in result.stderr and into.read_bytes() == before
    assert run("merge", str(path), "--into", str(into)).returncode == 0


def test_leftovers_of_a_killed_merge_are_removed_and_ignored_by_git(tmp_path: Path) -> None:
    into = tmp_path / "forums.csv"
    into.write_text(HEADER, encoding="utf-8")
    (tmp_path / ".forums.csv.k2j4.tmp").write_text("copie avec contact")
    (tmp_path / ".verif-abcd").mkdir()
    (tmp_path / ".verif-abcd" / "forums.csv").write_text("copie avec contact")
    path = write(tmp_path, "44;14/04/2009;18:00;Nantes;salle\n", "recu.csv")
    assert run("merge", str(path), "--into", str(into)).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calendriers.csv", "forums.csv", "recu.csv"]
    ignored = subprocess.run(["git", "check-ignore", "data/.forums.csv.k2j4.tmp", "data/.verif-abcd/forums.csv"],
                             cwd=ROOT, capture_output=True, text=True)
    assert ignored.stdout.split() == ["data/.forums.csv.k2j4.tmp", "data/.verif-abcd/forums.csv"]


# Revisions and end times --------------------------------------------------------------

def test_revision_grows_on_significant_changes_only(tmp_path: Path) -> None:
    into = tmp_path / "forums.csv"
    first = datetime(2009, 3, 1, 8, 0, tzinfo=UTC)
    path = write(tmp_path, "44;14/04/2009;18:00;Nantes;salle;nantes-1\n", "a.csv")
    merge_files([path], into, territory=TERRITORY, campaign=CAMPAIGN, now=first)
    steps = [("44;14/04/2009;18:00;Nantes;salle;nantes-1\n", 0, first),        # same row again
             ("44;21/04/2009;18:00;Nantes;salle;nantes-1\n", 1, datetime(2009, 3, 2, tzinfo=UTC)),
             ("44;21/04/2009;19:00;Nantes;salle;nantes-1\n", 2, datetime(2009, 3, 3, tzinfo=UTC))]
    for body, sequence, moment in steps:
        merge_files([write(tmp_path, body, "b.csv")], into, territory=TERRITORY, campaign=CAMPAIGN, now=moment)
        [forum] = read(into).forums
        assert (forum.sequence, forum.modifie) == (sequence, moment)
    cancel = tmp_path / "c.csv"
    cancel.write_text("departement;date;heure_debut;commune;lieu;id;statut\n"
                      "44;21/04/2009;19:00;Nantes;salle;nantes-1;annulé\n", encoding="utf-8")
    moment = datetime(2009, 3, 4, tzinfo=UTC)
    report = merge_files([cancel], into, territory=TERRITORY, campaign=CAMPAIGN, now=moment)
    assert report.written and [p for p in report.problems if p.severity == "erreur"] == []
    [event] = icalendar.Calendar.from_ical(to_ics(read(into).forums, TERRITORY)).walk("VEVENT")
    assert str(event["UID"]).startswith("nantes-1@") and str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 3
    assert event.decoded("LAST-MODIFIED") == event.decoded("DTSTAMP") == moment
    assert to_ics(read(into).forums, TERRITORY) == to_ics(read(into).forums, TERRITORY)


def test_contact_only_change_is_not_a_new_version() -> None:
    forum = Forum(departement="44", date=date(2009, 4, 14), heure_debut=time(18), heure_fin=None,
                  commune="Nantes", lieu="salle", id="n", sequence=2,
                  modifie=datetime(2009, 3, 1, tzinfo=UTC))
    update = replace(forum, contact="accueil@prefecture", given=frozenset({"contact"}), sequence=0, modifie=None)
    [after] = merge([forum], [update], now=datetime(2009, 4, 1, tzinfo=UTC)).forums
    # The contact is never kept in the calendar (personal data): nothing changes at all.
    assert (after.sequence, after.modifie) == (2, forum.modifie) and after.contact == ""


def test_end_time_not_given_is_said_in_ics_json_and_page() -> None:
    from kit.french import time_range

    forum = Forum(departement="44", date=date(2009, 4, 14), heure_debut=time(17, 30), heure_fin=None,
                  commune="Nantes", lieu="salle")
    [event] = icalendar.Calendar.from_ical(to_ics([forum], TERRITORY)).walk("VEVENT")
    assert "heure de fin non communiquée" in str(event["DESCRIPTION"])
    assert event.decoded("DTEND") - event.decoded("DTSTART") == CAMPAIGN.default_duration
    [item] = json.loads(to_json([forum], TERRITORY))["forums"]
    assert "heure de fin non communiquée" in item["description"]
    assert time_range(forum.heure_debut, None) == "17\u00a0h\u00a030 (heure de fin non communiquée)"
    known = replace(forum, heure_fin=time(19))
    [event] = icalendar.Calendar.from_ical(to_ics([known], TERRITORY)).walk("VEVENT")
    assert "non communiquée" not in str(event["DESCRIPTION"])


# Messages in French ---------------------------------------------------------------------

@pytest.mark.parametrize("args", [[], ["inconnue"], ["merge"], ["merge", "x", "--attente", "beaucoup"],
                                  ["export", "--format", "pdf"], ["check", "--inconnue", "x"]])
def test_argparse_speaks_french(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert "erreur" in result.stderr and "utilisation" in result.stderr
    for english in ("usage", "error", "invalid", "required", "unrecognized", "choose from"):
        assert not re.search(rf"\b{english}\b", result.stderr), english


def test_unreadable_target_folder_is_told_in_french(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    path = write(tmp_path, "44;14/04/2009;18:00;Nantes;salle\n")
    path.chmod(0)
    result = run("check", str(path))
    assert "permission refusée" in result.stderr and "Errno" not in result.stderr


def test_os_errors_are_french() -> None:
    from kit.cli.oserrors import french_os_error

    assert french_os_error(PermissionError(13, "Permission denied")) == "permission refusée"
    assert french_os_error(OSError(28, "No space left on device")) == "disque plein"


def test_sheet_reader_gives_file_shapes_not_exceptions() -> None:
    for data in (b"PK\x03\x04garbage", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1garbage"):
        with pytest.raises(sheets.Unreadable):
            sheets.read_bytes(data, ".xlsx")
    assert sheets.read_bytes(io.BytesIO(b"a;b\n").getvalue()).rows == [(1, ["a", "b"])]
