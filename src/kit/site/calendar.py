"""MkDocs plugin: the forum calendar, its département pages, coverage map and downloads.

The calendar file (``extra.forums_csv``, or the FORUMS_CSV environment
variable) is read inside ``on_files`` at every build, so that ``mkdocs serve``
picks up each edit. Errors in it stop the build with their file and line;
warnings are logged at INFO (a forum after the circular's end date is a fact
of 2009, not a defect) and listed on the coverage page.
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
from multiprocessing.process import BaseProcess
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from kit.calendar.downloads import cached_downloads
from kit.calendar.model import Problem, load_campaign
from kit.calendar.pages import CalendarSite, placeholder, render_calendar
from kit.calendar.read import read_calendar
from kit.french import decimal
from kit.paths import Project
from kit.site import NoOptions
from kit.store import write_atomic
from kit.territory import Territory, load_territory

log = logging.getLogger("mkdocs.plugins.calendar")

# Below this many forums the downloads take less time than starting a process.
PARALLEL_FROM = 500


def project_of(config: MkDocsConfig) -> Project:
    """The project being built: the folder of its mkdocs.yml."""
    return Project.of_config_file(config.config_file_path)


def calendar_path(config: MkDocsConfig) -> Path:
    """The calendar file of the build: ``extra.forums_csv`` (FORUMS_CSV), from the project's root."""
    return project_of(config).calendar_file(config.extra.get("forums_csv"))


def _named(path: Path, config: MkDocsConfig) -> str:
    """A file named from the project's root, as editors know it (« data/forums.csv »)."""
    root = project_of(config).root
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


def _cache_dir(project: Project) -> Path:
    """Downloads already made, by content hash: a rebuild with the same calendar reuses them."""
    return Path(os.environ.get("KIT_CALENDAR_CACHE") or project.cache("calendar"))


def _publish(site: CalendarSite, territory: Territory, site_dir: Path, cache_dir: Path) -> tuple[int, int, float]:
    """Make (or reuse) and write every download: how many files, how many reused, seconds to make them."""
    start = time.perf_counter()
    files, reused = cached_downloads(site, territory, cache_dir)
    seconds = time.perf_counter() - start
    _write(site_dir, files)
    return len(files), reused, seconds


def _publish_in_worker(site: CalendarSite, territory: Territory, site_dir: Path, cache_dir: Path,
                       report: Connection) -> None:
    try:
        report.send(_publish(site, territory, site_dir, cache_dir))
    except Exception:  # on_post_build does it again, and reports what goes wrong
        os._exit(1)


def _write(site_dir: Path, files: dict[str, bytes]) -> None:
    """Write the downloads under ``site_dir``, each complete or absent (thousands of small files)."""
    made: set[str] = set()
    for relative, content in files.items():
        target = os.path.join(site_dir, relative)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        write_atomic(target, content, durable=False)


class _Worker:
    """The second process that makes and writes the downloads while MkDocs writes the pages."""

    def __init__(self, process: BaseProcess, report: Connection) -> None:
        self.process = process
        self.report = report

    def result(self) -> tuple[int, int, float] | None:
        """Wait for it: what it did, or None if it failed."""
        self.process.join()
        counts: tuple[int, int, float] | None = None
        try:
            if self.process.exitcode == 0 and self.report.poll():
                counts = self.report.recv()
        except (EOFError, OSError):
            counts = None
        self.stop()
        return counts

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.report.close()


class CalendarPlugin(BasePlugin[NoOptions]):
    def __init__(self) -> None:
        super().__init__()
        # What the current build renders: set in on_files, used by the later events.
        self.site: CalendarSite | None = None
        self.territory: Territory | None = None
        self.worker: _Worker | None = None

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        path = calendar_path(config)
        if not path.is_file():
            raise PluginError(f"Calendrier des forums : le fichier {path} est introuvable "
                              "(réglage extra.forums_csv de mkdocs.yml ou variable FORUMS_CSV).")
        project = project_of(config)
        territory = load_territory(project.reference)
        campaign = load_campaign(project.campaign_file)
        calendar = read_calendar(path, territory=territory, campaign=campaign)
        if calendar.errors:
            count = len(calendar.errors)
            lines = "\n".join(f"  {_shown(problem, config)}" for problem in calendar.errors)
            raise PluginError(
                f"Le calendrier des forums contient {count} erreur{'s' if count > 1 else ''} ; "
                f"le site n'est pas construit.\n{lines}\n"
                "Corrigez le fichier puis relancez la construction "
                f"(python scripts/forums.py check {_named(path, config)} donne le même diagnostic).")
        for problem in calendar.warnings:
            log.info("%s", _shown(problem, config))
        self.territory = territory
        self.site = site = render_calendar(
            calendar.forums, territory, campaign,
            warnings=calendar.warnings,
            data_date=_data_date(path),
            directory_urls=config.use_directory_urls,
        )
        self._start_downloads(site, territory, Path(config.site_dir), _cache_dir(project))
        for uri, markdown in site.pages.items():
            # Département pages are reached from the calendar, not from the nav (one nav entry per page
            # rendered into every page would slow the whole build down).
            inclusion = InclusionLevel.NOT_IN_NAV if uri in site.departement_pages else InclusionLevel.UNDEFINED
            files.append(File.generated(config, uri, content=markdown, inclusion=inclusion))
        return files

    def _start_downloads(self, site: CalendarSite, territory: Territory, site_dir: Path, cache_dir: Path) -> None:
        """Make the downloads and write them into ``site_dir`` in a second process, while MkDocs writes the pages.

        The ICS, JSON and CSV files do not depend on the pages, and MkDocs has
        emptied ``site_dir`` before on_files: on two cores they are made (or taken
        from the cache) and written meanwhile; creating thousands of small files
        costs seconds on a busy disk. on_post_build waits for the process; if it
        could not start or failed, on_post_build does it all itself.
        """
        self._stop_worker()
        if len(site.forums) < PARALLEL_FROM:
            return
        try:
            context = multiprocessing.get_context("fork")
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_publish_in_worker, args=(site, territory, site_dir, cache_dir, sender),
                                      daemon=True)
            process.start()
            sender.close()
            self.worker = _Worker(process, receiver)
        except (ValueError, OSError):
            self.worker = None

    def _stop_worker(self) -> None:
        """Stop a process left by a build that failed before on_post_build (``mkdocs serve``)."""
        if self.worker is not None:
            self.worker.stop()
        self.worker = None

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        # After the search plugin has indexed the page: the big tables stay out of the index.
        fragments = self.site.fragments.get(page.file.src_uri) if self.site else None
        if not fragments:
            return output
        for name, html in fragments.items():
            mark = placeholder(name)
            if mark not in output:
                raise PluginError(f"Calendrier des forums : l'emplacement « {name} » a disparu de la page "
                                  f"{page.file.src_uri} ; le gabarit ou une extension l'a retiré.")
            output = output.replace(mark, html, 1)
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.site is None or self.territory is None:
            return
        counts = None
        if self.worker is not None:
            counts = self.worker.result()
            self.worker = None
        if counts is None:
            counts = _publish(self.site, self.territory, Path(config.site_dir), _cache_dir(project_of(config)))
        total, reused, seconds = counts
        log.info("Calendrier des forums : %d fichiers à télécharger (%d faits en %s s, %d repris du cache)",
                 total, total - reused, decimal(seconds), reused)

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_worker()
