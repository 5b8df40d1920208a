"""The syntheses received (data/syntheses.csv): read, checked, recorded under the merge lock."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest

from conftest import PROJECT
from kit.calendar.lock import Busy, merge_lock
from kit.campaign.syntheses import (
    COLUMNS,
    SynthesesError,
    SynthesisArrival,
    read_syntheses,
    record_arrivals,
)
from kit.territory import load_territory

TERRITORY = load_territory(PROJECT.reference)
HEADER = ";".join(COLUMNS) + "\n"


@pytest.mark.gate
def test_committed_file_reads() -> None:
    path = PROJECT.data / "syntheses.csv"
    assert path.read_text(encoding="utf-8").splitlines()[0] == ";".join(COLUMNS)
    arrivals = read_syntheses(path, TERRITORY)
    assert all(a.departement in TERRITORY.departements for a in arrivals)


def test_reads_rows_as_written(tmp_path: Path) -> None:
    path = tmp_path / "syntheses.csv"
    path.write_text(HEADER + "44;2009-05-20;12;\nManche;21/05/2009;3;envoyée par courriel\n", encoding="utf-8")
    assert read_syntheses(path, TERRITORY) == [
        SynthesisArrival("44", date(2009, 5, 20), 12),
        SynthesisArrival("50", date(2009, 5, 21), 3, "envoyée par courriel"),
    ]


def test_missing_file_is_no_synthesis(tmp_path: Path) -> None:
    assert read_syntheses(tmp_path / "syntheses.csv", TERRITORY) == []


def test_every_problem_at_once(tmp_path: Path) -> None:
    path = tmp_path / "syntheses.csv"
    path.write_text(HEADER + "99;2009-05-20;1;\n44;2009-13-01;deux;\n44;2009-05-20;1;\n44;2009-05-21;2;\n",
                    encoding="utf-8")
    with pytest.raises(SynthesesError) as caught:
        read_syntheses(path, TERRITORY)
    lines = [(p.line, p.file) for p in caught.value.problems]
    assert {line for line, _ in lines} == {2, 3, 4, 5}
    assert all(file == str(path) for _, file in lines)
    text = str(caught.value)
    assert f"{path}:2: erreur" in text and f"{path}:3:" in text and "nombre entier" in text
    assert "déjà inscrite ligne 3" in text


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "syntheses.csv"
    path.write_text("departement;recue_le\n44;2009-05-20\n", encoding="utf-8")
    with pytest.raises(SynthesesError, match=r"syntheses.csv:1: erreur : colonne manquante : comptes_rendus"):
        read_syntheses(path, TERRITORY)


def test_record_adds_and_replaces(tmp_path: Path) -> None:
    path = tmp_path / "syntheses.csv"
    record_arrivals(path, [SynthesisArrival("76", date(2009, 5, 22), 4)])
    record_arrivals(path, [SynthesisArrival("44", date(2009, 5, 20), 12),
                           SynthesisArrival("76", date(2009, 5, 23), 5, "complément")])
    assert path.read_text(encoding="utf-8") == (HEADER + "44;2009-05-20;12;\n76;2009-05-23;5;complément\n")
    assert read_syntheses(path, TERRITORY)[1] == SynthesisArrival("76", date(2009, 5, 23), 5, "complément")
    assert [p.name for p in tmp_path.iterdir()] == ["syntheses.csv"]


def test_record_keeps_file_when_it_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "syntheses.csv"
    before = HEADER + "44;hier;12;\n"
    path.write_text(before, encoding="utf-8")
    with pytest.raises(SynthesesError, match=r":2: erreur"):
        record_arrivals(path, [SynthesisArrival("76", date(2009, 5, 22), 4)], territory=TERRITORY)
    assert path.read_text(encoding="utf-8") == before


def test_record_waits_for_the_merge_lock(tmp_path: Path) -> None:
    path = tmp_path / "syntheses.csv"
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with merge_lock(tmp_path / "forums.csv"):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(10)
    with pytest.raises(Busy):
        record_arrivals(path, [SynthesisArrival("44", date(2009, 5, 20), 1)], lock_wait=0.1)
    release.set()
    thread.join()
    assert not path.exists()
    record_arrivals(path, [SynthesisArrival("44", date(2009, 5, 20), 1)])
    assert path.exists()
