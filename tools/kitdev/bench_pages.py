"""Page weight and speed in Chromium, on the kit built with 4 000 synthetic forums (--pages)."""

from __future__ import annotations

import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kit.calendar.model import Campaign, load_campaign
from kit.territory import Territory, load_territory
from kitdev.bench_build import build_time
from kitdev.figures import PROJECT, fr, kb, size
from kitdev.synthetic import synthetic_rows, write_calendar

if TYPE_CHECKING:
    from kitdev.pageweight import PageWeight


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
    from kitdev.pageweight import measure_pages

    calendar = workdir / f"forums-{PAGES_FORUMS}.csv"
    write_calendar(calendar, synthetic_rows(PAGES_FORUMS, territory=territory, campaign=campaign))
    site_dir = workdir / "site-pages"
    build_time(calendar, site_dir, workdir / "cache-pages")
    pages = [(label, url) for label, url in PAGES if (site_dir / url / "index.html").is_file()]
    return measure_pages(site_dir, pages, filter_words=list(FILTER_WORDS), runs=runs)


def print_pages(weights: Sequence[PageWeight]) -> None:
    """Page weights as a table, then against the targets."""
    from kitdev.pageweight import KINDS

    header = ("page", "1re visite", "requêtes", *KINDS, "DOMContentLoaded", "load", "2e visite", "requêtes")
    rows = [(w.label, kb(w.first.transferred), str(w.first.requests), *(kb(w.first.by_kind[k]) for k in KINDS),
             f"{w.first.dom_content_loaded_ms:.0f} ms", f"{w.first.load_ms:.0f} ms",
             kb(w.second.transferred), str(w.second.requests)) for w in weights]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=False)))
    print("Octets transférés (compression gzip et en-têtes compris, comme sur le serveur nginx du kit) ;")
    print("2e visite : même navigateur, cache conservé ; temps : médiane, depuis le début de la navigation.")
    for w in weights:
        verdicts = []
        if w.url == "calendrier/":
            verdicts.append(f"1re visite {kb(w.first.transferred)} (objectif < {kb(CALENDAR_TARGET)} : "
                            f"{'atteint' if w.first.transferred < CALENDAR_TARGET else 'manqué'})")
            if w.filter_ms:
                worst, median = max(w.filter_ms), statistics.median(w.filter_ms)
                verdicts.append(f"filtre sur {size(w.filter_rows)} lignes : médiane {fr(median, 1)} ms, "
                                f"pire {fr(worst, 1)} ms (objectif < {fr(FILTER_TARGET, 0)} ms : "
                                f"{'atteint' if worst < FILTER_TARGET else 'manqué'})")
        else:
            verdicts.append(f"1re visite {kb(w.first.transferred)} (objectif < {kb(DOCUMENT_FIRST_TARGET)} : "
                            f"{'atteint' if w.first.transferred < DOCUMENT_FIRST_TARGET else 'manqué'})")
            verdicts.append(f"2e visite {kb(w.second.transferred)} (objectif < {kb(DOCUMENT_SECOND_TARGET)} : "
                            f"{'atteint' if w.second.transferred < DOCUMENT_SECOND_TARGET else 'manqué'})")
        print(f"{w.label} : " + " ; ".join(verdicts))


def main_pages(runs: int) -> int:
    """The --pages section: page weight and speed in Chromium, printed."""
    territory, campaign = load_territory(PROJECT.reference), load_campaign(PROJECT.campaign_file)
    print(f"Pages du kit construit avec {size(PAGES_FORUMS)} forums fictifs, servies sous /kit-forums/, "
          f"mesurées dans Chromium ({runs} passages).")
    with tempfile.TemporaryDirectory(prefix="kit-bench-pages-") as tmp:
        try:
            weights = page_weights(Path(tmp), runs=runs, territory=territory, campaign=campaign)
        except (RuntimeError, FileNotFoundError) as exc:
            print(exc, file=sys.stderr)
            return 1
    print_pages(weights)
    return 0


