"""The editor's loop under make serve (and hugo server): from a save to the page served again (--loop)."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from kit.calendar.model import DATA_COLUMNS, load_campaign
from kit.territory import load_territory
from kitdev.figures import PROJECT, Timing, duration, fr, size
from kitdev.synthetic import SEED, synthetic_rows, write_followup


def _progress(count: int, step: str) -> None:
    print(f"… {size(count)} forums : {step}", file=sys.stderr, flush=True)


LOOP_SIZES = (0, 4000)
LOOP_TARGET = 1.0  # seconds from a save to the page served, 4 000 forums
HUGO_TARGET = 3.0  # make serve / hugo server, same edit, same content


def main_loop(sizes: Sequence[int], edits: int, *, hugo: bool) -> int:
    """The --loop section: save → served under ``make serve`` (and ``hugo server``), page and row edits."""
    from kitdev.editor_loop import LoopResult, LoopTiming, measure_loop
    from kitdev.hugo_loop import measure_hugo

    territory, campaign = load_territory(PROJECT.reference), load_campaign(PROJECT.campaign_file)
    print(f"Boucle de l'éditeur : 1 modification de mise en route puis {edits} mesurées (médiane), "
          f"calendriers fictifs tirés avec la graine {SEED}.")
    results: list[tuple[str, LoopResult]] = []
    failed: list[str] = []
    for count in sizes:
        rows = synthetic_rows(count, territory=territory, campaign=campaign)
        engines: list[tuple[str, Callable[..., LoopResult]]] = [("make serve", measure_loop)]
        if hugo:
            engines.append(("hugo server", measure_hugo))
        for name, measure_with in engines:
            with tempfile.TemporaryDirectory(prefix="kit-bench-loop-") as tmp:
                try:
                    options = {"data": partial(write_followup, territory=territory, campaign=campaign)} \
                        if name == "make serve" else {}
                    results.append((name, measure_with(rows, DATA_COLUMNS, Path(tmp), edits=edits,
                                                       progress=partial(_progress, count), **options)))
                except RuntimeError as exc:  # said, and the other measures go on
                    print(f"{name}, {size(count)} forums : {exc}", file=sys.stderr)
                    failed.append(f"{name}, {size(count)} forums")

    def shown(timing: LoopTiming | None) -> str:
        return "—" if timing is None else duration(Timing(timing.wall, timing.cpu))

    header = ("serveur", "forums", "page enregistrée → servie", "ligne enregistrée → servie",
              "synthèse enregistrée → servie", "index de recherche")
    table = [(name, size(r.forums), shown(LoopResult.median(r.page)), shown(LoopResult.median(r.row)),
              shown(LoopResult.median(r.synthesis)),
              "—" if name != "make serve" else
              f"{r.index_entries} entrées" + (" (défauts : voir plus bas)" if r.problems else ", toujours complet"))
             for name, r in results]
    widths = [max(len(row[i]) for row in (header, *table)) for i in range(len(header))]
    for row in (header, tuple("-" * w for w in widths), *table):
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=False)))
    print("Durées : temps écoulé (entre parenthèses : temps de processeur du serveur pendant la modification).")
    kit = {r.forums: r for name, r in results if name == "make serve"}
    other = {r.forums: r for name, r in results if name == "hugo server"}
    for r in kit.values():
        for problem in r.problems:
            print(f"{size(r.forums)} forums : {problem}")
    if 4000 in kit:
        for label, attr in (("page", "page"), ("ligne du calendrier", "row"), ("synthèse", "synthesis")):
            median = LoopResult.median(getattr(kit[4000], attr))
            if median is None:
                continue
            verdict = "atteint" if median.wall <= LOOP_TARGET else "manqué"
            line = (f"boucle de l'éditeur, {label}, 4 000 forums = {fr(median.wall)} s "
                    f"(objectif ≤ {fr(LOOP_TARGET, 0)} s : {verdict})")
            reference = LoopResult.median(getattr(other[4000], attr)) if 4000 in other else None
            if reference is not None:
                ratio = median.wall / reference.wall
                line += (f" ; {fr(ratio)} fois Hugo (objectif ≤ {fr(HUGO_TARGET, 0)} : "
                         f"{'atteint' if ratio <= HUGO_TARGET else 'manqué'})")
            print(line)
    for what in failed:
        print(f"{what} : mesure impossible (détail plus haut)")
    return 1 if failed or any(r.problems for r in kit.values()) else 0


