"""scripts/forums.py run in the test process (tests/forums_command.py) is observed as when run as a process.

The two ways give the same code, stdout and stderr; a file rewritten between two runs is read anew; a
run leaves argparse, the streams, the folder, the environment, the warnings and the csv limit as it
found them; an exception or a warning shows on stderr, as in the script's own process.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import warnings
from pathlib import Path

import pytest

import forums_command
from forums_command import as_process, in_process

FIXTURES = Path(__file__).parent / "data" / "forums"
HEADER = "departement;date;heure_debut;commune;lieu\n"


@pytest.mark.parametrize("args", [
    ["check", "valide_pointvirgule_utf8.csv", "erreur_doublon.csv", "avertissement_hors_campagne.csv"],
    ["merge", "--strict", "--into", "nulle-part/forums.csv", "fusion_entrant.csv"],
    ["export", "--format", "pdf"],
], ids=["check", "merge", "usage"])
def test_in_process_and_as_a_process_the_same_code_and_output(args: list[str]) -> None:
    ran = in_process(*args, cwd=FIXTURES)
    started = as_process(*args, cwd=FIXTURES)
    assert (ran.returncode, ran.stdout, ran.stderr) == (started.returncode, started.stdout, started.stderr)
    assert ran.returncode != 0 and ran.stderr


def test_a_file_rewritten_between_two_runs_is_read_anew(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(HEADER + "44;14/04/2009;18:00;Nantes;salle\n", encoding="utf-8")
    assert "1 forum dans 1 fichier" in in_process("check", str(path)).stderr
    stamp = path.stat().st_mtime_ns
    path.write_text(HEADER + "44;14/04/2009;18:00;Nantes;salle\n44;15/04/2009;18:00;Rezé;salle\n", encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))  # the same time: only the content says it changed
    assert "2 forums dans 1 fichier" in in_process("check", str(path)).stderr


def test_a_run_leaves_the_process_as_it_found_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FORUMS_CSV", str(tmp_path / "ailleurs.csv"))
    streams = (sys.stdin, sys.stdout, sys.stderr, sys.argv)
    filters = list(warnings.filters)
    limit = csv.field_size_limit()
    usage = in_process("check", "--inconnue", cwd=FIXTURES)
    assert usage.returncode == 2 and usage.stderr.startswith("utilisation : forums.py")
    assert argparse.ArgumentParser(prog="x").format_usage().startswith("usage: x")
    assert (sys.stdin, sys.stdout, sys.stderr, sys.argv) == streams
    assert Path.cwd() == tmp_path and os.environ["FORUMS_CSV"] == str(tmp_path / "ailleurs.csv")
    assert warnings.filters == filters and csv.field_size_limit() == limit


def test_an_exception_and_a_warning_are_shown_on_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    script = forums_command._script()

    def fails(args: argparse.Namespace) -> int:
        raise RuntimeError("panne")

    def warns(args: argparse.Namespace) -> int:
        warnings.warn("attention", UserWarning, stacklevel=1)
        return 0

    monkeypatch.setattr(script, "check", fails)
    failed = in_process("check", "x.csv")
    assert failed.returncode == 1 and failed.stdout == ""
    assert failed.stderr.startswith("Traceback (most recent call last):\n")
    assert failed.stderr.endswith("RuntimeError: panne\n")
    monkeypatch.setattr(script, "check", warns)
    warned = in_process("check", "x.csv")
    assert warned.returncode == 0 and "UserWarning: attention" in warned.stderr
