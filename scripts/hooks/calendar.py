"""MkDocs hook: the forum calendar, its département pages, coverage map and downloads.

The calendar file (``extra.forums_csv``, or the FORUMS_CSV environment
variable) is read inside ``on_files`` at every build, so that ``mkdocs serve``
picks up each edit. Errors in it stop the build with their file and line;
warnings are facts of 2009 (a forum whose time the press did not give), not
defects: they are listed on the coverage page and counted in one INFO line.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import subprocess
import time
from dataclasses import replace
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path

import _setup  # noqa: F401  (puts scripts/ on sys.path)
from kit.calendar_pages import CalendarSite, cached_downloads, placeholder, plural, render_calendar
from kit.forums import Problem, load_campaign, read_calendar
from kit.territory import Territory, load_territory
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.calendar")

# What the current build renders: set in on_files, used by the later events.
_site: CalendarSite | None = None
_territory: Territory | None = None
_worker: multiprocessing.process.BaseProcess | None = None
_report: Connection | None = None  # where the worker sends what it did

# Below this many forums the downloads take less time than starting a process.
PARALLEL_FROM = 500


def _calendar_path(config: MkDocsConfig) -> Path:
    root = Path(config.config_file_path).resolve().parent
    return root / config.extra.get("forums_csv", "data/forums.csv")


def _named(path: Path, config: MkDocsConfig) -> str:
    """A file named from the project's root, as editors know it (« data/forums.csv »)."""
    root = Path(config.config_file_path).resolve().parent
    return path.relative_to(root).as_posix() if path.is_absolute() and path.is_relative_to(root) else str(path)


def _shown(problem: Problem, config: MkDocsConfig) -> Problem:
    return replace(problem, file=_named(Path(problem.file), config))


def _git(path: Path, *args: str) -> str:
    return subprocess.run(["git", *args, "--", path.name], cwd=path.parent, capture_output=True,
                          text=True, timeout=20, check=True).stdout.strip()


def _data_date(path: Path) -> date:
    """The day the calendar last changed: its last commit, or its file date if edited since."""
    try:
        if not _git(path, "status", "--porcelain"):
            committed = _git(path, "log", "-1", "--format=%cI")
            if committed:
                return date.fromisoformat(committed[:10])
    except (OSError, subprocess.SubprocessError):
        pass  # not in a git checkout: the file's own date
    return date.fromtimestamp(path.stat().st_mtime)


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    global _site, _territory
    path = _calendar_path(config)
    if not path.is_file():
        raise PluginError(f"Calendrier des forums : le fichier {path} est introuvable "
                          "(réglage extra.forums_csv de mkdocs.yml ou variable FORUMS_CSV).")
    territory = load_territory()
    campaign = load_campaign()
    calendar = read_calendar(path, territory=territory, campaign=campaign)
    if calendar.errors:
        count = len(calendar.errors)
        lines = "\n".join(f"  {_shown(problem, config)}" for problem in calendar.errors)
        raise PluginError(
            f"Le calendrier des forums contient {count} erreur{'s' if count > 1 else ''} ; "
            f"le site n'est pas construit.\n{lines}\n"
            "Corrigez le fichier puis relancez la construction "
            f"(python scripts/forums.py check {_named(path, config)} donne le même diagnostic).")
    if calendar.warnings:
        # Facts of 2009 (a forum whose time the press did not give), not defects: one line, no
        # « avertissement », and the details where readers and editors look for them.
        log.info("Calendrier des forums : %s à relire, listée%s sur la page « Couverture du territoire » "
                 "(détail : python scripts/forums.py check %s) ; la construction continue.",
                 plural(len(calendar.warnings), "remarque"), "s" if len(calendar.warnings) > 1 else "",
                 _named(path, config))
    _territory = territory
    _site = render_calendar(
        calendar.forums, territory, campaign,
        warnings=calendar.warnings,
        data_date=_data_date(path),
        directory_urls=config.use_directory_urls,
    )
    _start_downloads(_site, territory, Path(config.site_dir))
    for uri, markdown in _site.pages.items():
        # Département pages are reached from the calendar, not from the nav (one nav entry per page
        # rendered into every page would slow the whole build down).
        inclusion = InclusionLevel.NOT_IN_NAV if uri in _site.departement_pages else InclusionLevel.UNDEFINED
        files.append(File.generated(config, uri, content=markdown, inclusion=inclusion))
    return files


def _start_downloads(site: CalendarSite, territory: Territory, site_dir: Path) -> None:
    """Make the downloads and write them into ``site_dir`` in a second process, while MkDocs writes the pages.

    The ICS, JSON and CSV files do not depend on the pages, and MkDocs has
    emptied ``site_dir`` before on_files: on two cores they are made (or taken
    from the cache) and written meanwhile; creating thousands of small files
    costs seconds on a busy disk. on_post_build waits for the process; if it
    could not start or failed, on_post_build does it all itself.
    """
    global _worker, _report
    _stop_worker()
    if len(site.forums) < PARALLEL_FROM:
        return
    try:
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        _worker = context.Process(target=_publish_in_worker, args=(site, territory, site_dir, sender),
                                  daemon=True)
        _worker.start()
        sender.close()
        _report = receiver
    except (ValueError, OSError):
        _worker = _report = None


def _publish(site: CalendarSite, territory: Territory, site_dir: Path) -> tuple[int, int, float]:
    """Make (or reuse) and write every download: how many files, how many reused, seconds to make them."""
    start = time.perf_counter()
    files, reused = cached_downloads(site, territory)
    seconds = time.perf_counter() - start
    _write(site_dir, files)
    return len(files), reused, seconds


def _publish_in_worker(site: CalendarSite, territory: Territory, site_dir: Path, report: Connection) -> None:
    try:
        report.send(_publish(site, territory, site_dir))
    except Exception:  # noqa: BLE001  (on_post_build does it again, and reports what goes wrong)
        os._exit(1)


def _stop_worker() -> None:
    """Stop a process left by a build that failed before on_post_build (``mkdocs serve``)."""
    global _worker, _report
    if _worker is not None:
        if _worker.is_alive():
            _worker.terminate()
        _worker.join()
    if _report is not None:
        _report.close()
    _worker = _report = None


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    # After the search plugin has indexed the page: the big tables stay out of the index.
    fragments = _site.fragments.get(page.file.src_uri) if _site else None
    if not fragments:
        return output
    for name, html in fragments.items():
        mark = placeholder(name)
        if mark not in output:
            raise PluginError(f"Calendrier des forums : l'emplacement « {name} » a disparu de la page "
                              f"{page.file.src_uri} ; le gabarit ou une extension l'a retiré.")
        output = output.replace(mark, html, 1)
    return output


def on_post_build(*, config: MkDocsConfig) -> None:
    if _site is None or _territory is None:
        return
    counts = None
    if _worker is not None and _report is not None:
        _worker.join()
        try:
            if _worker.exitcode == 0 and _report.poll():
                counts = _report.recv()
        except (EOFError, OSError):
            counts = None
        _stop_worker()
    if counts is None:
        counts = _publish(_site, _territory, Path(config.site_dir))
    total, reused, seconds = counts
    log.info("Calendrier des forums : %d fichiers à télécharger (%d faits en %s s, %d repris du cache)",
             total, total - reused, f"{seconds:.1f}".replace(".", ","), reused)


def on_build_error(*, error: Exception) -> None:
    _stop_worker()


def _write(site_dir: Path, files: dict[str, bytes]) -> None:
    """Write the downloads under ``site_dir``, each complete or absent.

    Thousands of small files (one per forum): plain os calls, each folder made once.
    """
    made: set[str] = set()
    for relative, content in files.items():
        target = os.path.join(site_dir, relative)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        partial = target + ".part"
        handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            rest = memoryview(content)
            while rest:
                rest = rest[os.write(handle, rest):]
        finally:
            os.close(handle)
        os.replace(partial, target)  # never a half-written download
