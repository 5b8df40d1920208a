"""Synthetic campaigns for the measures: forums drawn on the real 2009 départements and cantons, and
the follow-up of a hundred départements (reproducible draws)."""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from kit.calendar.model import DATA_COLUMNS, Campaign
from kit.territory import Territory

SEED = 2009

_PLACES = ("salle des fêtes", "mairie, salle du conseil", "salle polyvalente", "espace culturel",
           "maison des associations", "médiathèque", "centre social", "salle municipale")
_ANIMATEURS = ("le préfet", "le sous-préfet", "le directeur départemental de la sécurité publique",
               "le commandant du groupement de gendarmerie", "")
# Mostly planned forums; a few held, cancelled or postponed, as in a real campaign.
_STATUTS = (("prévu", 86), ("tenu", 8), ("annulé", 3), ("reporté", 3))


def synthetic_rows(count: int, *, territory: Territory, campaign: Campaign,
                   seed: int = SEED) -> list[dict[str, str]]:
    """``count`` forums spread over the départements in proportion to their cantons.

    Each forum is held in a 2009 commune of one of its département's cantons
    (the canton is filled in); dates run over the campaign window and the
    five days after it, as in 2009. No two forums share a slot.
    """
    rng = random.Random(seed)
    in_canton = _communes_by_canton(territory)
    deps = [code for code in territory.departements]
    weights = [max(len(territory.cantons.get(code, ())), 2) for code in deps]
    days = (campaign.fin - campaign.debut).days + 6
    statuts = [name for name, _ in _STATUTS]
    statut_weights = [weight for _, weight in _STATUTS]
    slots: set[tuple[str, date, str, str]] = set()
    rows: list[dict[str, str]] = []
    while len(rows) < count:
        dep = rng.choices(deps, weights)[0]
        cantons = territory.cantons.get(dep) or []
        canton = rng.choice(cantons) if cantons else None
        choices = in_canton.get(canton.code, []) if canton else []
        commune = rng.choice(choices) if choices else territory.departements[dep].nom
        day = campaign.debut + timedelta(days=rng.randrange(days))
        start = f"{rng.randrange(9, 21):02d}:{rng.choice(('00', '30'))}"
        if (dep, day, start, commune) in slots:
            continue
        slots.add((dep, day, start, commune))
        end_hour = int(start[:2]) + 2
        rows.append({
            "departement": dep,
            "date": day.isoformat(),
            "heure_debut": start,
            "heure_fin": f"{end_hour:02d}:{start[3:]}" if end_hour < 24 else "",
            "commune": commune,
            "lieu": rng.choice(_PLACES),
            "adresse": f"{rng.randrange(1, 120)} rue de la République",
            "cantons": canton.code if canton else "",
            "animateur": rng.choice(_ANIMATEURS),
            "statut": rng.choices(statuts, statut_weights)[0],
            "source": "",
            "provenance": "préfecture",
            "id": f"bench-{len(rows) + 1:05d}",
            "annonce": (day - timedelta(days=rng.randrange(10, 40))).isoformat(),
        })
    return rows


# The campaign's follow-up beside the calendar (data/calendriers.csv, data/syntheses.csv): a hundred
# départements, as the DICOM would see them a few days after the synthesis deadline.
FOLLOWUP_SILENT, FOLLOWUP_SYNTHESES, FOLLOWUP_LATE = 10, 60, 5


def write_followup(folder: Path, *, territory: Territory, campaign: Campaign, seed: int = SEED) -> None:
    """The receipts of calendars and the syntheses of a hundred départements, written into ``folder``."""
    from kit.campaign.datafiles import replace_file
    from kit.campaign.receipts import CalendarReceipt, receipts_file, write_receipts
    from kit.campaign.syntheses import COLUMNS as SYNTHESIS_COLUMNS
    from kit.campaign.syntheses import FILE_NAME, SynthesisArrival, syntheses_rows

    rng = random.Random(seed)
    expected = [code for code, dep in territory.departements.items() if dep.zone in ("metro", "dom")]
    senders = sorted(rng.sample(expected, len(expected) - FOLLOWUP_SILENT), key=expected.index)
    receipts = [CalendarReceipt(code, campaign.debut + timedelta(days=rng.randrange(30)),
                                campaign.debut + timedelta(days=rng.randrange(30, 55))) for code in senders]
    write_receipts(receipts_file(folder / "forums.csv"), receipts)
    deadline = campaign.syntheses or campaign.fin
    arrivals = [SynthesisArrival(code, deadline + timedelta(days=rng.randrange(1, 6)) if index < FOLLOWUP_LATE
                                 else deadline - timedelta(days=rng.randrange(12)), rng.randrange(30))
                for index, code in enumerate(rng.sample(senders, FOLLOWUP_SYNTHESES))]
    replace_file(folder / FILE_NAME, SYNTHESIS_COLUMNS, syntheses_rows(arrivals))


def _communes_by_canton(territory: Territory) -> dict[str, list[str]]:
    """Canton-ou-ville code -> its 2009 communes (official names), from the reference data."""
    from kit.calendar.communes import load_communes

    found: dict[str, list[str]] = {}
    for dep, names in load_communes(territory.reference_dir).by_dep.items():
        for name in sorted(names.values()):
            canton = territory.commune_canton(dep, name)
            if canton is not None:
                found.setdefault(canton.code, []).append(name)
    return found


def write_calendar(path: Path, rows: Sequence[dict[str, str]]) -> None:
    """Write ``rows`` as a calendar file in the project's format (« ; », UTF-8)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=DATA_COLUMNS, delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


