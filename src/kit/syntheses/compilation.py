"""The national compilation's content: figures, quotations by theme, diagnosis, proposals, arrivals, index.

Everything a prefecture wrote is placed once, verbatim, with its
département and part; nothing here is worded anew. The départements come in
their official (INSEE) order.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from kit.calendar.model import Forum
from kit.campaign.syntheses import SynthesisArrival as Arrival
from kit.syntheses.checking import participants_of
from kit.syntheses.model import SCOPES, Passage, Proposal, Received, Synthesis
from kit.syntheses.parts import DepartementNames
from kit.syntheses.similarity import groups
from kit.territory import Territory


@dataclass
class Figures:
    forums_tenus: int = 0
    forums_prevus: int = 0
    forums_annules: int = 0
    participants: int = 0  # calendar's count, over the forums counted
    forums_comptes: int = 0
    participants_median: float | None = None
    participants_declares: int = 0  # the syntheses' own tables
    departements: int = 0
    recues: int = 0
    a_temps: int = 0
    en_retard: int = 0
    manquantes: int = 0
    lues: int = 0
    non_lues: int = 0
    comptes_rendus: int = 0


@dataclass(frozen=True)
class Quote:
    departement: str  # INSEE code
    passage: Passage


@dataclass(frozen=True)
class Numbered:
    """A proposal with its number in the compilation, its département and its group of alike proposals."""

    number: int
    departement: str
    proposal: Proposal
    group: int  # index in Compilation.recurring, or -1 when it stands alone


@dataclass
class Compilation:
    deadline: date | None
    figures: Figures
    names: dict[str, str]  # code → name, in official order
    syntheses: list[Synthesis]  # read, in the départements' order
    quotes: dict[str, list[Quote]]  # part → quotations in the départements' order
    strengths: list[list[tuple[str, str]]]  # groups of (département, text)
    weaknesses: list[list[tuple[str, str]]]
    proposals: list[Numbered]  # in the table's order
    recurring: list[list[int]]  # proposal numbers, each group over several départements
    arrivals: dict[str, Arrival]
    late: list[tuple[str, Arrival, int]]  # (département, arrival, days late)
    missing: list[str]
    unread: list[tuple[str, str]]  # (département or "", file) received but not read (PDF)
    others: list[Quote]
    index: list[IndexEntry] = field(default_factory=list)


@dataclass(frozen=True)
class IndexEntry:
    departement: str
    status: str  # « reçue le 20 mai 2009 », « manquante »…
    parts: tuple[str, ...]  # parts it is quoted in
    proposals: tuple[int, ...]
    others: int
    minutes: int


def _ordered(syntheses: Iterable[Synthesis], order: dict[str, int]) -> list[Synthesis]:
    return sorted(syntheses, key=lambda s: order.get(s.departement, len(order)))


def _grouped(items: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    found = [[items[i] for i in group] for group in groups([text for _, text in items])]
    return sorted(found, key=lambda group: -len({dep for dep, _ in group}))


def compile_syntheses(received: Sequence[Received], arrivals: Iterable[Arrival], forums: Sequence[Forum],
                      territory: Territory, deadline: date | None) -> Compilation:
    """Bring the syntheses together; ``arrivals`` are the recorded receipts, ``forums`` the calendar."""
    names = {code: d.nom for code, d in territory.departements.items()}
    order = {code: index for index, code in enumerate(names)}
    syntheses = _ordered((s for r in received for s in r.syntheses if s.departement), order)
    arrived = {a.departement: a for a in arrivals}
    figures = Figures()
    held = [f for f in forums if f.statut == "tenu"]
    figures.forums_tenus = len(held)
    figures.forums_prevus = sum(1 for f in forums if f.statut in ("prévu", "reporté"))
    figures.forums_annules = sum(1 for f in forums if f.statut == "annulé")
    counted = [n for n in (participants_of(f) for f in held) if n is not None]
    figures.participants, figures.forums_comptes = sum(counted), len(counted)
    figures.participants_median = statistics.median(counted) if counted else None
    figures.participants_declares = sum(row.participants or 0 for s in syntheses for row in s.forums)
    received_codes = set(arrived) | {s.departement for s in syntheses}
    unread = []
    finder = DepartementNames(territory)
    for item in received:
        if not item.read:
            code = finder.find(PurePath(item.file).stem)
            unread.append((code, item.file))
            if code:
                received_codes.add(code)
    figures.recues = len(received_codes)
    figures.lues = len({s.departement for s in syntheses})
    figures.non_lues = len(unread)
    late = []
    for code, arrival in arrived.items():
        if deadline is not None and arrival.recue_le > deadline:
            late.append((code, arrival, (arrival.recue_le - deadline).days))
    late.sort(key=lambda item: order.get(item[0], len(order)))
    figures.en_retard = len(late)
    figures.a_temps = len(arrived) - len(late)
    # Expected: every département and overseas département, and any collectivity with a forum in the calendar.
    with_forums = {f.departement for f in forums}
    expected = [code for code, d in territory.departements.items() if d.zone != "com" or code in with_forums]
    missing = [code for code in expected if code not in received_codes]
    figures.manquantes = len(missing)
    figures.departements = len(expected)
    figures.comptes_rendus = sum(a.comptes_rendus for a in arrived.values()) or sum(len(s.minutes) for s in syntheses)

    quotes: dict[str, list[Quote]] = {part: [] for part in ("rencontres", "theme1", "theme2", "local")}
    others: list[Quote] = []
    for synthesis in syntheses:
        for passage in synthesis.passages:
            target = quotes.get(passage.part)
            (target if target is not None else others).append(Quote(synthesis.departement, passage))
    strengths = _grouped([(s.departement, text) for s in syntheses for text in s.strengths])
    weaknesses = _grouped([(s.departement, text) for s in syntheses for text in s.weaknesses])

    flat = [(s.departement, p) for s in syntheses for p in s.proposals]
    proposal_groups = groups([p.text for _, p in flat])
    # Groups over several départements, the most widespread first: R1, R2…
    recurring_members = sorted((members for members in proposal_groups if len({flat[i][0] for i in members}) > 1),
                               key=lambda members: (-len({flat[i][0] for i in members}), members[0]))
    group_of = {i: number for number, members in enumerate(recurring_members) for i in members}
    rank = {scope: index for index, scope in enumerate(SCOPES)}

    def key(i: int) -> tuple[int, int, int, int]:
        dep, proposal = flat[i]
        group = group_of.get(i, -1)
        size = len(recurring_members[group]) if group >= 0 else 1
        return (rank[proposal.scope], -size, group if group >= 0 else len(recurring_members) + i,
                order.get(dep, len(order)))

    in_order = sorted(range(len(flat)), key=key)
    number_of = {i: n for n, i in enumerate(in_order, start=1)}
    proposals = [Numbered(number_of[i], flat[i][0], flat[i][1], group_of.get(i, -1)) for i in in_order]
    recurring = [sorted(number_of[i] for i in members) for members in recurring_members]
    compilation = Compilation(deadline=deadline, figures=figures, names=names, syntheses=syntheses,
                              quotes=quotes, strengths=strengths, weaknesses=weaknesses, proposals=proposals,
                              recurring=recurring, arrivals=arrived, late=late, missing=missing, unread=unread,
                              others=others)
    compilation.index = _index(compilation, received_codes, order)
    return compilation


def _index(compilation: Compilation, received_codes: set[str], order: dict[str, int]) -> list[IndexEntry]:
    by_dep: dict[str, list[Synthesis]] = {}
    for synthesis in compilation.syntheses:
        by_dep.setdefault(synthesis.departement, []).append(synthesis)
    late = {code: days for code, _, days in compilation.late}
    unread = {code for code, _ in compilation.unread if code}
    entries = []
    from kit.french import french_date

    for code in compilation.names:
        if code not in received_codes and code not in by_dep:
            continue
        arrival = compilation.arrivals.get(code)
        if arrival is not None:
            status = f"reçue le {french_date(arrival.recue_le)}"
            if code in late:
                status += f", {late[code]} j de retard"
        else:
            status = "reçue, non enregistrée"
        if code in unread and code not in by_dep:
            status += " (PDF non lu automatiquement)"
        parts = tuple(part for part in ("rencontres", "theme1", "theme2", "local")
                      if any(q.departement == code for q in compilation.quotes[part]))
        entries.append(IndexEntry(
            departement=code, status=status, parts=parts,
            proposals=tuple(sorted(n.number for n in compilation.proposals if n.departement == code)),
            others=sum(1 for q in compilation.others if q.departement == code),
            minutes=sum(len(s.minutes) for s in by_dep.get(code, []))))
    return entries
