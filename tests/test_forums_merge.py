"""Merging prefectures' files into the calendar: matching, counts, atomic writes."""

from __future__ import annotations

import shutil
from datetime import date, time
from pathlib import Path

import pytest

from conftest import PROJECT
from kit.calendar.merge import merge, merge_files
from kit.calendar.model import Forum, load_campaign
from kit.calendar.read import read_calendar
from kit.store import write_atomic
from kit.territory import load_territory

FIXTURES = Path(__file__).parent / "data" / "forums"
TERRITORY = load_territory(PROJECT.reference)
CAMPAIGN = load_campaign(PROJECT.campaign_file)


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "forums.csv"
    shutil.copyfile(FIXTURES / "fusion_cible.csv", path)
    return path


def run(incoming: list[str], into: Path, **options: bool):
    return merge_files([FIXTURES / name for name in incoming], into, territory=TERRITORY, campaign=CAMPAIGN,
                       **options)


def test_add_update_keep_and_cancel(target: Path) -> None:
    report = run(["fusion_entrant.csv"], target)
    assert report.written and not [p for p in report.problems if p.severity == "erreur"]
    result = report.result
    assert [f.commune for f in result.added] == ["Nantes"]
    assert [new.commune for _, new in result.updated] == ["Basse-Goulaine"]
    assert [f.commune for f in result.unchanged] == ["Saint-Herblain"]
    assert [new.commune for _, new in result.cancelled] == ["Châteaubriant"]
    assert result.summary() == "1 forum ajouté, 1 mis à jour, 1 inchangé, 1 annulé"

    after = {f.commune: f for f in read_calendar(target, territory=TERRITORY, campaign=CAMPAIGN).forums}
    assert list(after) == ["Saint-Herblain", "Basse-Goulaine", "Châteaubriant", "Nantes"]
    # Empty or absent cells never erase: the source and « tenu » stay. No contact is kept in the calendar.
    assert all(not forum.contact for forum in after.values())
    assert "contact" not in target.read_text(encoding="utf-8").splitlines()[0]
    assert after["Basse-Goulaine"].statut == "tenu"
    assert after["Basse-Goulaine"].source == "https://exemple.fr/b (70 participants)"
    assert (after["Basse-Goulaine"].heure_debut, after["Basse-Goulaine"].lieu) == (time(18), "salle Pierre Lhomme")
    assert after["Châteaubriant"].statut == "annulé"
    # The added forum gets its identifier written down.
    assert after["Nantes"].id == "44-2009-05-13-nantes"


def test_update_by_id_moves_the_date_and_keeps_the_uid(target: Path) -> None:
    report = run(["fusion_entrant_id.csv"], target)
    [(old, new)] = report.result.updated
    assert old.date == date(2009, 4, 14) and new.date == date(2009, 4, 21)
    assert new.statut == "reporté" and new.uid == old.uid == "44-2009-04-14-saint-herblain"
    assert len(read_calendar(target, territory=TERRITORY, campaign=CAMPAIGN).forums) == 3


def test_merging_twice_changes_nothing_the_second_time(target: Path) -> None:
    run(["fusion_entrant.csv"], target)
    before = target.read_bytes()
    report = run(["fusion_entrant.csv"], target)
    assert not report.written
    assert len(report.result.unchanged) == 4
    assert target.read_bytes() == before


@pytest.mark.parametrize("incoming", [
    ["fusion_entrant_erreur.csv"],
    ["fusion_entrant.csv", "fusion_entrant_erreur.csv"],
    ["fusion_entrant.csv", "absent.csv"],
    ["fusion_entrant.csv", "fusion_entrant.csv"],
])
def test_any_error_leaves_the_target_byte_for_byte(target: Path, incoming: list[str]) -> None:
    before = target.read_bytes()
    report = run(incoming, target)
    assert not report.written
    assert [p for p in report.problems if p.severity == "erreur"]
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["forums.csv"]


def test_strict_refuses_warnings(target: Path) -> None:
    before = target.read_bytes()
    report = merge_files([FIXTURES / "avertissement_hors_campagne.csv"], target, territory=TERRITORY,
                         campaign=CAMPAIGN, strict=True)
    assert not report.written and target.read_bytes() == before
    assert merge_files([FIXTURES / "avertissement_hors_campagne.csv"], target, territory=TERRITORY,
                       campaign=CAMPAIGN).written


def test_a_broken_target_is_never_rewritten(tmp_path: Path) -> None:
    target = tmp_path / "forums.csv"
    shutil.copyfile(FIXTURES / "erreur_date_impossible.csv", target)
    before = target.read_bytes()
    report = run(["fusion_entrant.csv"], target)
    assert not report.written and target.read_bytes() == before
    assert report.problems[0].file == str(target)


def test_keeps_the_target_separator_and_bom(tmp_path: Path) -> None:
    target = tmp_path / "forums.csv"
    shutil.copyfile(FIXTURES / "valide_virgule_bom.csv", target)
    assert run(["fusion_entrant.csv"], target).written
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfdepartement,date,heure_debut,")
    assert len(read_calendar(target, territory=TERRITORY, campaign=CAMPAIGN).forums) == 6


def test_keeps_windows_line_ends(tmp_path: Path) -> None:
    target = tmp_path / "forums.csv"
    shutil.copyfile(FIXTURES / "valide_windows1252.csv", target)
    assert run(["reunion.csv"], target).written
    data = target.read_bytes()
    assert data.count(b"\r\n") == 4 and b"\n" not in data.replace(b"\r\n", b"")
    # Rewritten in UTF-8, the accents kept.
    assert "Châteaubriant" in data.decode("utf-8")


def test_creates_a_missing_target_with_semicolons(tmp_path: Path) -> None:
    target = tmp_path / "nouveau.csv"
    report = run(["reunion.csv"], target)
    assert report.written
    assert target.read_text(encoding="utf-8").startswith("departement;date;heure_debut;heure_fin;commune;")


def test_dry_run_writes_nothing(target: Path) -> None:
    before = target.read_bytes()
    report = run(["fusion_entrant.csv"], target, dry_run=True)
    assert not report.written and len(report.result.added) == 1
    assert target.read_bytes() == before


def forum(commune: str, hour: int, **fields) -> Forum:
    fields.setdefault("lieu", "salle")
    return Forum(departement="44", date=date(2009, 4, 14), heure_debut=time(hour), heure_fin=None,
                 commune=commune, **fields)


def test_several_existing_forums_that_day_are_told_apart_by_time_or_id() -> None:
    existing = [forum("Nantes", 10, id="n-matin"), forum("Nantes", 18, id="n-soir")]
    result = merge(existing, [forum("Nantes", 18, lieu="salle B")])
    assert result.problems == [] and [new.lieu for _, new in result.updated] == ["salle B"]
    ambiguous = merge(existing, [forum("Nantes", 20)])
    assert "plusieurs forums existants à Nantes le 14 avril 2009" in ambiguous.problems[0].message
    by_id = merge(existing, [forum("Nantes", 20, id="n-soir")])
    assert by_id.problems == [] and by_id.updated[0][1].heure_debut == time(20)


def test_two_incoming_rows_for_one_forum_are_refused() -> None:
    existing = [forum("Nantes", 10)]
    twice = [forum("Nantes", 10, lieu="A", where=("a.csv", 2)), forum("Nantes", 10, lieu="B", where=("b.csv", 5))]
    result = merge(existing, twice)
    assert [str(p) for p in result.problems] == ["b.csv:5: erreur : ce forum est déjà modifié par a.csv:2"]


def test_no_existing_row_is_lost() -> None:
    existing = [forum("Nantes", 10), forum("Rezé", 10), forum("Orvault", 11, id="o")]
    result = merge(existing, [forum("Vertou", 9), forum("Rezé", 12)])
    assert len(result.forums) == 4
    assert {f.uid for f in existing} <= {f.uid for f in result.forums}


def test_write_atomic_leaves_the_file_alone_when_writing_fails(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "forums.csv"
    path.write_bytes(b"avant")
    path.chmod(0o640)

    def disk_full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr("kit.store.os.fsync", disk_full)
        with pytest.raises(OSError):
            write_atomic(path, b"apres")
    assert path.read_bytes() == b"avant"
    assert [p.name for p in tmp_path.iterdir()] == ["forums.csv"]
    write_atomic(path, b"apres")
    assert path.read_bytes() == b"apres" and oct(path.stat().st_mode & 0o777) == "0o640"
