"""A campaign season generated for the tests: a hundred départements, as the DICOM would follow it in May 2009.

Ninety prefectures send their calendar (two thousand forums in all, each row
with a correspondent's contact), merged in a few batches on the days they
arrived; ten send nothing. Sixty syntheses arrive, five of them after the
22 May deadline. The generator keeps what it made (:class:`Season`) so that
a test can compute every figure again from it, without the kit's code.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from kit.calendar.communes import load_communes
from kit.calendar.merge import merge_files
from kit.calendar.model import Campaign
from kit.campaign.syntheses import SynthesisArrival, record_arrivals
from kit.territory import Territory

FORUMS, SENDERS, SYNTHESES, LATE = 2000, 90, 60, 5
DEADLINE = date(2009, 5, 22)
# The day the DICOM looks: a week before the deadline.
LOOK = date(2009, 5, 18)
HEADER = ["departement", "date", "heure_debut", "commune", "lieu", "statut", "participants", "contact", "id"]


@dataclass
class Season:
    """What was generated: the files written, and every row and date as made."""

    folder: Path
    calendar: Path
    expected: list[str]  # the départements whose synthesis is awaited (metropolitan and overseas)
    senders: dict[str, date] = field(default_factory=dict)  # département -> day its calendar was merged
    rows: list[dict[str, str]] = field(default_factory=list)  # every forum row sent
    arrivals: dict[str, tuple[date, int]] = field(default_factory=dict)  # département -> (day, minutes)

    @property
    def silent(self) -> list[str]:
        return [code for code in self.expected if code not in self.senders]


def generate(folder: Path, territory: Territory, campaign: Campaign, *, seed: int = 2009) -> Season:
    """Write the season into ``folder`` (forums.csv, calendriers.csv, syntheses.csv, the prefectures' files)."""
    rng = random.Random(seed)
    communes = load_communes(territory.reference_dir).by_dep
    expected = [code for code, dep in territory.departements.items() if dep.zone in ("metro", "dom")]
    senders = sorted(rng.sample(expected, SENDERS), key=expected.index)
    calendar = folder / "forums.csv"
    calendar.write_text(";".join(HEADER) + "\n", encoding="utf-8")
    season = Season(folder=folder, calendar=calendar, expected=expected)
    received = folder / "recu"
    received.mkdir()
    merge_days = [date(2009, 3, 20) + timedelta(days=4 * i) for i in range(10)]
    batches: dict[date, list[Path]] = {}
    used: set[tuple[str, date, str]] = set()
    number = 0
    for index, code in enumerate(senders):
        count = FORUMS // SENDERS + (1 if index < FORUMS % SENDERS else 0)
        names = sorted(set(communes[code].values()))
        rows = []
        while len(rows) < count:
            day = campaign.debut + timedelta(days=rng.randrange((date(2009, 5, 23) - campaign.debut).days + 1))
            commune = rng.choice(names)
            if (code, day, commune) in used:
                continue
            used.add((code, day, commune))
            number += 1
            if day < LOOK:
                statut = rng.choices(["tenu", "prévu", "annulé", "reporté"], [80, 8, 6, 6])[0]
            else:
                statut = rng.choices(["prévu", "annulé"], [95, 5])[0]
            participants = str(rng.randrange(15, 320)) if statut == "tenu" and rng.random() < 0.85 else ""
            rows.append({"departement": code, "date": day.isoformat(), "heure_debut": "18:30", "commune": commune,
                         "lieu": "salle des fêtes", "statut": statut, "participants": participants,
                         "contact": f"cabinet@pref-{code.lower()}.example", "id": f"s-{number:05d}"})
        path = received / f"prefecture-{code}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=HEADER, delimiter=";", lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        merged = rng.choice(merge_days)
        batches.setdefault(merged, []).append(path)
        season.senders[code] = merged
        season.rows.extend(rows)
    for day in sorted(batches):
        report = merge_files(batches[day], calendar, territory=territory, campaign=campaign,
                             now=datetime.combine(day, datetime.min.time(), tzinfo=UTC).replace(hour=10))
        assert report.written, [str(p) for p in report.problems if p.severity == "erreur"]
    # Sixty syntheses: fifty-five by the deadline, five after it.
    with_synthesis = rng.sample(senders, SYNTHESES)
    for index, code in enumerate(with_synthesis):
        if index < LATE:
            day = DEADLINE + timedelta(days=rng.randrange(1, 6))
        else:
            day = date(2009, 5, 11) + timedelta(days=rng.randrange((DEADLINE - date(2009, 5, 11)).days + 1))
        held = sum(1 for row in season.rows if row["departement"] == code and row["statut"] == "tenu")
        season.arrivals[code] = (day, max(held - rng.randrange(0, 3), 0))
    record_arrivals(folder / "syntheses.csv",
                    [SynthesisArrival(code, day, minutes) for code, (day, minutes) in season.arrivals.items()],
                    territory=territory)
    return season
