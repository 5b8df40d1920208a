"""The editor's loop: serve the kit and, after an edit, rebuild only what the edit changed.

``mkdocs serve`` rebuilds the whole site at every save, and ``mkdocs serve --dirty``
rebuilds the saved page but leaves the search index with that page alone (Material's
merge assumes one page per rebuild; the calendar's generated pages are rebuilt every
time and end up twice). This server keeps what one build learnt for the next one:

- when only Markdown pages already in the site were saved, a dirty build renders those
  pages alone (MkDocs' own ``dirty`` mode, told exactly which pages changed); any other
  change (configuration, templates, code, data, a page added or removed) gives a full
  build, as ``mkdocs serve`` does;
- if a saved page's title changed, the navigation of every page changes: the dirty
  build stops and a full build follows;
- the search index is merged: the saved pages' entries replace their old ones, in the
  order a full build writes them, so the index is the one a full build would write;
- Jinja templates are compiled once for the whole session (bytecode cache), and a partial
  build does not list the theme's thousands of files again;
- file changes are seen at once (inotify) rather than by polling every half second;
- what is slow to make and not needed to show the page (PDF, DOCX) is handed over to the
  session (kit.site.session) and made in a separate process after the page is served;
  the pages that offer those files are rebuilt once they are ready.
"""

from __future__ import annotations

import errno
import gc
import json
import logging
import multiprocessing
import os
import re
import shutil
import socket
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import watchdog.events
import watchdog.observers
from jinja2 import BaseLoader, BytecodeCache, Environment
from jinja2.bccache import Bucket
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation

from kit.cli.oserrors import french_os_error
from kit.editorial.check import check_project
from kit.editorial.slips import Slip
from kit.french import count
from kit.site.compat import (
    DIRTY_BUILD_WARNING,
    add_plugin,
    check_versions,
    keep_watch,
    render_only_if,
    search_index_text,
    serve_url,
    set_build_delay,
    use_observer,
    wake_server,
    watched_count,
    wrap_theme_env,
)
from kit.site.problems import (
    CHECK_THREAD,
    CaughtMessages,
    Problems,
    Report,
    config_problem,
    french_failure,
    insert_banner,
    tell,
    without_repeats,
)
from kit.site.session import KINDS, PLUGIN_NAME, DeferredFile, EditorSession
from kit.store import write_atomic

log = logging.getLogger("mkdocs.kit.serve")

SEARCH_INDEX = Path("search") / "search_index.json"


class NavigationChanged(Exception):
    """A saved page's title changed: every page's navigation must be rendered again."""


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory for the whole session (Jinja checks each source's checksum)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            self._code[bucket.key] = bucket.bytecode_to_string()


class KnownTemplates(BaseLoader):
    """The theme's loader, listing the files the last full build found in the theme.

    MkDocs lists every file of the theme at every build to copy its assets (Material ships
    thousands of icons): a partial build follows a full one, whose theme did not change.
    """

    def __init__(self, loader: BaseLoader, names: list[str]) -> None:
        self.loader = loader
        self.names = names

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        return self.loader.get_source(environment, template)

    def list_templates(self) -> list[str]:
        return list(self.names)


class _DropDirtyWarning(logging.Filter):
    """MkDocs warns at every dirty build, which stops a strict build: here the dirty build is exact."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(DIRTY_BUILD_WARNING)


class SiteMemory:
    """What the last build left that the next one needs: page titles, search entries, compiled templates."""

    def __init__(self) -> None:
        self.titles: dict[str, str | None] = {}  # documentation page src_uri → title
        self.metas: dict[str, dict[str, Any]] = {}  # documentation page src_uri → front matter
        self.entries: dict[str, list[dict[str, Any]]] = {}  # page URL → its search entries, in order
        self.bytecode = MemoryBytecodeCache()
        self.session = EditorSession()
        self.page_keys: dict[str, str] = {}  # generated page src_uri → content key, last build
        self.theme_files: list[str] | None = None  # the theme's assets found by the last full build


def _page_url(location: str) -> str:
    return location.split("#", 1)[0]


def group_entries(entries: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Search entries by the URL of their page (« note/#titre » belongs to « note/ »)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        groups.setdefault(_page_url(str(entry.get("location", ""))), []).append(entry)
    return groups


class _NoOptions(Config):
    """The server's plugin has no options."""


class EditorLoopPlugin(BasePlugin[_NoOptions]):
    """Added to each build's configuration by the server (never listed in mkdocs.yml)."""

    def __init__(self, memory: SiteMemory, saved: set[str] | None, *, inputs_changed: bool = False) -> None:
        super().__init__()
        self.memory = memory
        self.saved = saved  # src_uris of the saved pages for a dirty build, None for a full build
        self.inputs_changed = inputs_changed  # a file read again at every build was saved
        self.rebuilt: set[str] = set()  # src_uris of the pages this dirty build renders
        self.files: Files | None = None
        self.session = memory.session
        self.session.new_build(site_kept=saved is not None)

    def _changed(self, file: File) -> bool:
        """Whether a dirty build must render this page again."""
        if self.saved is None or file.src_uri in self.saved:
            return True
        if file.generated_by is None:
            return False  # a page of docs/ that was not saved
        key = self.session.page_keys().get(file.src_uri)
        if key is None:  # a generated page without a content key: made from the files read at every build
            return self.inputs_changed
        return key != self.memory.page_keys.get(file.src_uri)

    @event_priority(-100)  # after every hook has added its pages
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self.files = files
        if self.saved is None:
            dirs = [os.path.join(os.path.abspath(folder), "") for folder in config.theme.dirs]
            self.memory.theme_files = sorted({
                file.src_uri for file in files
                if file.abs_src_path and file.generated_by is None
                and any(file.abs_src_path.startswith(folder) for folder in dirs)})
        if self.saved is not None:
            for file in files.documentation_pages():
                changed = self._changed(file)
                if changed:
                    self.rebuilt.add(file.src_uri)
                render_only_if(file, changed)
        return files

    @event_priority(-100)
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        if self.saved is not None:
            # Pages a dirty build does not read keep their title and front matter for the navigation
            # drawn in the pages it renders (MkDocs alone would show them untitled).
            for file in files.documentation_pages():
                page = file.page
                if page is not None and file.src_uri not in self.rebuilt and page.markdown is None:
                    page.title = self.memory.titles.get(file.src_uri)
                    page.meta = self.memory.metas.get(file.src_uri, {})
        return nav

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        if self.saved is not None:
            for file in files.documentation_pages():
                if file.src_uri in self.rebuilt and file.page is not None:
                    if file.page.title != self.memory.titles.get(file.src_uri):
                        raise NavigationChanged(file.src_uri)
        return env

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.files is not None
        pages = [file.page for file in self.files.documentation_pages() if file.page is not None]
        self.memory.page_keys = dict(self.session.page_keys())
        rendered = [page for page in pages if self.saved is None or page.file.src_uri in self.rebuilt]
        self.memory.titles.update({page.file.src_uri: page.title for page in rendered})
        self.memory.metas.update({page.file.src_uri: dict(page.meta) for page in rendered})
        path = Path(config.site_dir) / SEARCH_INDEX
        if not path.is_file():
            return
        data = json.loads(path.read_text(encoding="utf-8"))
        written = group_entries(data.get("docs", []))
        if self.saved is None:
            self.memory.titles = {page.file.src_uri: page.title for page in pages}
            self.memory.metas = {page.file.src_uri: dict(page.meta) for page in pages}
            self.memory.entries = written
            return
        merged: dict[str, list[dict[str, Any]]] = {}
        for page in pages:
            url = page.url
            source = written if page.file.src_uri in self.rebuilt else self.memory.entries
            if url in source:
                merged[url] = source[url]
        data["docs"] = [entry for entries in merged.values() for entry in entries]
        # As Material writes it, so that the file is the one a full build writes.
        write_atomic(path, search_index_text(data).encode("utf-8"), durable=False)
        self.memory.entries = merged


def _make_all(jobs: list[DeferredFile]) -> list[str]:
    """In the worker process: make each file, keep it, write it into the site folder; what failed, in French."""
    failures = []
    for job in jobs:
        try:
            data = job.make()
            job.keep(data)
            for target in job.targets:
                target.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(target, data, durable=False)  # never a half-written file
        except Exception as error:
            what = job.targets[0].name if job.targets else KINDS.get(job.kind, KINDS["documents"])[0]
            failures.append(f"Préparation après affichage : {what} n'a pas pu être fait : {error}")
    return failures


def _worker(connection: Connection) -> None:
    """The worker process: batches of files to make, one after the other, until the server goes."""
    os.nice(5)  # the next save's rebuild comes first
    while True:
        try:
            jobs = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(_make_all(jobs))


def _kinds(jobs: Iterable[DeferredFile]) -> str:
    """« 2 documents à imprimer, 1 lot de fichiers du calendrier »."""
    counts = Counter(job.kind for job in jobs)
    return ", ".join(count(n, *KINDS.get(kind, KINDS["documents"])) for kind, n in sorted(counts.items(),
                                                                                          reverse=True))


class DeferredMaker:
    """Makes the files the builds handed over, one batch at a time, in a separate process.

    The process is spawned (a fresh interpreter: MkDocs' server runs threads, which a forked
    process would copy in whatever state they are), once, at the first batch, and kept for
    the next ones; each batch is sent to it pickled (see :class:`DeferredFile`).
    """

    def __init__(self, session: EditorSession, on_made: Callable[[list[str]], None]) -> None:
        self.session = session
        self.on_made = on_made  # told the source URIs of the pages to rebuild
        self._process: multiprocessing.process.BaseProcess | None = None
        self._connection: Connection | None = None
        self._waiter: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start a batch with what is pending, unless one is being made."""
        with self._lock:
            if self._waiter is not None and self._waiter.is_alive():
                return
            jobs = self.session.take_pending()
            if not jobs:
                return
            log.info("En préparation : %s", _kinds(jobs))
            # Sent from the waiter's thread: the page is served meanwhile.
            self._waiter = threading.Thread(target=self._make, args=(jobs,), daemon=True)
            self._waiter.start()

    def _worker(self) -> Connection:
        """The connection to the worker process, started now if it is not running."""
        with self._lock:
            if self._process is None or not self._process.is_alive() or self._connection is None:
                context = multiprocessing.get_context("spawn")
                ours, theirs = context.Pipe()
                process = context.Process(target=_worker, args=(theirs,), daemon=True, name="kit-preparation")
                process.start()
                theirs.close()
                self._process, self._connection = process, ours
            return self._connection

    def _make(self, jobs: list[DeferredFile]) -> None:
        failures: list[str] | None = None
        try:
            connection = self._worker()
            connection.send(jobs)
            failures = connection.recv()
        except (EOFError, OSError):
            failures = None  # the process was stopped or died: its files are told as not made
        except Exception as error:  # a job that cannot be sent (pickled)
            log.error("Préparation après affichage : impossible de confier les fichiers au processus de "
                      "préparation : %s", error)
        for failure in failures or ():
            log.error("%s", failure)
        self._done(jobs)

    def _done(self, jobs: list[DeferredFile]) -> None:
        self.session.done(jobs)
        made = [job for job in jobs if all(target.is_file() for target in job.targets)]
        self.session.forget_failed(job.key for job in made)
        self.session.mark_failed(job.key for job in jobs if job not in made)
        if made:
            log.info("Prêt : %s", _kinds(made))
        with self._lock:
            self._waiter = None
        self.start()  # what later builds handed over meanwhile, in the order they did
        pages = sorted({page for job in made for page in job.pages})
        if pages:
            self.on_made(pages)

    def stop(self) -> None:
        with self._lock:
            process, connection = self._process, self._connection
            self._process = self._connection = None
        if connection is not None:
            connection.close()
        if process is not None and process.is_alive():
            process.terminate()
            process.join()


class EditorLoop:
    """Builds for the server: dirty when only known pages were saved, full otherwise.

    A build never stops the server: a failed build, the editorial check's slips and MkDocs'
    warnings are told in the terminal and on every served page (kit.site.problems), and the
    pages of the last good build stay served. MkDocs' server would otherwise hold every request
    until a build succeeds (LiveReloadServer._build_loop leaves its ``_visible_epoch`` behind
    ``_wanted_epoch`` when the builder raises, and ``_serve_request`` waits for them to match):
    here the builder never raises for an editor's mistake.
    """

    def __init__(self, config_file: str | None, dev_addr: str | None) -> None:
        self.config_file = config_file
        self.dev_addr = dev_addr
        self.work_dir = tempfile.mkdtemp(prefix="kit-serve-")
        self.site_dir = os.path.join(self.work_dir, "site")
        os.mkdir(self.site_dir)
        self.memory = SiteMemory()
        self.serve_url = ""
        self.report = Report()
        self.root = Path(config_file or "mkdocs.yml").resolve().parent
        self._saved: set[str] = set()  # absolute paths saved since the last build
        self._check_due = True  # a file the editorial check reads may have changed
        self._check_wanted = threading.Event()
        self._checker: threading.Thread | None = None
        self._generation = 0  # builds started: a check started before the last one is stale
        self._refresh = False  # the check's result changed: the next wake-up only reloads the pages
        self._built: tuple[list[str], str | None] = ([], None)  # the last build's messages and failure
        self._slips: list[Slip] = []  # the last check's
        self._told = Problems()  # what the terminal was last told
        self._lock = threading.Lock()
        self._built_once = False
        self.docs_dir = ""
        self.maker = DeferredMaker(self.memory.session, self.rebuild_pages)
        self.wake: Callable[[], None] = lambda: None  # set by the server: start a rebuild

    def rebuild_pages(self, src_uris: list[str]) -> None:
        """Rebuild these pages (their documents are ready)."""
        self.record((os.path.join(self.docs_dir, uri) for uri in src_uris), edited=False)
        self.wake()

    def config(self, saved: set[str] | None, *, inputs_changed: bool = False) -> MkDocsConfig:
        # Never strict: a warning is shown on the pages, it does not stop the build.
        options: dict[str, Any] = {"site_dir": self.site_dir, "strict": False}
        if self.dev_addr:
            options["dev_addr"] = self.dev_addr
        config = load_config(config_file=self.config_file, **options)
        add_plugin(config.plugins, PLUGIN_NAME, EditorLoopPlugin(self.memory, saved, inputs_changed=inputs_changed))
        memory = self.memory
        known = memory.theme_files if saved is not None else None

        def session_env(env: Environment) -> Environment:
            env.bytecode_cache = memory.bytecode  # templates compiled once for the session
            if known is not None and env.loader is not None:
                env.loader = KnownTemplates(env.loader, known)
            return env

        wrap_theme_env(config.theme, session_env)
        self.docs_dir = os.path.abspath(config.docs_dir)
        if self.serve_url:
            config.site_url = self.serve_url
        return config

    def record(self, paths: Iterable[str], *, edited: bool = True) -> None:
        """Files to build again; ``edited``: saved by the editor (not made by the server)."""
        with self._lock:
            added = {os.path.abspath(path) for path in paths if path}
            self._saved.update(added)
            if edited and not added <= self.memory.session.inputs():
                self._check_due = True  # the calendar alone is not read by the editorial check

    def _saved_pages(self, paths: set[str]) -> tuple[set[str], bool] | None:
        """For an exact dirty build: the src_uris of the saved pages, and whether a file read again at
        every build (the calendar) was saved. None when only a full build is exact."""
        if not self._built_once or not paths:
            return None
        pages: set[str] = set()
        inputs = False
        rereads = self.memory.session.inputs()
        for path in paths:
            name = os.path.basename(path)
            if name.startswith(".") or name.endswith("~"):
                continue  # an editor's swap or backup file: not part of the site
            if path in rereads:
                inputs = True
                continue
            relative = os.path.relpath(path, self.docs_dir)
            src_uri = Path(relative).as_posix()
            if relative.startswith("..") or src_uri not in self.memory.titles or not os.path.isfile(path):
                return None
            pages.add(src_uri)
        return pages, inputs

    def build(self, config: MkDocsConfig | None = None) -> None:
        """Build what the saved files need, then tell the problems; never raises for a failed build."""
        with self._lock:
            refresh, self._refresh = self._refresh, False
            if refresh and config is None and not self._saved:
                return  # nothing saved: woken by the check, whose new result the browsers reload to show
            self._generation += 1
        caught = CaughtMessages()
        mkdocs_log = logging.getLogger("mkdocs")
        mkdocs_log.addHandler(caught)
        failure: str | None = None
        full = False
        try:
            full = self._build_saved(config)
        except ConfigurationError as error:
            self._built_once = False
            failure = config_problem(error, Path(self.config_file or "mkdocs.yml").resolve(), self.root)
        except Abort:
            self._built_once = False
            # MkDocs logged the cause just before (a calendar error, a configuration value refused).
            failure = "la construction s'est arrêtée sur l'erreur indiquée dans la liste des problèmes"
        except Exception as error:
            self._built_once = False
            failure = french_failure(error, self.root)
        finally:
            mkdocs_log.removeHandler(caught)
            self.maker.start()  # what the build handed over, made while the page is looked at
        if full:
            # What a full build leaves (templates, memos, the pages' data) lives until the next full
            # build: set aside from the garbage collector, whose passes over it would otherwise slow
            # down every partial build (a quarter of a second at 4,000 forums).
            gc.collect()
            gc.freeze()
        with self._lock:
            self._built = (caught.messages, failure)
            due, self._check_due = self._check_due, False
        if self._checker is None:  # the first build: the check is done before the site is served
            if due:
                self._slips = self._slips_or_last(self._check())
            self._publish(tell_now=True)
        else:
            # The page is served at once; the check follows in its own thread (an eighth of a second),
            # and the pages reload again only if what it finds changed.
            self._publish(tell_now=not due)
            if due:
                self._check_wanted.set()

    def start_checking(self) -> None:
        """From now on, the editorial check runs after each build in a thread of its own."""
        self._checker = threading.Thread(target=self._check_loop, name=CHECK_THREAD, daemon=True)
        self._checker.start()

    def _check_loop(self) -> None:
        while True:
            self._check_wanted.wait()
            self._check_wanted.clear()
            with self._lock:
                generation = self._generation
            slips = self._check()
            with self._lock:
                if generation != self._generation:
                    continue  # a build started meanwhile: its own check follows
                self._slips = self._slips_or_last(slips)
            if self._publish(tell_now=True):
                with self._lock:
                    self._refresh = True
                self.wake()

    def _check(self) -> list[Slip] | Exception:
        """The editorial check's slips, or what stopped it twice in a row (the check must not stop the server).

        A file deleted while the check was reading it (a page saved, then removed at once) is no
        longer listed by the second check: only a failure that stays is told.
        """
        failure: Exception | None = None
        for _ in range(2):
            try:
                return check_project(self.root)
            except Exception as error:
                failure = error
        assert failure is not None
        return failure

    def _slips_or_last(self, checked: list[Slip] | Exception) -> list[Slip]:
        """The slips ``checked``; when the check could not be done, says why and keeps the last slips."""
        if isinstance(checked, Exception):
            log.error("La vérification des pages n'a pas pu se faire : %s", french_failure(checked, self.root))
            return list(self._slips)
        return checked

    def _publish(self, *, tell_now: bool) -> bool:
        """Show the problems on the served pages, and in the terminal what changed; whether they changed."""
        with self._lock:
            (messages, failure), slips = self._built, list(self._slips)
        where = failure.split(" ", 1)[0] if failure is not None else ""
        if any(where == f"{slip.path}:{slip.line}" for slip in slips):
            failure = f"{where} ne peut pas être lu (détail ci-dessous)"  # the check says it at its line
        problems = Problems(tuple(slips), without_repeats(messages, slips), failure)
        previous = self.report.set(problems, built=failure is None)
        if tell_now:
            tell(problems, self._told)
            self._told = problems
        return problems != previous

    def _build_saved(self, config: MkDocsConfig | None) -> bool:
        """Build what the saved files need; whether it was a full build."""
        with self._lock:
            paths, self._saved = self._saved, set()
        dirty = self._saved_pages(paths)
        if dirty is not None:
            saved, inputs_changed = dirty
            try:
                self._build(self.config(saved, inputs_changed=inputs_changed), dirty=True)
                return False
            except NavigationChanged as changed:
                log.info("Le titre de %s a changé : tout le site est reconstruit", changed)
        gc.unfreeze()  # what the previous full build left may be garbage now
        self._build(config if config is not None else self.config(None), dirty=False)
        self._built_once = True
        return True

    def _build(self, config: MkDocsConfig, *, dirty: bool) -> None:
        quiet = _DropDirtyWarning()
        logger = logging.getLogger("mkdocs.commands.build")
        logger.addFilter(quiet)
        # A full build starts from an empty folder (MkDocs would empty the served one): the pages of the
        # last good build are set aside, and served again if this build fails.
        kept = None
        if not dirty and self.report.site_built:
            kept = os.path.join(tempfile.mkdtemp(dir=self.work_dir, prefix="avant-"), "site")
            os.rename(self.site_dir, kept)
            os.mkdir(self.site_dir)
        try:
            build(config, serve_url=self.serve_url or None, dirty=dirty)
        except NavigationChanged:
            raise
        except BaseException:
            self._built_once = False  # what the failed build left is unknown: the next one is full
            if kept is not None:
                shutil.rmtree(self.site_dir, ignore_errors=True)
                os.rename(kept, self.site_dir)
                kept = None
            raise
        finally:
            logger.removeFilter(quiet)
            if kept is not None:  # the folder set aside is removed while the page is looked at
                threading.Thread(target=shutil.rmtree, args=(os.path.dirname(kept),),
                                 kwargs={"ignore_errors": True}, daemon=True).start()


_BAD_ADDRESS = re.compile(r"[\x00-\x1f\x7f]")


def refuse_bad_address(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes] | None:
    """A 400 for an address no file can have (a NUL byte, a control character), else None.

    MkDocs' server would try to open such a path and answer 500 with a traceback in the terminal.
    """
    if not _BAD_ADDRESS.search(environ.get("PATH_INFO", "")):
        return None
    body = "Adresse invalide : elle contient un caractère de contrôle (%00…).\n".encode()
    start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8"),
                                       ("Content-Length", str(len(body)))])
    return [body]


class KitServer(LiveReloadServer):
    """MkDocs' live-reload server, told at once of each change (inotify) and of what changed.

    Every HTML page it serves carries the banner of the current problems (kit.site.problems).
    The MkDocs internals it needs (waking the build loop, the record of watched folders, the
    observer) are reached through kit.site.compat.
    """

    def __init__(self, loop: EditorLoop, **kwargs: Any) -> None:
        super().__init__(builder=loop.build, **kwargs)
        self.loop = loop
        loop.wake = self.wake
        use_observer(self, watchdog.observers.Observer())  # inotify on Linux
        set_build_delay(self, 0.05)
        self._bound = False

    def server_bind(self) -> None:
        """Bind once: :func:`serve` binds before the first build, ``serve()`` calls this again."""
        if not self._bound:
            super().server_bind()
            self._bound = True

    def server_activate(self) -> None:
        if not getattr(self, "_active", False):
            super().server_activate()
            self._active = True

    def serve_request(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """MkDocs' answer, with the problems' banner at the top of an HTML page."""
        refused = refuse_bad_address(environ, start_response)
        if refused is not None:
            return refused
        answer: dict[str, Any] = {}

        def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            answer["status"], answer["headers"] = status, headers
            return lambda data: None

        result = super().serve_request(environ, keep)
        status: str = answer["status"]
        headers: list[tuple[str, str]] = answer["headers"]
        content_type = next((value for name, value in headers if name.lower() == "content-type"), "")
        banner = self.loop.report.banner() if content_type.startswith("text/html") else b""
        if not banner:
            start_response(status, headers)
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        body = insert_banner(body, banner)
        headers = [(name, value) for name, value in headers if name.lower() != "content-length"]
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def wake(self) -> None:
        wake_server(self)

    def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
        path = os.path.abspath(path)
        watched = watched_count(self)
        if path in watched:
            watched[path] += 1
            return
        watched[path] = 1
        server = self

        class Handler(watchdog.events.FileSystemEventHandler):
            def on_any_event(self, event: watchdog.events.FileSystemEvent) -> None:
                if event.is_directory or event.event_type in ("opened", "closed_no_write"):
                    return
                server.loop.record([str(event.src_path), str(getattr(event, "dest_path", "") or "")])
                server.wake()

        keep_watch(self, path, self.observer.schedule(Handler(), path, recursive=recursive))


OTHER_ADDRESS = "make serve SERVE_ADDR={host}:{port}"


def _free_port(host: str, family: socket.AddressFamily, start: int) -> int:
    """A port near ``start`` that nothing listens on (``start`` itself if none is found)."""
    for port in range(start, start + 50):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    return start


def address_problem(error: OSError, host: str, port: int, family: int) -> str:
    """Why the server cannot listen at ``host:port``, in one French sentence, and what to type instead."""
    taken = error.errno == errno.EADDRINUSE
    other_host = host if taken else "127.0.0.1"
    other_family = socket.AddressFamily(family) if taken else socket.AF_INET
    other = OTHER_ADDRESS.format(host=other_host, port=_free_port(other_host, other_family,
                                                                  8124 if port == 8123 else 8123))
    if error.errno == errno.EADDRINUSE:
        reason = (f"L'adresse {host}:{port} est déjà prise, sans doute par un autre « make serve » resté ouvert "
                  "dans un autre terminal (arrêtez-le avec Ctrl+C dans ce terminal)")
    elif error.errno == errno.EADDRNOTAVAIL or isinstance(error, socket.gaierror):
        reason = f"L'adresse {host}:{port} n'est pas une adresse de ce poste"
    else:
        reason = f"Le kit ne peut pas être servi à l'adresse {host}:{port} ({french_os_error(error)})"
    return f"{reason} ; pour servir le kit à une autre adresse, tapez : {other}"


def serve(config_file: str | None = None, dev_addr: str | None = None) -> None:
    """Serve the kit until interrupted, rebuilding after each save.

    Stops at once (SystemExit with a French message, before any build) only when mkdocs.yml cannot
    be read or the address is taken; any other problem is shown on the served pages.
    """
    problem = check_versions()
    if problem is not None:
        raise SystemExit(problem)
    loop = EditorLoop(config_file, dev_addr)
    try:
        _serve(loop)
    finally:
        shutil.rmtree(loop.work_dir, ignore_errors=True)


def _serve(loop: EditorLoop) -> None:
    caught = CaughtMessages()
    logging.getLogger("mkdocs").addHandler(caught)
    try:
        config = loop.config(None)
    except ConfigurationError as error:
        problem = config_problem(error, Path(loop.config_file or "mkdocs.yml").resolve(), loop.root)
        raise SystemExit(f"Le kit ne peut pas être servi : {problem}.") from None
    except Abort:  # MkDocs logged each value it refused just before
        raise SystemExit("Le kit ne peut pas être servi : mkdocs.yml contient un réglage refusé (voir "
                         "ci-dessus) — corrigez-le, ou reprenez la ligne telle qu'elle était (git diff la "
                         "montre).") from None
    finally:
        logging.getLogger("mkdocs").removeHandler(caught)
    host, port = config.dev_addr
    mount_path = urlsplit(config.site_url or "/").path
    loop.serve_url = config.site_url = serve_url(host, port, mount_path)
    server = KitServer(loop, host=host, port=port, root=loop.site_dir, mount_path=mount_path)
    try:
        # Listening before anything is built: a taken address is said at once.
        server.server_bind()
        server.server_activate()
    except OSError as error:
        server.server_close()
        raise SystemExit(address_problem(error, host, port, server.address_family)) from None

    def error_page(code: int) -> bytes | None:
        page = Path(loop.site_dir) / f"{code}.html"
        if code in (404, 500) and page.is_file():
            return page.read_bytes()
        return loop.report.error_page(code)

    server.error_handler = error_page
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        loop.build(config)
        loop.start_checking()
        server.watch(config.docs_dir)
        if config.config_file_path:
            server.watch(config.config_file_path)
        served = config.plugins.on_serve(server, config=config, builder=loop.build)
        for item in config.watch:
            served.watch(item)
        try:
            served.serve()
        except KeyboardInterrupt:
            log.info("Arrêt du serveur")
        finally:
            served.shutdown()
            loop.maker.stop()
    finally:
        config.plugins.on_shutdown()
