"""The calendar's downloads as a site build writes them: made (or taken from the cache) and linked into the site.

``make build`` makes them in a second process while MkDocs writes the pages
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
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from kit.calendar.downloads import cached_downloads
from kit.calendar.model import Problem
from kit.calendar.pages import CalendarSite
from kit.store import ArtifactCache, LinkedFiles, unpickled
from kit.territory import Territory, load_territory

# The calendar's pages as a build made them, kept in the calendar's cache under the key of their inputs.
SITE_SUFFIX = "pages.pickle"
SITES_KEPT = 3  # the pages of the last calendars built: going back and forth between versions stays quick
# Below this many forums the downloads take less time than starting a process.
PARALLEL_FROM = 500
# Subfolder of the calendar's cache holding one copy of each download, linked into the site folders.
LINKED_FOLDER = "site-files"


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


def publish_changed(site: CalendarSite, territory: Territory, site_dir: Path, cache_dir: Path,
                    changed: Collection[str]) -> bytes:
    """Under make serve, in the server's worker process: write the downloads that changed (``changed``,
    paths in the site)."""
    files, _ = cached_downloads(site, territory, cache_dir, only=changed)
    _write(site_dir, files, _site_files(cache_dir))
    return b""


def _publish_in_worker(cache_dir: Path, key: str, reference: Path, site_dir: Path, report: Connection) -> None:
    try:
        made = kept_site(cache_dir, key)
        if made is None:
            os._exit(1)
        report.send(publish(made[0], load_territory(reference), site_dir, cache_dir))
    except Exception:  # the build does it again, and reports what goes wrong
        os._exit(1)


class DownloadsWorker:
    """The second process that makes and writes the downloads while MkDocs writes the pages.

    Spawned, not forked: it starts from a fresh interpreter and reads the calendar's pages from
    the cache (``key``), where the build has just kept them.
    """

    def __init__(self, process: BaseProcess, report: Connection) -> None:
        self.process = process
        self.report = report

    @classmethod
    def start(cls, cache_dir: Path, key: str, reference: Path, site_dir: Path) -> DownloadsWorker | None:
        """Start it, or None if no process can be started (the build then does the work itself)."""
        try:
            context = multiprocessing.get_context("spawn")
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_publish_in_worker, args=(cache_dir, key, reference, site_dir, sender),
                                      daemon=True)
            process.start()
            sender.close()
        except (ValueError, OSError):
            return None
        return cls(process, receiver)

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
