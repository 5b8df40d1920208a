"""The calendar as a site build makes it: its pages (kept from one build to the next) and its downloads.

:func:`calendar_site` reads the calendar and the campaign's follow-up and renders
their pages, or takes them back from a :class:`Store` when the same inputs made them
before: the editor's session under ``make serve`` (which also keeps the rows and
pages that did not change, for a calendar edit), the calendar's cache on disk
(:class:`DiskStore`) under ``make build``. One path, two places to keep things.

The downloads (ICS, JSON, CSV) are made (or taken from the cache) and linked into
the site: ``make build`` makes them in a second process while MkDocs writes the pages
(:class:`DownloadsWorker`); ``make serve`` hands the changed ones over to the server,
which makes them after the page is served (:func:`publish_changed`, given with the calendar's
pages to the server's worker process). Both processes are spawned (a fresh
interpreter), never forked from MkDocs' threads; the build's process receives only
paths and a key, and reads the calendar's pages from the artifact cache, where the
build has just kept them.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import time
from collections.abc import Collection
from dataclasses import dataclass, replace
from functools import partial
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Protocol

from kit.calendar.check import RowMemo
from kit.calendar.downloads import cached_downloads
from kit.calendar.inputs import calendar_key, setting_key
from kit.calendar.model import Calendar, Campaign, Ordered, Problem, load_campaign
from kit.calendar.pages import CalendarSite, PageMemo, render_calendar
from kit.calendar.read import read_calendar
from kit.campaign.datafiles import DataFileError
from kit.campaign.page import PROGRESS_URI, render_progress
from kit.campaign.progress import compute_progress
from kit.campaign.receipts import CalendarReceipt, read_receipts, receipts_file
from kit.campaign.syntheses import SynthesisArrival, read_syntheses, syntheses_file
from kit.paths import Project
from kit.store import ArtifactCache, LinkedFiles, Memo, content_key, unpickled
from kit.territory import Territory, load_territory

# The calendar's pages as a build made them, kept in the calendar's cache under the key of their inputs.
SITE_SUFFIX = "pages.pickle"
SITES_KEPT = 3  # the pages of the last calendars built: going back and forth between versions stays quick
# Below this many forums the downloads take less time than starting a process.
PARALLEL_FROM = 500
ROW_BYTES = 100  # a calendar's row takes at least this many bytes (about 160 in a real calendar)
# Subfolder of the calendar's cache holding one copy of each download, linked into the site folders.
LINKED_FOLDER = "site-files"
# What a Store keeps: the pages of the calendar's inputs, the reading of the calendar file, the memos.
SITE, READ, MEMOS = "calendar-site", "calendar-read", "calendar-memos"

Made = tuple[CalendarSite, list[Problem]]  # the pages, and the calendar's warnings


class CalendarStop(Exception):
    """The calendar or the campaign's follow-up has errors: the site is not built (a French message)."""


class Store(Protocol):
    """Where a build finds what an earlier build made, by name and by the key of its inputs."""

    def recall(self, name: str, key: str) -> Any | None: ...

    def remember(self, name: str, key: str, value: Any) -> None: ...


class DiskStore:
    """``make build``: the calendar's pages of the last inputs, pickled in the calendar's cache; nothing else
    (a build reads each row once)."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir

    def recall(self, name: str, key: str) -> Any | None:
        return kept_site(self.cache_dir, key) if name == SITE else None

    def remember(self, name: str, key: str, value: Any) -> None:
        if name == SITE:
            keep_site(self.cache_dir, key, value)


def _bytes(path: Path) -> bytes:
    """A data file's content for the build's key (an absent file has none)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""


@dataclass(frozen=True)
class CalendarInputs:
    """What the calendar's pages are made from: the calendar file, the project, the site's URL style."""

    path: Path
    project: Project
    directory_urls: bool
    settings: str  # everything but the calendar and the receipts beside it (campaign, reference, code)
    key: str  # everything: the pages' key
    read_key: str  # what the reading of the calendar file depends on

    @classmethod
    def of(cls, path: Path, project: Project, directory_urls: bool) -> CalendarInputs:
        settings = setting_key(project.campaign_file, project.reference, str(directory_urls))
        # The pages depend on the receipts of calendars and syntheses kept beside the calendar too, but the
        # rows and pages kept between make serve builds (keyed by ``settings``) do not: saving
        # data/syntheses.csv renders the follow-up page and the calendar's date again.
        key = calendar_key(path, content_key(settings, *(_bytes(f) for f in cls.followed_files(path))))
        return cls(path, project, directory_urls, settings, key, calendar_key(path, settings))

    @staticmethod
    def followed_files(path: Path) -> tuple[Path, Path]:
        """The receipts of calendars and syntheses kept beside the calendar (the follow-up page)."""
        return receipts_file(path), syntheses_file(path)

    def named(self, path: Path) -> str:
        """A file named from the project's root, as editors know it (« data/forums.csv »)."""
        root = self.project.root
        return path.relative_to(root).as_posix() if path.is_absolute() and path.is_relative_to(root) else str(path)

    def shown(self, problem: Problem) -> Problem:
        return replace(problem, file=self.named(Path(problem.file)))


def calendar_site(inputs: CalendarInputs, territory: Territory, store: Store, *, memos: bool) -> Made:
    """The calendar's pages: taken back from ``store`` if the same inputs made them, else read and rendered.

    With ``memos`` (make serve), only the rows, forums and département pages that changed since
    the last build are done again (the first build fills the memos), and a calendar whose file did
    not change is not read again. Errors stop the build (:class:`CalendarStop`).
    """
    kept: Made | None = store.recall(SITE, inputs.key)
    if kept is not None:
        return kept
    rows: RowMemo | None = None
    pages: PageMemo | None = None
    if memos:
        rows, pages = store.recall(MEMOS, inputs.settings) or (Memo(), Memo())
        store.remember(MEMOS, inputs.settings, (rows, pages))
        rows.begin()  # a build that reads no row (the calendar read is kept) leaves the rows memo as it was
        pages.begin()
    campaign = load_campaign(inputs.project.campaign_file)
    # Saving data/calendriers.csv or data/syntheses.csv leaves the calendar as it was: its reading is kept.
    calendar: Calendar | None = store.recall(READ, inputs.read_key)
    if calendar is None:
        calendar = read_calendar(inputs.path, territory=territory, campaign=campaign, memo=rows)
        store.remember(READ, inputs.read_key, calendar)
    made = _render(inputs, territory, campaign, calendar, pages)
    store.remember(SITE, inputs.key, made)
    return made


def _render(inputs: CalendarInputs, territory: Territory, campaign: Campaign, calendar: Calendar,
            pages: PageMemo | None) -> Made:
    """Check the calendar and the follow-up's data files, then render their pages."""
    followed: list[Problem] = []
    receipts: list[CalendarReceipt] = []
    arrivals: list[SynthesisArrival] = []
    receipts_path, syntheses_path = inputs.followed_files(inputs.path)
    try:
        receipts = read_receipts(receipts_path, territory)
    except DataFileError as error:
        followed.extend(error.problems)
    try:
        arrivals = read_syntheses(syntheses_path, territory)
    except DataFileError as error:
        followed.extend(error.problems)
    if calendar.errors:
        count = len(calendar.errors)
        lines = "\n".join(f"  {inputs.shown(problem)}" for problem in calendar.errors)
        raise CalendarStop(
            f"Le calendrier des forums contient {count} erreur{'s' if count > 1 else ''} ; "
            f"le site n'est pas construit.\n{lines}\n"
            "Corrigez le fichier puis relancez la construction "
            f"(.venv/bin/python scripts/forums.py check {inputs.named(inputs.path)} donne le même diagnostic).")
    if followed:
        count = len(followed)
        lines = "\n".join(f"  {inputs.shown(problem)}" for problem in followed)
        raise CalendarStop(
            f"Le suivi de la campagne : {count} erreur{'s' if count > 1 else ''} dans les calendriers ou les "
            f"synthèses reçus ; le site n'est pas construit.\n{lines}\n"
            "Corrigez les lignes indiquées puis relancez la construction.")
    progress = compute_progress(calendar.forums, territory, campaign, receipts, arrivals)
    # The site never shows the « contact » column (personal data): the pages, and the copy of them
    # kept in .cache/ for the next build, are made from forums without it.
    public = Ordered(replace(forum, contact="") if forum.contact else forum for forum in calendar.forums)
    site = render_calendar(public, territory, campaign, warnings=calendar.warnings,
                           data_date=progress.as_of.day, directory_urls=inputs.directory_urls, memo=pages)
    index_file = "" if inputs.directory_urls else "index.html"
    make = partial(render_progress, progress, territory, index_file=index_file)
    # make serve: a calendar edit that changes none of the follow-up's figures keeps its page and downloads.
    page = pages.get(("progress", content_key(pickle.dumps(progress)), index_file), make) \
        if pages is not None else make()
    site.pages[PROGRESS_URI] = page.markdown
    site.fragments[PROGRESS_URI] = page.fragments
    site.files.update(page.files)
    return site, list(calendar.warnings)


def read_site(data: bytes | None) -> tuple[CalendarSite, list[Problem]] | None:
    """The pages an earlier build kept, or None if there are none or they cannot be read back."""
    if data is None:
        return None
    try:
        made = unpickled(data)
    except Exception:  # a cache written by another version: made again
        return None
    if isinstance(made, tuple) and len(made) == 2 and isinstance(made[0], CalendarSite) \
            and isinstance(made[1], list):
        return made[0], made[1]
    return None


def keep_site(cache_dir: Path, key: str, made: tuple[CalendarSite, list[Problem]]) -> None:
    """Keep the pages for the next build with the same inputs (and for the downloads' process)."""
    cache = ArtifactCache(cache_dir)
    cache.put(key, SITE_SUFFIX, pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL))
    cache.keep_latest(SITE_SUFFIX, SITES_KEPT)  # several megabytes each at 4,000 forums


def kept_site(cache_dir: Path, key: str) -> tuple[CalendarSite, list[Problem]] | None:
    """The pages a build kept under ``key``, or None."""
    return read_site(ArtifactCache(cache_dir).get(key, SITE_SUFFIX))


def site_kept(cache_dir: Path, key: str) -> bool:
    """Whether an earlier build kept the pages of ``key`` (its downloads are then in the cache too)."""
    return ArtifactCache(cache_dir).holds(key, SITE_SUFFIX)


def _site_files(cache_dir: Path) -> LinkedFiles:
    """The downloads as written into site folders, linked from here (one copy of each content)."""
    return LinkedFiles(cache_dir / LINKED_FOLDER)


def _write(site_dir: Path, files: dict[str, bytes], linked: LinkedFiles) -> None:
    """Write the downloads under ``site_dir``, each complete or absent (thousands of small files,
    linked from ``linked`` rather than created one by one)."""
    made: set[str] = set()
    for relative, content in files.items():
        target = os.path.join(site_dir, relative)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        linked.place(target, content)


def publish(site: CalendarSite, territory: Territory, site_dir: Path, cache_dir: Path) -> tuple[int, int, float]:
    """Make (or reuse) and write every download: how many files, how many reused, seconds to make them."""
    start = time.perf_counter()
    files, reused = cached_downloads(site, territory, cache_dir)
    seconds = time.perf_counter() - start
    linked = _site_files(cache_dir)
    _write(site_dir, files, linked)
    linked.prune()
    return len(files), reused, seconds


def downloads_part(site: CalendarSite) -> CalendarSite:
    """What the downloads are made from (the forums), without the pages: a twelfth of the size to send to
    another process at 4,000 forums."""
    return CalendarSite(forums=site.forums, by_departement=site.by_departement)


def publish_changed(site: CalendarSite, reference: Path, site_dir: Path, cache_dir: Path,
                    changed: Collection[str]) -> bytes:
    """Under make serve, in the server's worker process: write the downloads that changed (``changed``,
    paths in the site); ``site`` may be its :func:`downloads_part`."""
    files, _ = cached_downloads(site, load_territory(reference), cache_dir, only=changed)
    _write(site_dir, files, _site_files(cache_dir))
    return b""


def _downloads_process(reference: Path, connection: Connection) -> None:
    """The downloads' process: ready (the kit imported, the territory read) before the build has read the
    calendar; then given the key of the calendar's pages and the site folder, or None (nothing to do)."""
    try:
        territory = load_territory(reference)
        job = connection.recv()
        if job is None:
            return
        cache_dir, key, site_dir = job
        made = kept_site(cache_dir, key)
        if made is None:
            os._exit(1)
        connection.send(publish(made[0], territory, site_dir, cache_dir))
    except Exception:  # the build does it again, and reports what goes wrong
        os._exit(1)


class DownloadsWorker:
    """The second process that makes and writes the downloads while MkDocs writes the pages.

    Spawned, not forked: it starts from a fresh interpreter (half a second to import the kit),
    so it is started before the build reads the calendar (:meth:`start`), and told what to do
    once the calendar's pages are kept in the cache (:meth:`give`), where it reads them.
    Worth it when the downloads are to be made (seconds at 4,000 forums); when an earlier
    build of the same calendar left them in the cache, linking them takes less time than
    starting a process (see :func:`site_kept`).
    """

    def __init__(self, process: BaseProcess, connection: Connection) -> None:
        self.process = process
        self.connection = connection
        self.given = False

    @staticmethod
    def worth_it(calendar: Path) -> bool:
        """Whether the calendar is big enough for a second process (judged by its size: it is not read yet)."""
        try:
            return calendar.stat().st_size >= PARALLEL_FROM * ROW_BYTES
        except OSError:
            return False

    @classmethod
    def start(cls, reference: Path) -> DownloadsWorker | None:
        """Start it, or None if no process can be started (the build then does the work itself)."""
        try:
            context = multiprocessing.get_context("spawn")
            ours, theirs = context.Pipe()
            process = context.Process(target=_downloads_process, args=(reference, theirs), daemon=True,
                                      name="kit-telechargements")
            process.start()
            theirs.close()
        except (ValueError, OSError):
            return None
        return cls(process, ours)

    def give(self, cache_dir: Path, key: str, site_dir: Path) -> None:
        """Make and write the downloads of the calendar's pages kept under ``key``."""
        try:
            self.connection.send((cache_dir, key, site_dir))
            self.given = True
        except (OSError, ValueError):
            self.stop()

    def result(self) -> tuple[int, int, float] | None:
        """Wait for it: what it did (how many files, how many reused, seconds), or None if it failed."""
        counts: tuple[int, int, float] | None = None
        if self.given:
            try:
                counts = self.connection.recv()
                self.process.join(5)  # it ends once it has said what it did
            except (EOFError, OSError):
                counts = None
        self.stop()
        return counts

    def stop(self) -> None:
        """Stop it: after :meth:`result`, or when the build does not need it or failed."""
        self.connection.close()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
