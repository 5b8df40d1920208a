"""A season of prefectures' files: dozens of merges, some at once, some moving or cancelling forums.

Nothing may be lost, and the subscription file (ICS) must show every change
to a calendar application: same UID, growing SEQUENCE, DTSTAMP and
LAST-MODIFIED at the change. The ICS is read with icalendar and with ical.js
(Thunderbird's parser, installed from npm by `make test`).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import icalendar
import pytest

from kit.calendar.communes import load_communes
from kit.calendar.exports import UID_DOMAIN, to_ics
from kit.calendar.merge import merge_files
from kit.calendar.model import load_campaign
from kit.calendar.read import read_calendar
from kit.paths import Project
from kit.territory import load_territory

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "forums.py"
PROJECT = Project(ROOT)
ICALJS = ROOT / "tests" / "icaljs_events.mjs"
TERRITORY = load_territory(PROJECT.reference)
CAMPAIGN = load_campaign(PROJECT.campaign_file)
HEADER = ["departement", "date", "heure_debut", "heure_fin", "commune", "lieu", "statut", "id"]
START = datetime(2009, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class Expected:
    """What the test knows a forum must be, and how many significant changes it went through."""

    departement: str
    day: date
    start: time
    commune: str
    lieu: str
    statut: str = "prévu"
    sequence: int = 0
    changed_at: datetime | None = None
    history: list[int] = field(default_factory=list)

    def row(self, identifier: str) -> dict[str, str]:
        return {"departement": self.departement, "date": self.day.strftime("%d/%m/%Y"),
                "heure_debut": self.start.strftime("%Hh%M"), "heure_fin": "", "commune": self.commune,
                "lieu": self.lieu, "statut": self.statut, "id": identifier}


def _places(count: int) -> list[tuple[str, list[str]]]:
    """``count`` metropolitan départements with three of their 2009 communes each (from the reference data)."""
    communes = load_communes(TERRITORY.reference_dir)
    chosen = []
    for code in sorted(TERRITORY.departements):
        if communes.has_list(code) and TERRITORY.departements[code].zone == "metro":
            chosen.append((code, sorted(communes.by_dep[code].values())[:3]))
        if len(chosen) == count:
            return chosen
    raise AssertionError("not enough départements")


def _write(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def _merge_cli(files: list[Path], into: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(SCRIPT), "merge", *map(str, files), "--into", str(into),
                             "--attente", "300"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


def _ics(into: Path) -> bytes:
    calendar = read_calendar(into, territory=TERRITORY, campaign=CAMPAIGN)
    assert calendar.errors == []
    return to_ics(calendar.forums, TERRITORY, name="Saison")


def _events(data: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]).split("@")[0]: e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def _check_snapshot(data: bytes, expected: dict[str, Expected], previous: dict[str, int]) -> dict[str, int]:
    """Every expected forum is in the ICS as the test knows it; SEQUENCE never goes back."""
    events = _events(data)
    assert set(events) == set(expected), "a forum is missing or extra in the subscription file"
    sequences = {}
    for uid, want in expected.items():
        event = events[uid]
        sequence = int(event["SEQUENCE"])
        assert sequence == want.sequence, uid
        assert sequence >= previous.get(uid, 0), uid
        assert event.decoded("DTSTART") == datetime.combine(want.day, want.start).replace(
            tzinfo=event.decoded("DTSTART").tzinfo)
        assert str(event["STATUS"]) == ("CANCELLED" if want.statut == "annulé" else
                                        "TENTATIVE" if want.statut == "reporté" else "CONFIRMED")
        if want.changed_at is not None:
            assert event.decoded("LAST-MODIFIED") == want.changed_at == event.decoded("DTSTAMP")
        sequences[uid] = sequence
    return sequences


@pytest.mark.skipif(shutil.which("node") is None, reason="node is needed for ical.js")
def test_a_season_of_merges_loses_nothing_and_every_change_reaches_subscribers(tmp_path: Path) -> None:
    assert (ROOT / "node_modules" / "ical.js").is_dir(), "run `make test` (installs ical.js from npm)"
    into = tmp_path / "data" / "forums.csv"
    into.parent.mkdir()
    incoming = tmp_path / "recus"
    incoming.mkdir()
    places = _places(12)
    expected: dict[str, Expected] = {}

    # 1. Twelve prefectures send their first forums at the same moment: twelve merges at once.
    encodings = ["utf-8", "cp1252", "utf-8-sig", "utf-16"]
    files = []
    for number, (dep, communes) in enumerate(places):
        rows = []
        for index, commune in enumerate(communes[:2]):
            identifier = f"f{dep}-{index}"
            forum = Expected(dep, date(2009, 3, 20) + timedelta(days=number + 7 * index), time(18, 30),
                             commune, f"salle {index + 1}")
            expected[identifier] = forum
            rows.append(forum.row(identifier))
        files.append(_write(incoming / f"envoi1-{dep}.csv", rows, encodings[number % len(encodings)]))
    processes = [_merge_cli([path], into) for path in files]
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        assert "2 forums ajoutés" in out
    snapshot = _ics(into)
    sequences = _check_snapshot(snapshot, {k: v for k, v in expected.items()}, {})
    assert len(sequences) == 24
    snapshots = [snapshot]

    # 2. Week after week: corrections, moves, postponements, cancellations, resent files (one merge each).
    moment = START
    plan = []
    for week in range(24):
        dep, communes = places[week % len(places)]
        identifier = f"f{dep}-{week % 2}"
        kind = ["heure", "lieu", "date", "renvoi", "commune", "reporte", "annule", "ajout"][week % 8]
        plan.append((identifier, kind, dep, communes))
    for step, (identifier, kind, dep, communes) in enumerate(plan):
        moment += timedelta(days=1, minutes=step)
        forum = expected[identifier]
        significant = True
        if kind == "heure":
            forum.start = time(forum.start.hour - 1, 0)
        elif kind == "lieu":
            forum.lieu += " (annexe)"
        elif kind == "date":
            forum.day += timedelta(days=2)
        elif kind == "commune":
            forum.commune = communes[2]
        elif kind == "reporte":
            forum.statut = "reporté"
        elif kind == "annule":
            forum.statut = "annulé"
        elif kind == "renvoi":
            significant = False  # the same row sent again: nothing changes
        rows = [forum.row(identifier)]
        if kind == "ajout":
            significant = False
            new_id = f"f{dep}-n{step}"
            expected[new_id] = Expected(dep, date(2009, 5, 4) + timedelta(days=step % 10), time(20, 0),
                                        communes[1], "salle neuve", changed_at=moment)
            rows.append(expected[new_id].row(new_id))
        if significant:
            forum.sequence += 1
            forum.changed_at = moment
        path = _write(incoming / f"envoi2-{step:02d}.csv", rows, encodings[step % len(encodings)])
        report = merge_files([path], into, territory=TERRITORY, campaign=CAMPAIGN, now=moment)
        assert [p for p in report.problems if p.severity == "erreur"] == [], report.problems
        snapshot = _ics(into)
        sequences = _check_snapshot(snapshot, expected, sequences)
        snapshots.append(snapshot)

    # 3. Six prefectures cancel or move a forum each, at the same moment, while a build reads the file.
    files = []
    for number, (dep, _) in enumerate(places[:6]):
        identifier = f"f{dep}-1"
        forum = expected[identifier]
        if number % 2:
            forum.statut = "annulé"
        else:
            forum.day += timedelta(days=1)
        forum.sequence += 1
        forum.changed_at = None  # the clock of the merge process: checked below as a range
        files.append(_write(incoming / f"envoi3-{dep}.csv", [forum.row(identifier)]))
    before = datetime.now(UTC).replace(microsecond=0)
    processes = [_merge_cli([path], into) for path in files]
    while any(process.poll() is None for process in processes):
        # A reader meanwhile always sees a whole calendar.
        calendar = read_calendar(into, territory=TERRITORY, campaign=CAMPAIGN)
        assert calendar.errors == [] and len(calendar.forums) == len(expected)
    for process in processes:
        out, err = process.communicate()
        assert process.returncode == 0, err
    after = datetime.now(UTC) + timedelta(seconds=1)
    final = _ics(into)
    sequences = _check_snapshot(final, expected, sequences)
    for dep, _ in places[:6]:
        stamp = _events(final)[f"f{dep}-1"].decoded("LAST-MODIFIED")
        assert before <= stamp <= after
    snapshots.append(final)

    # Nothing lost, nothing twice; builds of the same data give the same bytes.
    assert len(read_calendar(into, territory=TERRITORY, campaign=CAMPAIGN).forums) == len(expected)
    assert _ics(into) == final
    # Beside the calendar, only the days each prefecture's calendar came in (data/calendriers.csv).
    assert not [p.name for p in into.parent.iterdir() if p.name not in ("forums.csv", "calendriers.csv")]

    # The subscription file, snapshot after snapshot: each change shows as a higher SEQUENCE.
    histories: dict[str, list[int]] = {}
    for data in snapshots:
        for uid, event in _events(data).items():
            histories.setdefault(uid, []).append(int(event["SEQUENCE"]))
    for uid, history in histories.items():
        assert history == sorted(history), uid
        assert history[-1] == expected[uid].sequence
    assert any(history[-1] >= 3 for history in histories.values())

    # ical.js reads the same events, versions and statuses.
    ics_path = tmp_path / "forums.ics"
    ics_path.write_bytes(final)
    result = subprocess.run(["node", str(ICALJS), str(ics_path)], capture_output=True, text=True, check=True,
                            cwd=ROOT)
    parsed = {event["uid"].split("@")[0]: event for event in json.loads(result.stdout)}
    assert set(parsed) == set(expected)
    for uid, want in expected.items():
        event = parsed[uid]
        assert event["uid"] == f"{uid}@{UID_DOMAIN}"
        assert event["sequence"] == want.sequence
        assert event["status"] == ("CANCELLED" if want.statut == "annulé" else
                                   "TENTATIVE" if want.statut == "reporté" else "CONFIRMED")
        assert event["start"] == datetime.combine(want.day, want.start).isoformat()
        assert event["lastModified"] is None or event["lastModified"] == event["dtstamp"]
        # No end time was given: the end is the campaign's default, and the event says so.
        assert "heure de fin non communiquée" in event["description"]
        end = datetime.fromisoformat(event["end"]) - datetime.fromisoformat(event["start"])
        assert end == CAMPAIGN.default_duration
