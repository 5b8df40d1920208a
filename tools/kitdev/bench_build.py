"""Build time by calendar size (0, 1 210, 4 000 and 12 000 forums): clean build, rebuild, check."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kit.calendar.model import Campaign, load_campaign
from kit.territory import Territory, load_territory
from kitdev.figures import PROJECT, ROOT, Timing, duration, fr, kb, size
from kitdev.synthetic import SEED, synthetic_rows, write_calendar, write_followup

SIZES = (0, 1210, 4000, 12000)
QUICK_SIZES = (0, 4000)
BUILD_TARGET = 1.3  # build(4 000) / build(0)
CHECK_TARGET = 1.0  # seconds for check(4 000)



def _timed(command: Sequence[str], env: dict[str, str]) -> tuple[Timing, subprocess.CompletedProcess[str]]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu), result


def _median(runs: int, measure: Callable[[], Timing]) -> Timing:
    timings = [measure() for _ in range(runs)]
    return Timing(statistics.median(t.wall for t in timings), statistics.median(t.cpu for t in timings))


def build_time(calendar: Path, site_dir: Path, cache_dir: Path) -> Timing:
    """Duration of one ``mkdocs build`` of the kit with ``calendar``; raises if it fails.

    ``cache_dir`` holds what the build keeps between builds: the calendar's downloads
    (KIT_CALENDAR_CACHE) and the PDF/DOCX documents (KIT_DOCUMENTS_CACHE). Empty, the
    build makes everything, as on a new machine; filled, it reuses them, as a rebuild does.
    """
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "FORUMS_CSV": str(calendar),
           "KIT_CALENDAR_CACHE": str(cache_dir / "calendar"),
           "KIT_DOCUMENTS_CACHE": str(cache_dir / "documents")}
    timing, result = _timed([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site_dir)], env)
    if result.returncode != 0:
        raise RuntimeError(f"la construction a échoué :\n{result.stderr[-2000:]}")
    return timing


def check_time(calendar: Path) -> Timing:
    """Duration of ``python scripts/forums.py check`` on ``calendar`` (start-up included)."""
    timing, result = _timed([sys.executable, str(ROOT / "scripts" / "forums.py"), "check", str(calendar)],
                             {**os.environ})
    if result.returncode != 0:
        raise RuntimeError(f"la vérification a échoué :\n{result.stdout[-1000:]}{result.stderr[-1000:]}")
    return timing


@dataclass
class Measure:
    """What one calendar size costs."""

    forums: int
    first_build: Timing  # clean build: no cache at all (documents and calendar downloads made)
    rebuild: Timing  # downloads reused (median of the following builds)
    check: Timing
    page_bytes: int
    index_bytes: int
    extra: dict[str, str] = field(default_factory=dict)  # room for further columns


def measure(count: int, *, runs: int, workdir: Path, territory: Territory, campaign: Campaign) -> Measure:
    """Build the kit with a calendar of ``count`` forums once, then ``runs`` times again."""
    calendar = workdir / f"forums-{count}.csv"
    write_calendar(calendar, synthetic_rows(count, territory=territory, campaign=campaign))
    write_followup(workdir, territory=territory, campaign=campaign)
    site_dir, cache_dir = workdir / f"site-{count}", workdir / f"cache-{count}"
    first = build_time(calendar, site_dir, cache_dir)
    rebuild = _median(runs, lambda: build_time(calendar, site_dir, cache_dir))
    check = _median(runs, lambda: check_time(calendar))
    return Measure(
        forums=count,
        first_build=first,
        rebuild=rebuild,
        check=check,
        page_bytes=(site_dir / "calendrier" / "index.html").stat().st_size,
        index_bytes=(site_dir / "search" / "search_index.json").stat().st_size,
    )



def print_table(measures: Sequence[Measure]) -> None:
    """The measures as a plain-text table, in French."""
    header = ("forums", "construction à neuf", "reconstruction", "vérification", "page du calendrier",
              "index de recherche")
    rows = [(size(m.forums), duration(m.first_build), duration(m.rebuild), duration(m.check),
             kb(m.page_bytes), kb(m.index_bytes)) for m in measures]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=False)))
    print("Durées : temps écoulé (entre parenthèses : temps de processeur, moins sensible à la charge).")


def print_targets(measures: Sequence[Measure]) -> None:
    """Ratios against the targets, when the sizes they need were measured."""
    by_count = {m.forums: m for m in measures}
    if 0 in by_count and 4000 in by_count:
        for label, attr in (("construction à neuf", "first_build"), ("reconstruction", "rebuild")):
            big, small = getattr(by_count[4000], attr), getattr(by_count[0], attr)
            ratio = big.wall / small.wall
            verdict = "atteint" if ratio <= BUILD_TARGET else "manqué"
            print(f"{label} : 4 000 forums / 0 forum = {fr(ratio)} (processeur : {fr(big.cpu / small.cpu)}) "
                  f"(objectif ≤ {fr(BUILD_TARGET, 1)} : {verdict})")
    if 4000 in by_count:
        check = by_count[4000].check.wall
        verdict = "atteint" if check < CHECK_TARGET else "manqué"
        print(f"vérification de 4 000 forums = {fr(check)} s (objectif < {fr(CHECK_TARGET, 0)} s : {verdict})")




def main_build(sizes: Sequence[int], runs: int) -> int:
    """Build the kit once then ``runs`` times per calendar size; print the table and the targets."""
    territory, campaign = load_territory(PROJECT.reference), load_campaign(PROJECT.campaign_file)
    print(f"Kit construit 1 + {runs} fois par taille (reconstruction : médiane), "
          f"calendriers fictifs tirés avec la graine {SEED}.")
    measures: list[Measure] = []
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as tmp:
        # One build first, not measured: Python's and the documents' caches warm up.
        print("… mise en route", file=sys.stderr, flush=True)
        warm_up = Path(tmp) / "warm-up.csv"
        write_calendar(warm_up, [])
        try:
            build_time(warm_up, Path(tmp) / "site-warm-up", Path(tmp) / "cache-warm-up")
        except RuntimeError as exc:
            print(exc, file=sys.stderr)
            return 1
        for count in sizes:
            print(f"… {size(count)} forums", file=sys.stderr, flush=True)
            try:
                measures.append(measure(count, runs=runs, workdir=Path(tmp), territory=territory,
                                        campaign=campaign))
            except RuntimeError as exc:
                print(f"{size(count)} forums : {exc}", file=sys.stderr)
                return 1
    print_table(measures)
    print_targets(measures)
    return 0
