"""Everything the kit takes from MkDocs' internals, in one place, and the versions it was checked with.

The kit's plugins use MkDocs' documented API (plugin events, ``mkdocs.commands.build.build``,
``LiveReloadServer`` built and served as Material's projects builder does). What they need beyond
it (a private function, a private attribute, a method replaced on one object) is reached through
this module only: each use is one function below, saying what it is, why the kit needs it and
which public API was considered. ``tests/test_compat.py`` checks that each one still exists and
behaves on the versions of ``requirements.lock``; :func:`check_versions` stops a build or
``make serve`` at once, in French, when another version is installed.

Material is used through its documented settings and template overrides, except for the
format in which its search plugin writes the index (:func:`search_index_text`). The kit relies
on the behaviour of mkdocs-i18n 0.4 (its list of language links before each H1, its
``on_page_context`` writing the theme's language and the language links into the page's
context, called again by ``kit.site.i18n`` for 404.html), which ``kit.site.i18n`` puts right
or catches (:class:`PageConfig`): that is why its version is checked too.
"""

from __future__ import annotations

import copy
import importlib.metadata
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

from jinja2 import Environment
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, PluginCollection
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page
from mkdocs.theme import Theme

# The versions of requirements.lock the kit was checked with (tests/test_compat.py compares them with
# the lock): any release of the same major.minor is accepted.
CHECKED_WITH: dict[str, str] = {
    "mkdocs": "1.6.1",
    "mkdocs-material": "9.8.2",
    "mkdocs-i18n": "0.4.6",
}
_NAMES = {"mkdocs": "MkDocs", "mkdocs-material": "Material for MkDocs", "mkdocs-i18n": "mkdocs-i18n"}


def _major_minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def version_problems(installed: Callable[[str], str] = importlib.metadata.version) -> list[str]:
    """One French sentence per package installed at a version the kit was not checked with."""
    problems = []
    for package, expected in CHECKED_WITH.items():
        try:
            found = installed(package)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f"{_NAMES[package]} n'est pas installé (version attendue : {expected})")
            continue
        if _major_minor(found) != _major_minor(expected):
            problems.append(f"{_NAMES[package]} {found} est installé, mais le kit a été vérifié avec la version "
                            f"{'.'.join(_major_minor(expected))} ({expected} dans requirements.lock)")
    return problems


def version_error(problems: list[str]) -> str:
    """The message that stops a build or ``make serve`` on a version the kit was not checked with."""
    return ("Le kit ne peut pas être construit avec les modules installés : " + " ; ".join(problems) + ". "
            "Tapez « make serve » (ou « make build ») : ces commandes réinstallent les versions de "
            "requirements.lock dans .venv ; si le message revient, supprimez le fichier .venv/.installed puis "
            "recommencez.")


def check_versions(installed: Callable[[str], str] = importlib.metadata.version) -> str | None:
    """The French error if an installed MkDocs, Material or mkdocs-i18n is not one the kit was checked with.

    Reading three installed versions takes about a millisecond (no module is imported).
    """
    problems = version_problems(installed)
    return version_error(problems) if problems else None


# --- make serve (kit.site.serve) -----------------------------------------------------------------


def serve_url(host: str, port: int, mount_path: str) -> str:
    """The address MkDocs' own server gives the build (``mkdocs.livereload._serve_url``, private).

    Why: ``make serve`` builds with ``serve_url`` as ``mkdocs serve`` does, so that pages, sitemap and
    messages carry the very address MkDocs would print. Public API considered: none gives this address
    (``mkdocs.commands.serve`` computes it inside ``serve()``); copying its two lines would drift
    silently if MkDocs changed how it normalises the mount path.
    """
    from mkdocs import livereload

    return str(livereload._serve_url(host, port, mount_path))


def add_plugin(plugins: PluginCollection, name: str, plugin: BasePlugin[Any]) -> None:
    """Add ``plugin`` to a loaded configuration's plugins, its events registered as mkdocs.yml's are.

    Why: the editor's loop gives each build its own plugin (``kit-editor-loop``), which is never
    listed in mkdocs.yml. ``PluginCollection.__setitem__`` registers the plugin's ``on_*`` methods
    (not documented). Public API considered: a plugin declared in mkdocs.yml cannot be handed the
    server's memory.
    """
    plugins[name] = plugin


def render_only_if(file: File, changed: bool) -> None:
    """Tell MkDocs' dirty build whether ``file``'s page must be read and rendered again.

    Why: ``build(config, dirty=True)`` asks each page's ``File.is_modified()``, which compares
    modification times; the editor's loop knows exactly which pages changed (a generated page's
    content key, a page whose source was saved). The method is replaced on this one File object.
    Public API considered: ``File.is_modified`` is public but takes no hint; a subclass of File
    cannot be used because MkDocs and the other plugins create the File objects.
    """
    file.is_modified = partial(bool, changed)  # type: ignore[method-assign]


def wrap_theme_env(theme: Theme, change: Callable[[Environment], Environment]) -> None:
    """Pass every Jinja environment ``theme`` makes through ``change`` (replaces ``Theme.get_env`` on it).

    Why: the editor's loop gives the environment a bytecode cache kept for the whole session, and
    a partial build a loader that lists the theme's files known from the last full build. MkDocs
    lists the theme's files (``Files.add_files_from_theme``) right after ``get_env()`` and before the
    ``on_env`` event, so ``on_env`` (the public API considered) comes too late for the loader.
    """
    make_env = theme.get_env

    def get_env() -> Environment:
        return change(make_env())

    theme.get_env = get_env  # type: ignore[method-assign]


def wake_server(server: LiveReloadServer) -> None:
    """Make ``server`` call its builder now, as its own file watcher does (``_rebuild_cond``, ``_want_rebuild``).

    Why: the editor's loop starts a rebuild when inotify reports a save and when deferred documents
    are ready. Public API considered: ``LiveReloadServer.watch()`` starts a rebuild only through its
    own polling observer (half a second late), and no method wakes the build loop.
    """
    condition: threading.Condition = server._rebuild_cond
    with condition:
        server._want_rebuild = True
        condition.notify_all()


def watched_count(server: LiveReloadServer) -> dict[str, int]:
    """The server's record of watched folders (``_watched_paths``: path → how many times watched).

    Why: :class:`kit.site.serve.KitServer` replaces ``watch()`` (inotify, and each change's path told
    to the loop) and keeps the record as MkDocs' ``unwatch()`` expects it. Public API considered:
    ``watch(path, recursive)`` takes no handler of the caller's.
    """
    paths: dict[str, int] = server._watched_paths
    return paths


def keep_watch(server: LiveReloadServer, path: str, watch: Any) -> None:
    """Record ``watch`` (the observer's handle) as MkDocs' ``unwatch()`` looks it up (``_watch_refs``)."""
    server._watch_refs[path] = watch


def use_observer(server: LiveReloadServer, observer: Any) -> None:
    """Give ``server`` ``observer`` instead of its polling one (attribute ``observer``, not documented).

    Why: MkDocs' server polls every half second; the kit's editor's loop is told of a save at once
    (inotify, watchdog's native observer). ``serve()`` starts and stops ``server.observer``. Public API
    considered: ``LiveReloadServer`` takes no observer argument.
    """
    server.observer = observer


def set_build_delay(server: LiveReloadServer, seconds: float) -> None:
    """How long ``server`` waits for more changes before it builds (attribute ``build_delay``, not documented).

    Why: MkDocs waits a tenth of a second after a change; the editor's loop is told of each saved file at
    once (inotify) and builds sooner. Public API considered: ``LiveReloadServer`` takes no such argument.
    The kit also overrides ``serve_request`` (the server's WSGI application, to add the problems'
    banner to the pages) and sets ``error_handler``, as ``mkdocs.commands.serve`` itself does.
    """
    server.build_delay = seconds


# What MkDocs logs at the start of every dirty build (mkdocs.commands.build): a warning, which stops a strict
# build. The editor's loop's dirty builds are exact (it says which pages to render): the warning is dropped.
DIRTY_BUILD_WARNING = "A 'dirty' build is being performed"


def search_index_text(data: Mapping[str, Any]) -> str:
    """The search index as Material's search plugin writes ``search/search_index.json``.

    Why: after a partial rebuild the editor's loop merges the saved pages' entries into the index of the
    last full build, and writes it back byte for byte as a full build would. Public API considered:
    Material's ``SearchIndex`` cannot be given the entries of a previous build.
    """
    return json.dumps(data, separators=(",", ":"), default=str)


def page_anchors(page: Page) -> tuple[set[str], dict[File, dict[str, str]]]:
    """The anchors a rendered page holds and the anchors its links point to (``Page.present_anchor_ids``,
    ``Page.links_to_anchors``), which MkDocs checks at the end of the build (``validation: anchors``)."""
    return set(page.present_anchor_ids or ()), dict(page.links_to_anchors or {})


def restore_anchors(page: Page, present: set[str], links: dict[File, dict[str, str]]) -> None:
    """Give a page taken back from an earlier build (kit.site.rendered) the anchors MkDocs would have found.

    Why: the calendar's pages are not run through Markdown again when their content did not change;
    MkDocs sets these attributes while rendering, and checks them after the last page. Public API
    considered: none (the attributes are documented, setting them from a plugin is not).
    """
    page.present_anchor_ids = present
    page.links_to_anchors = links


# --- kit-i18n: the theme's language and the site name per page, without changing the configuration ---


class PageTheme(Mapping[str, Any]):
    """The theme as one page's templates read it: the shared :class:`Theme` with this page's language.

    mkdocs-i18n sets ``theme.language`` (an attribute, which Material's templates read as
    ``config.theme.language``) in its ``on_page_context``; given this object in the page's
    context, it sets it here, and the shared theme stays as configured.
    """

    def __init__(self, theme: Theme, language: str) -> None:
        self._theme = theme
        self.language = language

    def __getattr__(self, name: str) -> Any:
        return getattr(self._theme, name)

    def __getitem__(self, key: str) -> Any:
        return self.language if key == "language" else self._theme[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._theme)

    def __len__(self) -> int:
        return len(self._theme)


class PageConfig:
    """The configuration as one page's templates read it: the shared one, with this page's theme language,
    site name and ``extra`` (a copy whose ``alternate`` language links are this page's).

    Material's templates read ``config.site_name``, ``config.theme.language`` and ``config.extra.alternate``;
    mkdocs-i18n writes the language and the links into ``context["config"]``. Given this object in the
    page's context (before mkdocs-i18n's ``on_page_context``), both write here: the shared configuration
    is never changed while pages render. Everything else is read from the shared configuration.
    """

    def __init__(self, config: Mapping[str, Any], *, language: str, site_name: str) -> None:
        extra = copy.copy(config["extra"])
        if "alternate" in extra:
            extra["alternate"] = copy.deepcopy(extra["alternate"])
        self._config = config
        self._own: dict[str, Any] = {"theme": PageTheme(config["theme"], language), "site_name": site_name,
                                     "extra": extra}

    def __getattr__(self, name: str) -> Any:
        own = self.__dict__.get("_own", {})
        return own[name] if name in own else getattr(self._config, name)

    def __getitem__(self, key: str) -> Any:
        return self._own[key] if key in self._own else self._config[key]

    def __contains__(self, key: object) -> bool:
        return key in self._own or key in self._config

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else default
