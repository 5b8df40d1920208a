"""MkDocs plugin: the forum calendar, its département pages, coverage map and downloads.

The calendar file (``extra.forums_csv``, or the FORUMS_CSV environment
variable) is read inside ``on_files`` at every build, so that ``mkdocs serve``
picks up each edit. Errors in it stop the build with their file and line;
warnings are facts of 2009 (a forum whose time the press did not give), not
defects: they are listed on the coverage page and counted in one INFO line.
"""

from __future__ import annotations

import gc
import logging
import pickle
import time
from dataclasses import replace
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

from kit.calendar.check import RowMemo
from kit.calendar.downloads import download_keys
from kit.calendar.inputs import calendar_key, setting_key
from kit.calendar.model import Calendar, Campaign, Ordered, Problem, load_campaign
from kit.calendar.pages import CalendarSite, PageMemo, placeholder, render_calendar
from kit.calendar.read import read_calendar
from kit.calendar.site_build import PARALLEL_FROM, DownloadsWorker, keep_site, kept_site, publish, publish_changed
from kit.campaign.datafiles import DataFileError
from kit.campaign.page import PROGRESS_URI, render_progress
from kit.campaign.progress import compute_progress
from kit.campaign.receipts import CalendarReceipt, read_receipts, receipts_file
from kit.campaign.syntheses import SynthesisArrival, read_syntheses, syntheses_file
from kit.french import count, decimal, plural
from kit.paths import Project
from kit.publishing.received import is_table_file, table_file_advice
from kit.site import CachingOptions
from kit.site.rendered import RenderedPages
from kit.site.session import DeferredFile, EditorSession, no_keeping, session_of
from kit.store import Memo, content_key
from kit.territory import Territory, load_territory

log = logging.getLogger("mkdocs.plugins.calendar")

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


def _bytes(path: Path) -> bytes:
    """A data file's content for the build's key (an absent file has none)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""


def drop_tables(files: Files) -> list[str]:
    """Spreadsheets and CSV files found under docs/, taken out of the site (their names).

    Never published, whatever they hold: each one is a warning, on which a strict build stops.
    """
    tables = [file for file in files if is_table_file(file.src_uri)]
    for table in tables:
        log.warning("%s ; ce fichier n'est pas copié dans le site.", table_file_advice(f"docs/{table.src_uri}"))
        files.remove(table)
    return [table.src_uri for table in tables]


class CalendarPlugin(BasePlugin[CachingOptions]):
    def __init__(self) -> None:
        super().__init__()
        # What the current build renders: set in on_files, used by the later events.
        self.site: CalendarSite | None = None
        self.territory: Territory | None = None
        self.worker: DownloadsWorker | None = None
        self.handed_over = False  # under make serve, the downloads are written after the pages are served
        self.rendered: RenderedPages | None = None  # make build: pages rendered by an earlier build, taken back

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        drop_tables(files)
        path = calendar_path(config)
        if not path.is_file():
            raise PluginError(f"Calendrier des forums : le fichier {path} est introuvable "
                              "(réglage extra.forums_csv de mkdocs.yml ou variable FORUMS_CSV).")
        project = project_of(config)
        territory = load_territory(project.reference)
        # The receipts of calendars and syntheses kept beside the calendar: the follow-up page and the date
        # of the data come from them too.
        followed = (receipts_file(path), syntheses_file(path))
        settings = setting_key(project.campaign_file, project.reference, str(config.use_directory_urls))
        # The pages depend on them too, but the rows and pages kept between make serve builds (keyed by
        # ``settings``) do not: saving data/syntheses.csv renders the follow-up page and the calendar's date again.
        key = calendar_key(path, content_key(settings, *(_bytes(f) for f in followed)))
        session = session_of(config)
        site, warnings = self._site(path, key, settings, territory, config, session)
        if warnings:
            # Facts of 2009 (a forum whose time the press did not give), not defects: one line, no
            # « avertissement », and the details where readers and editors look for them.
            count = len(warnings)
            log.info("Calendrier des forums : %s à relire, listée%s sur la page « Couverture du territoire » "
                     "(détail : .venv/bin/python scripts/forums.py check %s) ; la construction continue.",
                     plural(count, "remarque"), "s" if count > 1 else "", _named(path, config))
        self.territory = territory
        self.site = site
        self.handed_over = session is not None
        # Each page's content key: its Markdown and the tables put into it after the theme.
        page_keys = {uri: content_key(markdown, *(part for item in site.fragments.get(uri, {}).items()
                                                  for part in item))
                     for uri, markdown in site.pages.items()}
        self.rendered = RenderedPages(self.config.folder(config), page_keys) if session is None else None
        if session is None:
            # make build: the forums and pages stay until the process ends; the garbage collector
            # need not walk them again at each of its passes (make serve does this after each build).
            gc.freeze()
            self._start_downloads(len(site.forums), key, project.reference, Path(config.site_dir),
                                  self.config.folder(config))
        else:
            session.read_at_every_build(path)  # saving the calendar renders its changed pages only
            for other in followed:
                session.read_at_every_build(other)
            self._hand_over_downloads(session, key, site, territory, Path(config.site_dir), self.config.folder(config))
        for uri, markdown in site.pages.items():
            # Département pages are reached from the calendar, not from the nav (one nav entry per page
            # rendered into every page would slow the whole build down).
            inclusion = InclusionLevel.NOT_IN_NAV if uri in site.departement_pages else InclusionLevel.UNDEFINED
            files.append(File.generated(config, uri, content=markdown, inclusion=inclusion))
            if session is not None:
                session.page_key(uri, page_keys[uri])
        for uri, content in site.files.items():  # the follow-up page's downloads (a few kilobytes)
            files.append(File.generated(config, uri, content=content))
        return files

    def _site(self, path: Path, key: str, settings: str, territory: Territory,
              config: MkDocsConfig, session: EditorSession | None) -> tuple[CalendarSite, list[Problem]]:
        """The calendar's pages: reused if the same inputs made them before, else read and rendered."""
        if session is None:  # make build: the pages of the same inputs, kept on disk by an earlier build
            made = kept_site(self.config.folder(config), key)
            if made is None:
                made = self._read(path, territory, config, None)
                keep_site(self.config.folder(config), key, made)
            return made
        # make serve: the pages of the previous build if the inputs did not change; otherwise only the
        # rows, forums and département pages that changed are done again (the first build fills the memos).
        kept = session.recall("calendar-site", key)
        if kept is not None:
            return kept
        memos: tuple[RowMemo, PageMemo] = session.recall("calendar-memos", settings) or (Memo(), Memo())
        session.remember("calendar-memos", settings, memos)
        rows, pages = memos
        rows.begin()  # a build that reads no row (the calendar read is kept) leaves the rows memo as it was
        pages.begin()
        # Saving data/calendriers.csv or data/syntheses.csv leaves the calendar as it was: its reading is kept.
        read_key = calendar_key(path, settings)
        campaign = load_campaign(project_of(config).campaign_file)
        calendar = session.recall("calendar-read", read_key)
        if calendar is None:
            calendar = read_calendar(path, territory=territory, campaign=campaign, memo=rows)
            session.remember("calendar-read", read_key, calendar)
        made = self._read(path, territory, config, pages, campaign=campaign, calendar=calendar)
        session.remember("calendar-site", key, made)
        return made

    def _read(self, path: Path, territory: Territory, config: MkDocsConfig, pages: PageMemo | None, *,
              campaign: Campaign | None = None, calendar: Calendar | None = None) -> tuple[CalendarSite, list[Problem]]:
        """Read and check the calendar (unless ``calendar`` is its reading), then render its pages; errors stop
        the build."""
        if campaign is None:
            campaign = load_campaign(project_of(config).campaign_file)
        if calendar is None:
            calendar = read_calendar(path, territory=territory, campaign=campaign)
        followed: list[Problem] = []
        receipts: list[CalendarReceipt] = []
        arrivals: list[SynthesisArrival] = []
        try:
            receipts = read_receipts(receipts_file(path), territory)
        except DataFileError as error:
            followed.extend(error.problems)
        try:
            arrivals = read_syntheses(syntheses_file(path), territory)
        except DataFileError as error:
            followed.extend(error.problems)
        if calendar.errors:
            count = len(calendar.errors)
            lines = "\n".join(f"  {_shown(problem, config)}" for problem in calendar.errors)
            raise PluginError(
                f"Le calendrier des forums contient {count} erreur{'s' if count > 1 else ''} ; "
                f"le site n'est pas construit.\n{lines}\n"
                "Corrigez le fichier puis relancez la construction "
                f"(.venv/bin/python scripts/forums.py check {_named(path, config)} donne le même diagnostic).")
        if followed:
            count = len(followed)
            lines = "\n".join(f"  {_shown(problem, config)}" for problem in followed)
            raise PluginError(
                f"Le suivi de la campagne : {count} erreur{'s' if count > 1 else ''} dans les calendriers ou les "
                f"synthèses reçus ; le site n'est pas construit.\n{lines}\n"
                "Corrigez les lignes indiquées puis relancez la construction.")
        progress = compute_progress(calendar.forums, territory, campaign, receipts, arrivals)
        # The site never shows the « contact » column (personal data): the pages, and the copy of them
        # kept in .cache/ for the next build, are made from forums without it.
        public = Ordered(replace(forum, contact="") if forum.contact else forum for forum in calendar.forums)
        site = render_calendar(public, territory, campaign, warnings=calendar.warnings,
                               data_date=progress.as_of.day, directory_urls=config.use_directory_urls, memo=pages)
        index_file = "" if config.use_directory_urls else "index.html"
        make = partial(render_progress, progress, territory, index_file=index_file)
        # make serve: a calendar edit that changes none of the follow-up's figures keeps its page and downloads.
        page = pages.get(("progress", content_key(pickle.dumps(progress)), index_file), make) \
            if pages is not None else make()
        site.pages[PROGRESS_URI] = page.markdown
        site.fragments[PROGRESS_URI] = page.fragments
        site.files.update(page.files)
        return site, list(calendar.warnings)

    def _hand_over_downloads(self, session: EditorSession, calendar: str, site: CalendarSite, territory: Territory,
                             site_dir: Path, cache_dir: Path) -> None:
        """Under make serve, the downloads that changed are written after the pages are served.

        ``calendar`` is the key of the calendar's inputs: while it is the one whose downloads the
        site folder holds (a page was saved, not the calendar), there is nothing to look at.
        """
        self._stop_worker()
        held: tuple[str, dict[str, str]] = (session.recall("calendar-downloads", str(site_dir)) or ("", {})) \
            if session.site_kept else ("", {})
        if held[0] == calendar:
            return
        described: Memo[str] = session.recall("calendar-described", "") or Memo()
        session.remember("calendar-described", "", described)
        described.begin()
        keys = download_keys(site, territory, described)
        written = held[1]
        changed = {path for path, key in keys.items() if written.get(path) != key}
        session.remember("calendar-downloads", str(site_dir), (calendar, keys))
        if not changed:
            return

        # One job per build, never merged with another's: they run in order, so the last build's files win.
        session.defer(DeferredFile(key=f"calendar-{time.monotonic_ns()}", targets=(),
                                   make=partial(publish_changed, site, territory, site_dir, cache_dir, changed),
                                   keep=no_keeping, kind="calendar"))

    def _start_downloads(self, forums: int, key: str, reference: Path, site_dir: Path, cache_dir: Path) -> None:
        """Make the downloads and write them into ``site_dir`` in a second process, while MkDocs writes the pages.

        The ICS, JSON and CSV files do not depend on the pages, and MkDocs has
        emptied ``site_dir`` before on_files: on two cores they are made (or taken
        from the cache) and written meanwhile; creating thousands of small files
        costs seconds on a busy disk. on_post_build waits for the process; if it
        could not start or failed, on_post_build does it all itself.
        """
        self._stop_worker()
        if forums >= PARALLEL_FROM:
            self.worker = DownloadsWorker.start(cache_dir, key, reference, site_dir)

    def _stop_worker(self) -> None:
        """Stop a process left by a build that failed before on_post_build (``mkdocs serve``)."""
        if self.worker is not None:
            self.worker.stop()
        self.worker = None

    # make build: the calendar pages an earlier build rendered with the same inputs are taken back
    # (kit.site.rendered); each event runs after every other plugin's, on what they left.

    @event_priority(-100)  # once every plugin has added its files
    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        if self.rendered is not None:
            self.rendered.begin(config, files, project_of(config).includes)
        return nav

    @event_priority(-100)
    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        if self.rendered is not None:
            self.rendered.set_globals(env)
        return env

    @event_priority(-100)
    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.rendered is not None and self.rendered.handles(page) and self.rendered.take_content(page):
            return ""  # its content is taken back in on_page_content
        return markdown

    @event_priority(-100)
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.rendered is not None and self.rendered.handles(page):
            return self.rendered.content(page, html, files)
        return html

    @event_priority(-100)
    def on_page_context(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        if self.rendered is not None and self.rendered.handles(page):
            self.rendered.take_output(context, page, config, nav)
        return context

    @event_priority(-50)  # after the accessibility fixes of the theme's markup, which need not read the tables
    def _fill_fragments(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        # After the search plugin has indexed the page: the big tables stay out of the index.
        fragments = self.site.fragments.get(page.file.src_uri) if self.site else None
        if not fragments or (self.rendered is not None and self.rendered.taken(page)):
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
        if self.rendered is not None and self.rendered.handles(page):
            return self.rendered.written(page, output)
        return output

    on_post_page = CombinedEvent(_fill_fragments, _keep_page)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.rendered is not None:
            self.rendered.keep()
        if self.site is None or self.territory is None or self.handed_over:
            return
        counts = None
        if self.worker is not None:
            counts = self.worker.result()
            self.worker = None
        if counts is None:
            counts = publish(self.site, self.territory, Path(config.site_dir), self.config.folder(config))
        total, reused, seconds = counts
        log.info("Calendrier des forums : %s à télécharger (%s en %s s, %s du cache)",
                 count(total, "fichier", "fichiers"), count(total - reused, "fait", "faits"), decimal(seconds),
                 count(reused, "repris", "repris"))

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_worker()
