"""MkDocs plugin: the forum calendar, its département pages, coverage map and downloads.

The calendar file (``extra.forums_csv``, or the FORUMS_CSV environment
variable) is read inside ``on_files`` at every build, so that ``mkdocs serve``
picks up each edit. Errors in it stop the build with their file and line;
warnings are facts of 2009 (a forum whose time the press did not give), not
defects: they are listed on the coverage page and counted in one INFO line.

Glue only: the plugin's setting (the cache folder) and one object per build (:class:`_Build`);
reading, rendering, keeping the pages between builds and making the downloads live in
:mod:`kit.calendar.site_build`.
"""

from __future__ import annotations

import gc
import logging
import time
from functools import partial
from pathlib import Path

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from kit.calendar.downloads import download_keys
from kit.calendar.pages import placeholder
from kit.calendar.site_build import (
    PARALLEL_FROM,
    CalendarInputs,
    CalendarStop,
    DiskStore,
    DownloadsWorker,
    Store,
    calendar_site,
    downloads_part,
    publish,
    publish_changed,
    site_kept,
)
from kit.french import count, decimal, plural
from kit.paths import Project
from kit.publishing.received import is_table_file, table_file_advice
from kit.site import CachingOptions
from kit.site.rendered import NoPagesTakenBack, RenderedPages
from kit.site.session import DeferredFile, EditorSession, no_keeping, session_of
from kit.store import Memo, content_key
from kit.territory import load_territory

log = logging.getLogger("mkdocs.plugins.calendar")


def project_of(config: MkDocsConfig) -> Project:
    """The project being built: the folder of its mkdocs.yml."""
    return Project.of_config_file(config.config_file_path)


def calendar_path(config: MkDocsConfig) -> Path:
    """The calendar file of the build: ``extra.forums_csv`` (FORUMS_CSV), from the project's root."""
    return project_of(config).calendar_file(config.extra.get("forums_csv"))


def drop_tables(files: Files) -> list[str]:
    """Spreadsheets and CSV files found under docs/, taken out of the site (their names).

    Never published, whatever they hold: each one is a warning, on which a strict build stops.
    """
    tables = [file for file in files if is_table_file(file.src_uri)]
    for table in tables:
        log.warning("%s ; ce fichier n'est pas copié dans le site.", table_file_advice(f"docs/{table.src_uri}"))
        files.remove(table)
    return [table.src_uri for table in tables]


class _Build:
    """One build of the calendar: its inputs, its pages, and where its downloads and rendered pages go.

    ``make build`` (no editor's session) keeps the pages on disk, takes back the pages an earlier
    build rendered (kit.site.rendered) and makes the downloads in a second process while MkDocs
    writes the pages; ``make serve`` keeps everything in its session and hands the downloads that
    changed over to the server, which makes them after the page is served.
    """

    def __init__(self, config: MkDocsConfig, cache_dir: Path, path: Path, worker: DownloadsWorker | None) -> None:
        project = project_of(config)
        self.site_dir = Path(config.site_dir)
        self.cache_dir = cache_dir
        self.reference = project.reference
        self.session: EditorSession | None = session_of(config)
        self.territory = load_territory(project.reference)
        self.inputs = CalendarInputs.of(path, project, config.use_directory_urls)
        store: Store = self.session if self.session is not None else DiskStore(cache_dir)
        try:
            self.site, self.warnings = calendar_site(self.inputs, self.territory, store,
                                                     memos=self.session is not None)
        except CalendarStop as stop:
            raise PluginError(str(stop)) from None
        # Each page's content key: its Markdown and the tables put into it after the theme.
        self.page_keys = {uri: content_key(markdown, *(part for item in self.site.fragments.get(uri, {}).items()
                                                       for part in item))
                          for uri, markdown in self.site.pages.items()}
        self.rendered = RenderedPages(cache_dir, self.page_keys) if self.session is None else NoPagesTakenBack()
        self.worker = worker  # make build: started before the calendar was read (on_pre_build)

    def start_downloads(self) -> None:
        """make build: the downloads given to the second process (from PARALLEL_FROM forums on); make serve: those
        that changed handed over to the server, and the calendar's files marked as read again at every build."""
        if self.session is None:
            # The forums and pages stay until the process ends; the garbage collector need not walk them
            # again at each of its passes (make serve does this after each build).
            gc.freeze()
            if self.worker is not None and len(self.site.forums) >= PARALLEL_FROM:
                self.worker.give(self.cache_dir, self.inputs.key, self.site_dir)
            else:
                self.stop()
            return
        self.session.read_at_every_build(self.inputs.path)  # saving the calendar renders its changed pages only
        for other in self.inputs.followed_files(self.inputs.path):
            self.session.read_at_every_build(other)
        for uri, key in self.page_keys.items():
            self.session.page_key(uri, key)
        self._hand_over(self.session)

    def _hand_over(self, session: EditorSession) -> None:
        """The downloads that changed, written after the pages are served.

        While the calendar's key is the one whose downloads the site folder holds (a page was saved,
        not the calendar), there is nothing to look at.
        """
        calendar = self.inputs.key
        held: tuple[str, dict[str, str]] = (session.recall("calendar-downloads", str(self.site_dir)) or ("", {})) \
            if session.site_kept else ("", {})
        if held[0] == calendar:
            return
        described: Memo[str] = session.recall("calendar-described", "") or Memo()
        session.remember("calendar-described", "", described)
        described.begin()
        keys = download_keys(self.site, self.territory, described)
        written = held[1]
        changed = {path for path, key in keys.items() if written.get(path) != key}
        session.remember("calendar-downloads", str(self.site_dir), (calendar, keys))
        if not changed:
            return
        # One job per build, never merged with another's: they run in order, so the last build's files win.
        session.defer(DeferredFile(key=f"calendar-{time.monotonic_ns()}", targets=(),
                                   make=partial(publish_changed, downloads_part(self.site), self.reference,
                                                self.site_dir, self.cache_dir, changed),
                                   keep=no_keeping, kind="calendar"))

    def finish_downloads(self) -> tuple[int, int, float] | None:
        """make build: wait for the downloads (made here if the second process could not); how many files,
        how many reused, seconds to make them. make serve: None (the server makes them)."""
        if self.session is not None:
            return None
        counts = self.worker.result() if self.worker is not None else None
        self.worker = None
        if counts is None:
            counts = publish(self.site, self.territory, self.site_dir, self.cache_dir)
        return counts

    def stop(self) -> None:
        """Stop the second process of a build that failed before on_post_build."""
        if self.worker is not None:
            self.worker.stop()
        self.worker = None


class CalendarPlugin(BasePlugin[CachingOptions]):
    def __init__(self) -> None:
        super().__init__()
        self.build: _Build | None = None  # set in on_files, used by the later events
        self.worker: DownloadsWorker | None = None  # make build: started in on_pre_build, given to the build

    def _current(self) -> _Build:
        if self.build is None:
            raise PluginError("Calendrier des forums : événement reçu avant la lecture du calendrier.")
        return self.build

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """make build, a big calendar whose downloads are to be made: their process started now, ready when the
        calendar is read."""
        self._stop()
        path = calendar_path(config)
        if session_of(config) is not None or not DownloadsWorker.worth_it(path):
            return
        project = project_of(config)
        if not site_kept(self.config.folder(config), CalendarInputs.of(path, project, config.use_directory_urls).key):
            self.worker = DownloadsWorker.start(project.reference)

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        drop_tables(files)
        path = calendar_path(config)
        if not path.is_file():
            raise PluginError(f"Calendrier des forums : le fichier {path} est introuvable "
                              "(réglage extra.forums_csv de mkdocs.yml ou variable FORUMS_CSV).")
        worker, self.worker = self.worker, None
        try:
            build = self.build = _Build(config, self.config.folder(config), path, worker)
        except BaseException:
            if worker is not None:
                worker.stop()
            raise
        if build.warnings:
            # Facts of 2009 (a forum whose time the press did not give), not defects: one line, no
            # « avertissement », and the details where readers and editors look for them.
            count = len(build.warnings)
            log.info("Calendrier des forums : %s à relire, listée%s sur la page « Couverture du territoire » "
                     "(détail : .venv/bin/python scripts/forums.py check %s) ; la construction continue.",
                     plural(count, "remarque"), "s" if count > 1 else "", build.inputs.named(path))
        build.start_downloads()
        site = build.site
        for uri, markdown in site.pages.items():
            # Département pages are reached from the calendar, not from the nav (one nav entry per page
            # rendered into every page would slow the whole build down).
            inclusion = InclusionLevel.NOT_IN_NAV if uri in site.departement_pages else InclusionLevel.UNDEFINED
            files.append(File.generated(config, uri, content=markdown, inclusion=inclusion))
        for uri, content in site.files.items():  # the follow-up page's downloads (a few kilobytes)
            files.append(File.generated(config, uri, content=content))
        return files

    # make build: the calendar pages an earlier build rendered with the same inputs are taken back
    # (kit.site.rendered; under make serve none is); each event runs after every other plugin's, on what
    # they left.

    @event_priority(-100)  # once every plugin has added its files
    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self._current().rendered.begin(config, files, project_of(config).includes)
        return nav

    @event_priority(-100)
    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        self._current().rendered.set_globals(env)
        return env

    @event_priority(-100)
    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        rendered = self._current().rendered
        if rendered.handles(page) and rendered.take_content(page):
            return ""  # its content is taken back in on_page_content
        return markdown

    @event_priority(-100)
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        rendered = self._current().rendered
        if rendered.handles(page):
            return rendered.content(page, html, files)
        return html

    @event_priority(-100)
    def on_page_context(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        rendered = self._current().rendered
        if rendered.handles(page):
            rendered.take_output(context, page, config, nav)
        return context

    @event_priority(-50)  # after the accessibility fixes of the theme's markup, which need not read the tables
    def _fill_fragments(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        # After the search plugin has indexed the page: the big tables stay out of the index.
        build = self._current()
        fragments = build.site.fragments.get(page.file.src_uri)
        if not fragments or build.rendered.taken(page):
            return output
        for name, html in fragments.items():
            mark = placeholder(name)
            if mark not in output:
                raise PluginError(f"Calendrier des forums : l'emplacement « {name} » a disparu de la page "
                                  f"{page.file.src_uri} ; le gabarit ou une extension l'a retiré.")
            output = output.replace(mark, html, 1)
        return output

    @event_priority(-100)  # last (the plugins listed before this one included): the page as written
    def _keep_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        rendered = self._current().rendered
        if rendered.handles(page):
            return rendered.written(page, output)
        return output

    on_post_page = CombinedEvent(_fill_fragments, _keep_page)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        build = self._current()
        build.rendered.keep()
        counts = build.finish_downloads()
        if counts is None:  # make serve: the server makes them after the page is served
            return
        total, reused, seconds = counts
        log.info("Calendrier des forums : %s à télécharger (%s en %s s, %s du cache)",
                 count(total, "fichier", "fichiers"), count(total - reused, "fait", "faits"), decimal(seconds),
                 count(reused, "repris", "repris"))

    def on_build_error(self, *, error: Exception) -> None:
        self._stop()

    def _stop(self) -> None:
        """Stop the downloads' process of a build that failed before on_post_build (mkdocs serve builds again)."""
        if self.worker is not None:
            self.worker.stop()
        self.worker = None
        if self.build is not None:
            self.build.stop()
        self.build = None
