"""Where the campaign stands at the date of its data: calendars, forums, attendance, syntheses.

Pure: forums, receipts of calendars and syntheses in, figures out. Every
figure of the « Suivi de la campagne » page comes from :class:`Progress`;
the page only formats them.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from kit.calendar.model import Campaign, Forum
from kit.campaign.receipts import CalendarReceipt
from kit.campaign.syntheses import SynthesisArrival
from kit.territory import Departement, Territory

# The circular's synthesis is awaited from every département (metropolitan and overseas), not from the
# overseas collectivities, which are followed when they send something.
EXPECTED_ZONES = frozenset({"metro", "dom"})

# What a forum is at the date of the data.
FORUM_STATES = ("prévu", "à confirmer", "tenu", "annulé", "reporté")
# What a département's synthesis is at the date of the data.
SYNTHESIS_STATES = ("à temps", "en retard", "attendue", "manquante")
SYNTHESIS_LABELS = {
    "à temps": "Reçue à temps",
    "en retard": "Reçue en retard",
    "attendue": "Attendue (délai non échu)",
    "manquante": "Manquante (délai dépassé)",
}


def forum_state(forum: Forum, as_of: date) -> str:
    """The forum's status, « à confirmer » for a forum still « prévu » after its date."""
    if forum.statut == "prévu" and forum.date < as_of:
        return "à confirmer"
    return forum.statut


@dataclass(frozen=True)
class DataDate:
    """The date the figures are given at, and what it is (« date fixée… », « dernière synthèse reçue »…)."""

    day: date | None
    reason: str


def data_date(campaign: Campaign, forums: Sequence[Forum], receipts: Sequence[CalendarReceipt],
              arrivals: Sequence[SynthesisArrival]) -> DataDate:
    """The date of the data: the latest arrival or merge, or ``donnees_du`` of data/campagne.toml if later.

    ``donnees_du`` dates data that carry no date of their own (forums collected from the press); a
    synthesis or a calendar received after it moves the date on, so that nothing received is left out.
    """
    candidates: list[tuple[date, str]] = []
    if campaign.data_date is not None:
        candidates.append((campaign.data_date, "date fixée dans data/campagne.toml"))
    if arrivals:
        candidates.append((max(a.recue_le for a in arrivals), "date de la dernière synthèse reçue"))
    if receipts:
        candidates.append((max(r.last_change for r in receipts), "date de la dernière réception d'un calendrier"))
    changed = [f.modifie.date() for f in forums if f.modifie is not None]
    if changed:
        candidates.append((max(changed), "date de la dernière fusion d'un calendrier"))
    if not candidates:
        return DataDate(None, "aucune date de réception connue")
    return DataDate(*max(reversed(candidates), key=lambda c: c[0]))


@dataclass(frozen=True)
class DepartementProgress:
    """One département at the date of the data."""

    departement: Departement
    expected: bool  # its synthesis is awaited (a département, not an overseas collectivity)
    receipt: CalendarReceipt | None
    from_prefecture: int  # forums sent by the prefecture
    states: dict[str, int]  # FORUM_STATES -> number of forums
    participants: int  # people counted at its held forums
    counted: int  # held forums whose attendance is known
    synthesis: SynthesisArrival | None
    synthesis_state: str  # SYNTHESIS_STATES
    days: int  # days late (received late, or missing after the deadline), or days left (awaited)

    @property
    def forums(self) -> int:
        return sum(self.states.values())

    @property
    def has_calendar(self) -> bool:
        """Its prefecture's calendar has come in (recorded by a merge, or a forum sent by the prefecture)."""
        return self.receipt is not None or self.from_prefecture > 0

    @property
    def held(self) -> int:
        return self.states["tenu"]

    @property
    def minutes(self) -> int:
        return self.synthesis.comptes_rendus if self.synthesis else 0


@dataclass(frozen=True)
class Week:
    monday: date
    planned: int  # forums dated that week, neither cancelled nor postponed
    held: int


@dataclass(frozen=True)
class ArrivalDay:
    day: date
    on_time: int
    late: int
    total_so_far: int

    @property
    def count(self) -> int:
        return self.on_time + self.late


@dataclass
class Progress:
    """Everything the « Suivi de la campagne » page shows."""

    as_of: DataDate
    deadline: date | None
    departements: list[DepartementProgress]
    weeks: list[Week] = field(default_factory=list)
    arrival_days: list[ArrivalDay] = field(default_factory=list)
    participants: list[int] = field(default_factory=list)  # each counted forum's attendance

    @property
    def expected(self) -> list[DepartementProgress]:
        return [d for d in self.departements if d.expected]

    @property
    def with_calendar(self) -> list[DepartementProgress]:
        return [d for d in self.departements if d.has_calendar]

    @property
    def to_call(self) -> list[DepartementProgress]:
        """Départements whose prefecture's calendar has not come in."""
        return [d for d in self.expected if not d.has_calendar]

    def forums_in(self, state: str) -> int:
        return sum(d.states[state] for d in self.departements)

    @property
    def forums(self) -> int:
        return sum(d.forums for d in self.departements)

    @property
    def attendance(self) -> int:
        return sum(self.participants)

    @property
    def median_attendance(self) -> float | None:
        return statistics.median(self.participants) if self.participants else None

    def syntheses_in(self, state: str) -> list[DepartementProgress]:
        return [d for d in self.departements if d.synthesis_state == state]

    @property
    def received(self) -> list[DepartementProgress]:
        return [d for d in self.departements if d.synthesis is not None]

    @property
    def missing(self) -> list[DepartementProgress]:
        return [d for d in self.expected if d.synthesis is None]

    @property
    def minutes(self) -> int:
        return sum(d.minutes for d in self.received)

    @property
    def held_where_received(self) -> int:
        """Forums held in the départements whose synthesis came in (the minutes expected with them)."""
        return sum(d.held for d in self.received)

    @property
    def days_left(self) -> int | None:
        """Days from the date of the data to the deadline (negative once it is past)."""
        if self.deadline is None or self.as_of.day is None:
            return None
        return (self.deadline - self.as_of.day).days


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def compute_progress(forums: Sequence[Forum], territory: Territory, campaign: Campaign,
                     receipts: Sequence[CalendarReceipt], arrivals: Sequence[SynthesisArrival],
                     as_of: DataDate | None = None) -> Progress:
    """The campaign at the date of its data (:func:`data_date` unless ``as_of`` is given).

    Only what had happened by that date counts: syntheses and calendars received later are left out.
    """
    when = as_of or data_date(campaign, forums, receipts, arrivals)
    today = when.day or max([f.date for f in forums] or [campaign.fin])
    deadline = campaign.syntheses
    arrivals = [a for a in arrivals if a.recue_le <= today]
    receipts = [r for r in receipts if r.premiere_reception <= today]
    synthesis_of = {a.departement: a for a in arrivals}
    receipt_of = {r.departement: r for r in receipts}
    by_dep: dict[str, list[Forum]] = {}
    for forum in forums:
        by_dep.setdefault(forum.departement, []).append(forum)
    rows: list[DepartementProgress] = []
    counted: list[int] = []
    for code, dep in territory.departements.items():
        mine = by_dep.get(code, [])
        expected = dep.zone in EXPECTED_ZONES
        if not expected and not mine and code not in synthesis_of and code not in receipt_of:
            continue
        states = Counter(forum_state(f, today) for f in mine)
        attendance = [f.participants for f in mine if f.statut == "tenu" and f.participants is not None]
        counted.extend(attendance)
        synthesis = synthesis_of.get(code)
        if synthesis is not None:
            late = deadline is not None and synthesis.recue_le > deadline
            state = "en retard" if late else "à temps"
            days = (synthesis.recue_le - deadline).days if late and deadline else 0
        elif deadline is not None and today > deadline:
            state, days = "manquante", (today - deadline).days
        else:
            state, days = "attendue", (deadline - today).days if deadline else 0
        rows.append(DepartementProgress(
            departement=dep, expected=expected, receipt=receipt_of.get(code),
            from_prefecture=sum(1 for f in mine if f.provenance == "préfecture"),
            states={s: states.get(s, 0) for s in FORUM_STATES}, participants=sum(attendance),
            counted=len(attendance), synthesis=synthesis, synthesis_state=state, days=days))
    progress = Progress(as_of=when, deadline=deadline, departements=rows, participants=counted)
    progress.weeks = _weeks(forums, campaign)
    progress.arrival_days = _arrival_days(arrivals, deadline)
    return progress


def _weeks(forums: Sequence[Forum], campaign: Campaign) -> list[Week]:
    """Forums per week (Monday to Sunday), from the campaign's first week to its last forum's."""
    dated = [f for f in forums if f.statut not in ("annulé", "reporté")]
    first = _monday(min([campaign.debut, *(f.date for f in dated)]))
    last = _monday(max([campaign.fin, *(f.date for f in dated)]))
    planned = Counter(_monday(f.date) for f in dated)
    held = Counter(_monday(f.date) for f in dated if f.statut == "tenu")
    weeks = []
    monday = first
    while monday <= last:
        weeks.append(Week(monday, planned.get(monday, 0), held.get(monday, 0)))
        monday += timedelta(days=7)
    return weeks


def _arrival_days(arrivals: Sequence[SynthesisArrival], deadline: date | None) -> list[ArrivalDay]:
    """Syntheses received day by day, each day from the first arrival to the last (or the deadline)."""
    if not arrivals:
        return []
    first = min(a.recue_le for a in arrivals)
    last = max([a.recue_le for a in arrivals] + ([deadline] if deadline else []))
    by_day = Counter(a.recue_le for a in arrivals)
    days: list[ArrivalDay] = []
    total = 0
    day = first
    while day <= last:
        count = by_day.get(day, 0)
        total += count
        late = deadline is not None and day > deadline
        days.append(ArrivalDay(day, 0 if late else count, count if late else 0, total))
        day += timedelta(days=1)
    return days
