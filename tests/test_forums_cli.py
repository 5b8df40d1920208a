"""scripts/forums.py as an editor runs it: exit codes, French messages, files untouched on failure.

Most cases call the script's ``main`` in the test process (``forums_cli``, :func:`forums_command.in_process`):
what they check is the policy (which message, which code, which file written), and a run costs a few
milliseconds instead of the interpreter's start-up and imports. A few run the real script, started by the
real interpreter (``forums_process`` and ``subprocess.run``), because the process itself is what they check:

- ``check``: a usage error, in French, with the code 2 of argparse's exit
  (test_check_missing_file_and_usage_errors_in_french, its second run);
- ``merge``: the calendar written and the counts printed in French, code 0
  (test_merge_reports_counts_in_french, its first run; the second, in this process, reads what it wrote);
- ``export``: a calendar with errors refused in French, code 1, nothing written
  (test_export_refuses_a_calendar_with_errors_and_unknown_departement, its first run), and the bytes
  written to the standard output, the same ICS twice and CSV with its BOM (test_export_ics_to_stdout_is_stable,
  test_export_csv_has_a_bom_for_excel_and_no_contact).

Both helpers have the same signature and give the same result (``tests/forums_command.py``, where the
state a run in this process could leave behind is listed, with how each is kept out); the assertions are
the same whichever runs. A second merge waiting for the first is tested with processes in
``tests/test_forums_files.py``, concurrent merges in ``tests/test_forums_season.py``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from functools import partial
from pathlib import Path

import icalendar
import pytest

from content import calendar_rows, rows_of
from forums_command import SCRIPT, ForumsRun, as_process, in_process

# The publication gate: scripts/publish.py runs these tests before each publication.
pytestmark = pytest.mark.gate

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "data" / "forums"

# From the folder of the test files, without FORUMS_CSV unless a test sets it.
forums_cli: ForumsRun = partial(in_process, cwd=FIXTURES)
forums_process: ForumsRun = partial(as_process, cwd=FIXTURES)


def test_check_valid_files_exits_0() -> None:
    result = forums_cli("check", "valide_pointvirgule_utf8.csv", "valide_virgule_bom.csv",
                        "valide_utf16_tabulation.txt")
    assert result.returncode == 0, result.stderr
    assert result.stderr == "Tout est en ordre : 5 forums dans 3 fichiers, aucune erreur.\n"
    assert result.stdout == ""


def test_check_reports_every_problem_of_every_file_then_a_summary() -> None:
    result = forums_cli("check", "erreur_date_impossible.csv", "erreur_doublon.csv",
                        "avertissement_hors_campagne.csv", "erreur_colonne_manquante.csv")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines == [
        "erreur_date_impossible.csv:2: erreur : date impossible « 31/04/2009 »",
        "erreur_doublon.csv:3: erreur : forum en double : même département, date, heure et commune "
        "que la ligne 2",
        "avertissement_hors_campagne.csv:2: avertissement : date hors de la campagne "
        "(du 16 mars 2009 au 18 mai 2009) : forum du 10 mars 2009",
        "avertissement_hors_campagne.csv:3: avertissement : date hors de la campagne "
        "(du 16 mars 2009 au 18 mai 2009) : forum du 23 mai 2009",
        "erreur_colonne_manquante.csv:1: erreur : colonne obligatoire « commune » absente",
        "3 erreurs et 2 avertissements dans 4 fichiers (4 forums lus) : corrigez les lignes indiquées "
        "puis relancez la vérification.",
    ]


def test_check_duplicate_across_files() -> None:
    result = forums_cli("check", "valide_pointvirgule_utf8.csv", "doublon_autre_fichier.csv")
    assert result.returncode == 1
    assert ("doublon_autre_fichier.csv:2: erreur : forum en double : même département, date, heure et "
            "commune que valide_pointvirgule_utf8.csv:2") in result.stderr


def test_warnings_pass_unless_strict() -> None:
    relaxed = forums_cli("check", "avertissement_canton_inconnu.csv")
    assert relaxed.returncode == 0
    assert "avertissement_canton_inconnu.csv:2: avertissement : canton « Atlantide » inconnu" in relaxed.stderr
    assert "le calendrier est valide" in relaxed.stderr
    strict = forums_cli("check", "--strict", "avertissement_canton_inconnu.csv")
    assert strict.returncode == 1
    assert "refusés avec --strict" in strict.stderr or "refusé" in strict.stderr


def test_check_missing_file_and_usage_errors_in_french() -> None:
    missing = forums_cli("check", "nulle-part.csv")
    assert missing.returncode == 1
    assert missing.stderr.startswith("nulle-part.csv: erreur : fichier introuvable\n")
    usage = forums_process("check")
    assert usage.returncode == 2
    assert "utilisation : forums.py check" in usage.stderr
    assert "arguments obligatoires manquants : FICHIER" in usage.stderr


def test_the_project_calendar_is_valid() -> None:
    result = forums_cli("check", "data/forums.csv", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    rows = len(calendar_rows())
    assert rows > 0 and f"{rows} forum{'s' if rows > 1 else ''} dans 1 fichier" in result.stderr


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "forums.csv"
    shutil.copyfile(FIXTURES / "fusion_cible.csv", path)
    return path


def test_merge_reports_counts_in_french(target: Path) -> None:
    result = forums_process("merge", "fusion_entrant.csv", "--into", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "  ajouté      44 · 13/05/2009 18:00 · Nantes",
        "  mis à jour  44 · 20/04/2009 18:00 · Basse-Goulaine",
        "  annulé      44 · 23/04/2009 19:00 · Châteaubriant",
        f"{target} mis à jour : 1 forum ajouté, 1 mis à jour, 1 inchangé, 1 annulé.",
    ]
    again = forums_cli("merge", "fusion_entrant.csv", "--into", str(target))
    assert again.returncode == 0
    assert again.stdout.startswith(f"Aucun changement : {target} est déjà à jour")


@pytest.mark.parametrize("incoming", [
    ["fusion_entrant.csv", "fusion_entrant_erreur.csv"],
    ["fusion_entrant.csv", "xss.csv", "erreur_colonne_inconnue.csv"],
    ["nulle-part.csv"],
])
def test_merge_failure_leaves_target_untouched(target: Path, incoming: list[str]) -> None:
    before = target.read_bytes()
    stamp = target.stat().st_mtime_ns
    result = forums_cli("merge", *incoming, "--into", str(target))
    assert result.returncode == 1
    assert target.read_bytes() == before and target.stat().st_mtime_ns == stamp
    assert "Fusion refusée" in result.stderr and f"{target} n'a pas été modifié" in result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in target.parent.iterdir()) == ["forums.csv"]


def test_merge_error_names_file_and_line(target: Path) -> None:
    result = forums_cli("merge", "fusion_entrant_erreur.csv", "--into", str(target))
    assert "fusion_entrant_erreur.csv:3: erreur : date impossible « 2009-05-32 »" in result.stderr


def test_merge_strict_refuses_warnings(target: Path) -> None:
    before = target.read_bytes()
    result = forums_cli("merge", "--strict", "avertissement_hors_campagne.csv", "--into", str(target))
    assert result.returncode == 1 and target.read_bytes() == before
    assert "(--strict)" in result.stderr


def test_merge_default_target_follows_forums_csv(target: Path) -> None:
    result = forums_cli("merge", str(FIXTURES / "reunion.csv"), cwd=target.parent,
                        env={"FORUMS_CSV": str(target)})
    assert result.returncode == 0, result.stderr
    assert "La Possession" in target.read_text(encoding="utf-8")


def test_export_ics_to_stdout_is_stable() -> None:
    first = subprocess.run([sys.executable, str(SCRIPT), "export", "--format", "ics"], cwd=ROOT,
                           capture_output=True, check=True).stdout
    second = subprocess.run([sys.executable, str(SCRIPT), "export", "--format", "ics"], cwd=ROOT,
                            capture_output=True, check=True).stdout
    assert first == second
    assert len(list(icalendar.Calendar.from_ical(first).walk("VEVENT"))) == len(calendar_rows())


def test_export_json_for_one_departement_to_a_file(tmp_path: Path) -> None:
    # La Réunion (UTC+4), with the forums of the test's own file merged into a copy of the calendar.
    calendar = tmp_path / "forums.csv"
    shutil.copyfile(ROOT / "data" / "forums.csv", calendar)
    merged = forums_cli("merge", "reunion.csv", "--into", str(calendar))
    assert merged.returncode == 0, merged.stderr
    expected = len(rows_of("974", calendar))
    output = tmp_path / "reunion.json"
    result = forums_cli("export", "--format", "json", "--departement", "974", "--data", str(calendar),
                        "-o", str(output), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    document = json.loads(output.read_text(encoding="utf-8"))
    assert document["name"] == "Forums sécurité 2009 – La Réunion"
    assert expected >= 1 and document["numberOfItems"] == len(document["forums"]) == expected
    assert all(e["startDate"].endswith("+04:00") for e in document["forums"])
    assert f"{expected} forum{'s' if expected > 1 else ''} exporté" in result.stderr


def test_a_merge_leaves_the_lines_of_untouched_forums_as_they_were(tmp_path: Path) -> None:
    """data/forums.csv is written as merge writes it: ``git diff`` after a merge shows only the new rows."""
    calendar = tmp_path / "forums.csv"
    shutil.copyfile(ROOT / "data" / "forums.csv", calendar)
    before = calendar.read_bytes().splitlines(keepends=True)
    incoming = tmp_path / "orne.csv"
    incoming.write_text("departement;date;heure_debut;heure_fin;commune;lieu;statut;contact\n"
                        "61;2009-04-21;17:30;19:30;Alençon;halle au blé;prévu;cabinet@orne.pref.test\n"
                        "61;2009-05-05;18:00;20:00;Argentan;salle des fêtes;prévu;cabinet@orne.pref.test\n",
                        encoding="utf-8")
    result = forums_cli("merge", str(incoming), "--into", str(calendar))
    assert result.returncode == 0, result.stderr
    added = [line for line in result.stdout.splitlines() if line.strip().startswith("ajouté")]
    after = calendar.read_bytes().splitlines(keepends=True)
    # Every line of the file is still there, byte for byte and in the same order; only the added ones are new.
    remaining = iter(after)
    assert all(any(line == other for other in remaining) for line in before), "une ligne existante a été réécrite"
    new = [line for line in after if line not in before]
    assert len(new) == len(added) == len(after) - len(before)
    assert all(b"61;" in line and b"cabinet@orne.pref.test" not in line for line in new)
    assert b"cabinet@orne.pref.test" not in calendar.read_bytes()


def test_export_csv_has_a_bom_for_excel_and_no_contact(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "export", "--format", "csv", "--data",
                             str(FIXTURES / "formule.csv")], capture_output=True, check=True)
    assert result.stdout.startswith(b"\xef\xbb\xbfdepartement;date;")
    text = result.stdout.decode("utf-8-sig")
    assert "contact" not in text.splitlines()[0] and "-contact" not in text
    assert ';"\'=HYPERLINK(""http://exemple.invalid/""' in text


def test_export_refuses_a_calendar_with_errors_and_unknown_departement(tmp_path: Path) -> None:
    output = tmp_path / "sortie.ics"
    broken = forums_process("export", "--format", "ics", "--data", "erreur_statut_inconnu.csv", "-o", str(output))
    assert broken.returncode == 1 and not output.exists()
    assert "erreur_statut_inconnu.csv:2: erreur : statut « peut-être » inconnu" in broken.stderr
    unknown = forums_cli("export", "--format", "ics", "--departement", "99", cwd=ROOT)
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert "département « 99 » inconnu" in unknown.stderr
