"""The campaign's tracking of arrived syntheses (data/syntheses.csv), as ``record`` and ``compile`` use it.

The file and its reader and writer belong to the campaign's tracking
(:mod:`kit.campaign.syntheses`: one row per département, ``departement``,
``recue_le``, ``comptes_rendus``, ``remarque``; written under the calendar's
merge lock, replaced atomically). This module is the small adapter between
that API and the syntheses' commands.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from kit.syntheses.compilation import Arrival
from kit.territory import Territory

FILE_NAME = "syntheses.csv"


def _campaign() -> Any:
    return importlib.import_module("kit.campaign.syntheses")


def available() -> bool:
    """Whether the campaign's tracking module is installed."""
    try:
        _campaign()
    except ImportError:
        return False
    return True


def _as_arrival(row: Any) -> Arrival:
    return Arrival(departement=row.departement, recue_le=row.recue_le,
                   comptes_rendus=int(getattr(row, "comptes_rendus", 0) or 0),
                   remarque=str(getattr(row, "remarque", "") or ""))


def read_arrivals(path: Path, territory: Territory) -> tuple[list[Arrival], list[str]]:
    """The arrivals recorded in ``path`` and the problems found (French, FILE:LINE); none if it does not exist."""
    if not Path(path).exists():
        return [], []
    result = _campaign().read_syntheses(path, territory)
    rows: Iterable[Any]
    problems: Sequence[Any] = ()
    if isinstance(result, tuple):
        rows, problems = result[0], result[1]
    elif hasattr(result, "problems"):
        rows = getattr(result, "arrivals", None) or getattr(result, "rows", None) or getattr(result, "syntheses", [])
        problems = result.problems
    else:
        rows = result
    if isinstance(rows, dict):
        rows = rows.values()
    return [_as_arrival(row) for row in rows], [str(p) for p in problems]


def record(path: Path, arrivals: Sequence[Arrival]) -> Any:
    """Write ``arrivals`` into ``path`` through the campaign's writer (its lock and atomic write)."""
    campaign = _campaign()
    rows = [campaign.SynthesisArrival(departement=a.departement, recue_le=a.recue_le,
                                      comptes_rendus=a.comptes_rendus, remarque=a.remarque) for a in arrivals]
    return campaign.record_arrivals(path, rows)


def today() -> date:
    return date.today()
