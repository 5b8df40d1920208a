#!/usr/bin/env python3
"""Mesurer le temps de construction du kit selon la taille du calendrier des forums.

Pour chaque taille (0, 1 210, 4 000 et 12 000 forums), le script tire un calendrier
fictif sur les vrais départements et cantons de 2009 (tirage aléatoire mais
reproductible), construit le site dans un dossier temporaire avec ce calendrier
(variable FORUMS_CSV), à côté duquel il écrit le suivi d'une centaine de départements
(calendriers.csv, syntheses.csv : la page « Suivi de la campagne »), et mesure :

- la durée d'une construction à neuf (aucun cache : PDF, DOCX et fichiers du calendrier
  à faire, comme sur une machine neuve) et celle d'une reconstruction (tout repris du
  cache : médiane de plusieurs constructions) ;
- la durée de « python scripts/forums.py check » sur le même fichier ;
- le poids de la page du calendrier et de l'index de recherche.

Il affiche ensuite les rapports aux objectifs : construction à 4 000 forums au plus
1,3 fois celle à 0 forum, vérification de 4 000 forums en moins d'une seconde.
Il n'échoue pas sur un objectif manqué : il donne des chiffres.

    python scripts/bench.py            les quatre tailles, 1 + 3 constructions chacune
    python scripts/bench.py --quick    0 et 4 000 forums, 1 + 2 constructions chacune
    python scripts/bench.py --pages    poids et rapidité des pages dans Chromium (4 000 forums)
    python scripts/bench.py --loop     boucle de l'éditeur sous « make serve » (0 et 4 000 forums) :
                                       de l'enregistrement d'une page, d'une ligne du calendrier ou
                                       d'une ligne de data/syntheses.csv à la page servie à nouveau
                                       (médiane de 5 modifications) ;
                                       avec --hugo, la même chose sous « hugo server » pour comparer
    python scripts/bench.py --syntheses compilation de 100 synthèses départementales fictives (dix pages
                                       chacune, dont des en retard, des désordonnées et deux PDF) :
                                       temps et mémoire (pic) de « scripts/syntheses.py compile »
    python scripts/bench.py --limites  « forums.py check » sur les plus gros fichiers acceptés de chaque
                                       format et sur les fichiers hostiles des tests : temps de
                                       processeur et pic de mémoire, puis le pic le plus haut par format
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.calendar.model import COLUMNS, DATA_COLUMNS, Campaign, load_campaign
from kit.paths import Project
from kit.territory import Territory, load_territory

# This checkout, whichever one kit is installed from.
PROJECT = Project.of_script(__file__)
ROOT = PROJECT.root

if TYPE_CHECKING:
    from tools.pageweight import PageWeight

SIZES = (0, 1210, 4000, 12000)
QUICK_SIZES = (0, 4000)
SEED = 2009
BUILD_TARGET = 1.3  # build(4 000) / build(0)
CHECK_TARGET = 1.0  # seconds for check(4 000)

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


@dataclass(frozen=True)
class Timing:
    """Wall-clock and processor seconds of one command (the processor time is steadier on a busy machine)."""

    wall: float
    cpu: float


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


def _fr(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def _size(count: int) -> str:
    return f"{count:,}".replace(",", "\u202f")


def _kb(size: int) -> str:
    return f"{_fr(size / 1024, 0)} Kio" if size < 1024 * 1024 else f"{_fr(size / 1024 / 1024, 1)} Mio"


def _duration(timing: Timing) -> str:
    return f"{_fr(timing.wall)} s ({_fr(timing.cpu)})"


def print_table(measures: Sequence[Measure]) -> None:
    """The measures as a plain-text table, in French."""
    header = ("forums", "construction à neuf", "reconstruction", "vérification", "page du calendrier",
              "index de recherche")
    rows = [(_size(m.forums), _duration(m.first_build), _duration(m.rebuild), _duration(m.check),
             _kb(m.page_bytes), _kb(m.index_bytes)) for m in measures]
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
            print(f"{label} : 4 000 forums / 0 forum = {_fr(ratio)} (processeur : {_fr(big.cpu / small.cpu)}) "
                  f"(objectif ≤ {_fr(BUILD_TARGET, 1)} : {verdict})")
    if 4000 in by_count:
        check = by_count[4000].check.wall
        verdict = "atteint" if check < CHECK_TARGET else "manqué"
        print(f"vérification de 4 000 forums = {_fr(check)} s (objectif < {_fr(CHECK_TARGET, 0)} s : {verdict})")


# Page weight in Chromium (--pages) ------------------------------------------------

PAGES_FORUMS = 4000
PAGES = (("accueil", ""), ("lettre", "lettre/"), ("fiche thématique", "fiche-1/"),
         ("calendrier", "calendrier/"))
FILTER_WORDS = ("rouen", "mairie", "saint", "salle des fetes", "lyon")
DOCUMENT_FIRST_TARGET = 300 * 1024  # bytes, first visit of a document page
DOCUMENT_SECOND_TARGET = 60 * 1024  # bytes, second visit
CALENDAR_TARGET = 1024 * 1024  # bytes, first visit of the calendar with 4 000 forums
FILTER_TARGET = 50.0  # milliseconds, from a change of the filter to the list laid out


def page_weights(workdir: Path, *, runs: int, territory: Territory, campaign: Campaign) -> list[PageWeight]:
    """Build the kit with a calendar of 4 000 forums, then measure its pages in Chromium."""
    from tools.pageweight import measure_pages

    calendar = workdir / f"forums-{PAGES_FORUMS}.csv"
    write_calendar(calendar, synthetic_rows(PAGES_FORUMS, territory=territory, campaign=campaign))
    site_dir = workdir / "site-pages"
    build_time(calendar, site_dir, workdir / "cache-pages")
    pages = [(label, url) for label, url in PAGES if (site_dir / url / "index.html").is_file()]
    return measure_pages(site_dir, pages, filter_words=list(FILTER_WORDS), runs=runs)


def print_pages(weights: Sequence[PageWeight]) -> None:
    """Page weights as a table, then against the targets."""
    from tools.pageweight import KINDS

    header = ("page", "1re visite", "requêtes", *KINDS, "DOMContentLoaded", "load", "2e visite", "requêtes")
    rows = [(w.label, _kb(w.first.transferred), str(w.first.requests), *(_kb(w.first.by_kind[k]) for k in KINDS),
             f"{w.first.dom_content_loaded_ms:.0f} ms", f"{w.first.load_ms:.0f} ms",
             _kb(w.second.transferred), str(w.second.requests)) for w in weights]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=False)))
    print("Octets transférés (compression gzip et en-têtes compris, comme sur le serveur nginx du kit) ;")
    print("2e visite : même navigateur, cache conservé ; temps : médiane, depuis le début de la navigation.")
    for w in weights:
        verdicts = []
        if w.url == "calendrier/":
            verdicts.append(f"1re visite {_kb(w.first.transferred)} (objectif < {_kb(CALENDAR_TARGET)} : "
                            f"{'atteint' if w.first.transferred < CALENDAR_TARGET else 'manqué'})")
            if w.filter_ms:
                worst, median = max(w.filter_ms), statistics.median(w.filter_ms)
                verdicts.append(f"filtre sur {_size(w.filter_rows)} lignes : médiane {_fr(median, 1)} ms, "
                                f"pire {_fr(worst, 1)} ms (objectif < {_fr(FILTER_TARGET, 0)} ms : "
                                f"{'atteint' if worst < FILTER_TARGET else 'manqué'})")
        else:
            verdicts.append(f"1re visite {_kb(w.first.transferred)} (objectif < {_kb(DOCUMENT_FIRST_TARGET)} : "
                            f"{'atteint' if w.first.transferred < DOCUMENT_FIRST_TARGET else 'manqué'})")
            verdicts.append(f"2e visite {_kb(w.second.transferred)} (objectif < {_kb(DOCUMENT_SECOND_TARGET)} : "
                            f"{'atteint' if w.second.transferred < DOCUMENT_SECOND_TARGET else 'manqué'})")
        print(f"{w.label} : " + " ; ".join(verdicts))


def main_pages(runs: int) -> int:
    """The --pages section: page weight and speed in Chromium, printed."""
    territory, campaign = load_territory(PROJECT.reference), load_campaign(PROJECT.campaign_file)
    print(f"Pages du kit construit avec {_size(PAGES_FORUMS)} forums fictifs, servies sous /kit-forums/, "
          f"mesurées dans Chromium ({runs} passages).")
    with tempfile.TemporaryDirectory(prefix="kit-bench-pages-") as tmp:
        try:
            weights = page_weights(Path(tmp), runs=runs, territory=territory, campaign=campaign)
        except (RuntimeError, FileNotFoundError) as exc:
            print(exc, file=sys.stderr)
            return 1
    print_pages(weights)
    return 0


# The editor's loop under make serve (--loop) -------------------------------------


def _progress(count: int, step: str) -> None:
    print(f"… {_size(count)} forums : {step}", file=sys.stderr, flush=True)


LOOP_SIZES = (0, 4000)
LOOP_TARGET = 1.0  # seconds from a save to the page served, 4 000 forums
HUGO_TARGET = 3.0  # make serve / hugo server, same edit, same content


def main_loop(sizes: Sequence[int], edits: int, *, hugo: bool) -> int:
    """The --loop section: save → served under ``make serve`` (and ``hugo server``), page and row edits."""
    from tools.editor_loop import LoopResult, LoopTiming, measure_loop
    from tools.hugo_loop import measure_hugo

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
                    print(f"{name}, {_size(count)} forums : {exc}", file=sys.stderr)
                    failed.append(f"{name}, {_size(count)} forums")

    def shown(timing: LoopTiming | None) -> str:
        return "—" if timing is None else _duration(Timing(timing.wall, timing.cpu))

    header = ("serveur", "forums", "page enregistrée → servie", "ligne enregistrée → servie",
              "synthèse enregistrée → servie", "index de recherche")
    table = [(name, _size(r.forums), shown(LoopResult.median(r.page)), shown(LoopResult.median(r.row)),
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
            print(f"{_size(r.forums)} forums : {problem}")
    if 4000 in kit:
        for label, attr in (("page", "page"), ("ligne du calendrier", "row"), ("synthèse", "synthesis")):
            median = LoopResult.median(getattr(kit[4000], attr))
            if median is None:
                continue
            verdict = "atteint" if median.wall <= LOOP_TARGET else "manqué"
            line = (f"boucle de l'éditeur, {label}, 4 000 forums = {_fr(median.wall)} s "
                    f"(objectif ≤ {_fr(LOOP_TARGET, 0)} s : {verdict})")
            reference = LoopResult.median(getattr(other[4000], attr)) if 4000 in other else None
            if reference is not None:
                ratio = median.wall / reference.wall
                line += (f" ; {_fr(ratio)} fois Hugo (objectif ≤ {_fr(HUGO_TARGET, 0)} : "
                         f"{'atteint' if ratio <= HUGO_TARGET else 'manqué'})")
            print(line)
    for what in failed:
        print(f"{what} : mesure impossible (détail plus haut)")
    return 1 if failed or any(r.problems for r in kit.values()) else 0


# The peak of the process's address space (what `ulimit -v` caps), written at exit to the file argv[1].
_PEAK_WRAPPER = """
import atexit, runpy, sys
out = sys.argv.pop(1)
def peak():
    with open("/proc/self/status") as status, open(out, "w") as target:
        target.write(next(line for line in status if line.startswith("VmPeak")).split()[1])
atexit.register(peak)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def _check_usage(path: Path) -> tuple[float, float, int, str]:
    """Wall seconds, processor seconds, peak address space (bytes) and last line of `forums.py check`."""
    start = time.perf_counter()
    with tempfile.NamedTemporaryFile(prefix="kit-peak-") as peak_file:
        process = subprocess.Popen([sys.executable, "-c", _PEAK_WRAPPER, peak_file.name,
                                    str(ROOT / "scripts" / "forums.py"), "check", str(path)],
                                   cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert process.stdout is not None
        last = first_error = b""
        for printed in process.stdout:  # never kept whole: a refused file may print many lines
            if printed.strip():
                last = printed
            if not first_error and b": erreur : " in printed:
                first_error = printed
        _, _, usage = os.wait4(process.pid, 0)
        process.returncode = 0
        peak = Path(peak_file.name).read_text() or "0"
    wall = time.perf_counter() - start
    if first_error:  # what it says, without the file's temporary folder
        said = first_error.decode("utf-8", "replace").split(": erreur : ", 1)
        where = said[0].rsplit(":", 1)[1] if ":" in said[0] else ""
        verdict = f"refusé{f' (ligne {where})' if where.isdigit() else ''} : {said[1].strip()}"
    else:
        verdict = last.decode("utf-8", "replace").strip()
    return wall, usage.ru_utime + usage.ru_stime, int(peak) * 1024, verdict


def _converted(source: Path, suffix: str, folder: Path) -> Path | None:
    """``source`` saved as ``suffix`` by LibreOffice (headless), or None without LibreOffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    filters = {".xls": "xls:MS Excel 97", ".ods": "ods"}
    out = folder / suffix.lstrip(".")
    out.mkdir(exist_ok=True)
    subprocess.run([soffice, f"-env:UserInstallation=file://{folder / 'profil-lo'}", "--headless",
                    "--convert-to", filters[suffix], "--outdir", str(out), str(source)],
                   capture_output=True, check=False, timeout=900)
    result = out / (source.stem + suffix)
    return result if result.is_file() else None


def _shared_texts_xlsx(folder: Path) -> Path:
    """An .xlsx whose shared texts fill the unpacked limit with distinct short texts."""
    from kit.calendar import sheets
    from workbooks import write_sparse_xlsx

    path = write_sparse_xlsx(folder / "textes-partages.xlsx",
                             [list(enumerate(["departement", "date", "heure_debut", "commune", "lieu"], 1))])
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
            'Target="textes.bin"/></Relationships>')
    import zipfile

    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()
                   if info.filename != "xl/_rels/workbook.xml.rels"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        with archive.open("xl/textes.bin", "w") as texts:
            texts.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            written, number = 0, 0
            while written < sheets.MAX_UNPACKED_BYTES - (1 << 20):
                chunk = b"".join(b"<si><t>%07d</t></si>" % (number + i) for i in range(10_000))
                texts.write(chunk)
                written += len(chunk)
                number += 10_000
            texts.write(b"</sst>")
    return path


def _numbers_xlsx(folder: Path) -> Path:
    """An .xlsx of 13,000 rows × 256 numbers: once saved as .xls, as many cells as 20 Mo hold."""
    import zipfile

    from workbooks import write_sparse_xlsx

    path = write_sparse_xlsx(folder / "nombres.xlsx", [list(enumerate(["departement", "date", "commune"], 1))])
    with zipfile.ZipFile(path) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    head, tail = entries.pop("xl/worksheets/sheet1.xml").split(b"</sheetData>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(head)
            for row in range(2, 13_002):
                sheet.write(b'<row r="%d">' % row + b"".join(b"<c><v>%d</v></c>" % (row * 7 + column)
                                                          for column in range(256)) + b"</row>")
            sheet.write(b"</sheetData>" + tail)
    return path


def limit_files(folder: Path, territory: Territory, campaign: Campaign) -> list[tuple[str, str, Path]]:
    """(format, label, file): the largest calendar files `check` accepts in each format, and hostile ones."""
    from openpyxl import Workbook

    from kit.calendar import sheets

    sys.path.insert(0, str(ROOT / "tests"))
    import hostile_files

    rows = synthetic_rows(sheets.MAX_ROWS - 1, territory=territory, campaign=campaign)
    small = folder / "forums.csv"
    write_calendar(small, rows)
    plain = folder / "plus-grand.csv"
    # Each row lengthened (in `source`) so that the file reaches the size limit.
    room = (sheets.MAX_FILE_BYTES - small.stat().st_size - 1024) // len(rows)
    write_calendar(plain, [{**row, "source": "https://www.exemple.fr/" + "x" * max(room - 24, 0)} for row in rows])
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row.get(name, "") for name in COLUMNS])
    workbook = folder / "plus-grand.xlsx"
    book.save(workbook)
    far = Workbook(write_only=True)
    sheet = far.create_sheet()
    sheet.append(["departement", "date", "heure_debut", "commune", "lieu"])
    for _ in range(20_000):
        sheet.append(["44", "14/04/2009", "18:00", "Nantes", "salle"] + [None] * 16378 + ["x"])
    far_path = folder / "colonne-xfd.xlsx"
    far.save(far_path)
    huge = Workbook()
    sheet = huge.active
    sheet.append(["departement", "date", "heure_debut", "commune", "lieu"])
    sheet.append(["44", "14/04/2009", "18:00", "Nantes", "A" * 20_000_000])
    huge_path = folder / "case-enorme.xlsx"
    huge.save(huge_path)
    files = [("CSV", f"CSV, {_size(len(rows))} forums", plain),
             (".xlsx", f"XLSX, {_size(len(rows))} forums", workbook),
             (".xlsx", "XLSX, une valeur en colonne XFD sur 20 000 lignes", far_path),
             (".xlsx", "XLSX, une case de 20 millions de caractères, tronquée à 32 767 par openpyxl", huge_path),
             (".xlsx", "XLSX, 100 Mo de textes partagés", _shared_texts_xlsx(folder))]
    for suffix in (".xls", ".ods"):
        converted = _converted(workbook, suffix, folder)
        if converted is None:
            print(f"{suffix} : LibreOffice absent, classeur de {_size(len(rows))} forums non mesuré", file=sys.stderr)
        else:
            files.append((suffix, f"{suffix.lstrip('.').upper()}, {_size(len(rows))} forums", converted))
    numbers = _converted(_numbers_xlsx(folder), ".xls", folder)
    if numbers is not None and numbers.stat().st_size <= sheets.MAX_FILE_BYTES:
        files.append((".xls", "XLS, 13 000 lignes × 256 nombres", numbers))
    for fmt, label, make in hostile_files.AT_LIMITS:
        files.append((fmt, f"{fmt.lstrip('.').upper()}, {label}", make(folder)))
    for shape in hostile_files.SHAPES:
        path = shape.make(folder)
        files.append((shape.fmt, f"{shape.fmt.lstrip('.').upper()}, {shape.label}", path))
    return [(fmt, f"{label} ({_kb(path.stat().st_size)})", path) for fmt, label, path in files]


def main_limits() -> int:
    """`forums.py check` on the largest files allowed and on hostile ones: time and peak memory by format."""
    territory, campaign = load_territory(PROJECT.reference), load_campaign(PROJECT.campaign_file)
    print("| format | fichier | temps de processeur | mémoire (pic) | résultat |")
    print("|---|---|---|---|---|")
    peaks: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as tmp:
        for fmt, label, path in limit_files(Path(tmp), territory, campaign):
            wall, cpu, peak, last = _check_usage(path)
            peaks[fmt] = max(peaks.get(fmt, 0), peak)
            shown = last if len(last) <= 80 else last[:80].rstrip() + "…"
            print(f"| {fmt} | {label} | {_fr(cpu)} s | {_fr(peak / 1024 / 1024, 0)} Mio | {shown} |", flush=True)
            path.unlink()
    print()
    print("Mémoire au plus par format (pic de l'espace d'adressage, `ulimit -v`) :")
    for fmt, peak in peaks.items():
        print(f"- {fmt} : {_fr(peak / 1024 / 1024, 0)} Mio")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Measure, then print the table and the targets."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="0 et 4 000 forums, 2 constructions chacune")
    parser.add_argument("--runs", type=int, help="constructions par taille (médiane)")
    parser.add_argument("--sizes", type=int, nargs="+", help="tailles de calendrier à mesurer")
    parser.add_argument("--pages", action="store_true",
                        help="poids et rapidité des pages dans Chromium, au lieu des constructions")
    parser.add_argument("--loop", action="store_true",
                        help="boucle de l'éditeur sous « make serve » (enregistrement → page servie)")
    parser.add_argument("--edits", type=int, default=5, help="modifications mesurées par taille (--loop)")
    parser.add_argument("--hugo", action="store_true",
                        help="avec --loop : la même boucle sous « hugo server », pour comparer (paquet Debian hugo)")
    parser.add_argument("--limites", action="store_true",
                        help="temps et mémoire de « forums.py check » sur les plus gros fichiers acceptés")
    parser.add_argument("--syntheses", action="store_true",
                        help="compilation de 100 synthèses départementales fictives : temps et mémoire")
    args = parser.parse_args(argv)
    if args.syntheses:
        return main_syntheses()
    if args.loop:
        return main_loop(args.sizes or LOOP_SIZES, args.edits, hugo=args.hugo)
    if args.limites:
        return main_limits()
    if args.pages:
        return main_pages(args.runs or 3)
    sizes = args.sizes or (QUICK_SIZES if args.quick else SIZES)
    runs = args.runs or (2 if args.quick else 3)
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
            print(f"… {_size(count)} forums", file=sys.stderr, flush=True)
            try:
                measures.append(measure(count, runs=runs, workdir=Path(tmp), territory=territory,
                                        campaign=campaign))
            except RuntimeError as exc:
                print(f"{_size(count)} forums : {exc}", file=sys.stderr)
                return 1
    print_table(measures)
    print_targets(measures)
    return 0


# Departmental syntheses (scripts/syntheses.py compile) -------------------------------

def make_syntheses(folder: Path, territory: Territory, count: int = 100) -> tuple[Path, Path]:
    """``count`` ten-page syntheses in ``folder`` (some late, some messy, two PDFs), with their calendar and
    tracking file; returns (calendar, tracking)."""
    sys.path.insert(0, str(ROOT / "tests"))
    import synthesis_files as sf  # the tests' fixtures: the kit's templates filled as prefectures do

    rng = random.Random(SEED)
    template_docx, template_odt = sf.template_docx(), sf.template_odt()
    codes = [code for code, d in territory.departements.items() if d.zone != "com"][:count]
    calendar = ["departement;date;heure_debut;commune;lieu;statut;participants"]
    tracking = ["departement;recue_le;comptes_rendus;remarque"]
    for index, code in enumerate(codes):
        name = territory.departements[code].nom
        cantons = territory.cantons.get(code) or []
        communes = [c.libelle.split(" (")[0] for c in rng.sample(cantons, min(len(cantons), rng.randint(6, 10)))]
        forums = [(date(2009, 3, 16) + timedelta(days=rng.randint(0, 60)), commune) for commune in communes]
        for day, commune in forums:
            calendar.append(f"{code};{day.isoformat()};18:00;{commune};salle des fêtes;tenu;{rng.randint(20, 300)}")
        arrived = date(2009, 5, 22) - timedelta(days=rng.randint(-6, 10) if index % 10 == 3 else rng.randint(0, 10))
        if index in (10, 50):
            (folder / f"synthese-{code}.pdf").write_bytes(sf.tiny_pdf(f"Synthèse {name}"))
            tracking.append(f"{code};{arrived.isoformat()};{len(forums)};PDF, non lu automatiquement")
            continue
        filling = sf.season_filling(name, rng, forums=[(d.strftime("%d/%m/%Y"), c) for d, c in forums])
        tracking.append(f"{code};{arrived.isoformat()};{len(forums)};")
        if index % 2:
            parts = sf.odt_parts(template_odt)
            minutes = sf.odt_with_minutes(filling, rng)
            changes = sf.odt_tracked_and_commented("Phrase ajoutée.", "Phrase supprimée.", "Commentaire.") \
                if index % 7 == 1 else None

            def mess(content: Any, minutes: Any = minutes, changes: Any = changes) -> None:
                minutes(content)
                if changes is not None:
                    changes(content)

            (folder / f"synthese-{code}.odt").write_bytes(sf.fill_odt(filling, sf.odt_from_parts(parts), mess=mess))
            continue
        document = sf.fill_docx(filling, template_docx)
        if index % 7 == 0:
            sf.rename_heading(document, "Thème 1", "Premier thème : ce que disent les habitants")
            sf.delete_heading(document, "3. Diagnostic")
            sf.add_after_table(document, 2, f"Le préfet souligne la mobilisation des maires de {name}.")
        sf.with_minutes(document, filling, rng)
        (folder / f"synthese-{code}.docx").write_bytes(sf.docx_bytes(document))
    calendar_file, tracking_file = folder / "forums.csv", folder / "syntheses.csv"
    calendar_file.write_text("\n".join(calendar) + "\n", encoding="utf-8")
    tracking_file.write_text("\n".join(tracking) + "\n", encoding="utf-8")
    return calendar_file, tracking_file


def main_syntheses(count: int = 100) -> int:
    """`syntheses.py compile` of ``count`` generated syntheses: time and peak memory (its own process)."""
    territory = load_territory(PROJECT.reference)
    with tempfile.TemporaryDirectory(prefix="kit-bench-syntheses-") as tmp:
        folder = Path(tmp) / "recu"
        folder.mkdir()
        print(f"… {count} synthèses fictives", file=sys.stderr, flush=True)
        calendar, tracking = make_syntheses(folder, territory, count)
        files = sorted(str(p) for p in folder.iterdir() if p.suffix in (".docx", ".odt", ".pdf"))
        size = sum(Path(f).stat().st_size for f in files)
        command = [sys.executable, str(ROOT / "scripts" / "syntheses.py"), "compile", "-o", str(Path(tmp) / "sortie"),
                   "--suivi", str(tracking), *files]
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, check=False,
                                env={**os.environ, "FORUMS_CSV": str(calendar)})
        wall = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak, cpu = usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime
        if result.returncode:
            print(result.stderr[-3000:], file=sys.stderr)
            return 1
        made = {p.suffix: p.stat().st_size for p in (Path(tmp) / "sortie").iterdir()}
        from kit.documents.pdfua import describe

        pages = describe((Path(tmp) / "sortie" / "compilation-syntheses-departementales.pdf").read_bytes()).pages
        load = os.getloadavg()[0]
        print(f"Compilation de {len(files)} fichiers ({_kb(size)}, dont 2 PDF) : {_fr(wall)} s écoulées, "
              f"{_fr(cpu)} s de processeur (mise en page du PDF dans un second processus), mémoire (pic d'un "
              f"processus) {_fr(peak / 1024 / 1024, 0)} Mio ; charge de la machine {_fr(load, 1)} ; objectif : "
              "moins de 60 s.")
        print(f"  {result.stdout.strip().splitlines()[-1]}")
        print("  fichiers : " + ", ".join(f"{suffix[1:].upper()} {_kb(n)}" for suffix, n in sorted(made.items()))
              + f", PDF de {pages} pages ; {result.stderr.count(chr(10))} lignes de problèmes signalés.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
