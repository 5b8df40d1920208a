"""Calendar pages as an earlier ``make build`` rendered them, taken back while their inputs are the same.

At 4,000 forums the calendar has about 110 pages. Each went through Markdown and the
theme at every build (12 ms a page on the machine of CONTRIBUTING.md's measures),
although a build with the same inputs makes the same bytes. What MkDocs made of each
calendar page is kept in the calendar's cache under two keys:

- the content key (:meth:`RenderedPages._content_key`): what the calendar generated
  for the page (its Markdown and the tables put into it after the theme), with
  everything its HTML content, table of contents and title are made from (the
  configuration, the list of the site's files, the kit's code, ``includes/``, the
  installed packages). While it holds, Markdown is not run again on the page;
- the context key (:meth:`RenderedPages.take_output`): the content key, with
  everything the theme reads to draw the page (the navigation as drawn on that page,
  the page's own fields, the configuration as set for its language, the template
  globals, the ``overrides/`` folder). While it holds, the theme's HTML is taken back
  too; otherwise the theme draws the page as usual.

The page is then handed to the theme as the template :data:`TEMPLATE`
(``overrides/kit-reused-page.html``), which writes a mere mark, or Material's own
page when only the content could be taken back. The hooks that run after the theme
(the accessibility fixes, the language links) run on that mark, and the last one, the
calendar's, puts back the page as an earlier build wrote it after the same hooks: the
same bytes. The ids of the page's headings and the anchors its links point to come
back with it, so that MkDocs checks the links between pages as usual. Only ``make
build`` and publication reuse pages this way: under ``make serve`` the editor's loop
renders only what a save changed (kit.site.serve).
"""

from __future__ import annotations

import json
import pickle
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from kit.calendar.inputs import code_digest, folder_digest
from kit.site.compat import page_anchors, restore_anchors
from kit.store import ArtifactCache, content_key, unpickled

TEMPLATE = "kit-reused-page.html"  # in overrides/: a mark for a page taken back, or Material's page
SUFFIX = "rendered.pickle"
KEPT = 3  # the rendered pages of the last configurations built
# What the pages' HTML is made with besides the kit's own code.
PACKAGES = ("mkdocs", "mkdocs-material", "mkdocs-i18n", "markdown", "pymdown-extensions", "jinja2", "markupsafe",
            "mike", "babel")
# Settings keyed on their own (theme, plugins), or that change where or how strictly a build
# writes, never what a page holds.
UNRELATED_SETTINGS = frozenset({"config_file_path", "site_dir", "dev_addr", "strict", "watch", "validation",
                                "remote_branch", "remote_name", "theme", "plugins"})


@dataclass
class Rendered:
    """What MkDocs made of one calendar page."""

    content_key: str
    title: str | None
    content: str
    toc: TableOfContents
    anchors: set[str] = field(default_factory=set)  # the ids other pages' links may point to
    anchor_links: dict[str, dict[str, str]] = field(default_factory=dict)  # page -> anchor -> link, checked by MkDocs
    context_key: str = ""
    output: str = ""  # the page as written: the theme's HTML after every hook that runs after it


def _plain(value: Any) -> Any:
    """A value JSON does not know, as plain data: a set sorted, an object by its fields (not its address)."""
    if isinstance(value, (set, frozenset)):
        return sorted(_text(item) for item in value)
    if isinstance(value, Mapping):
        return {str(key): item for key, item in value.items()}
    if isinstance(value, tuple):
        return list(value)
    if is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__, {field.name: getattr(value, field.name) for field in fields(value)}]
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return [type(value).__qualname__, {key: item for key, item in vars(value).items() if not callable(item)}]
    return [type(value).__qualname__, str(value)]


def _text(value: Any) -> str:
    """``value`` as a text that is the same from one run to the next (for a key)."""
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=_plain)
    except (TypeError, ValueError, RecursionError):  # keys of several types, a cycle: never taken back
        return f"unkeyable {id(value)} {time.time_ns()}"


def _versions() -> str:
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}: absent")
    return " ".join(found)


def _nav_text(items: Iterable[Any]) -> list[Any]:
    """The navigation as the theme draws it: titles, addresses, the current section, each page's front matter."""
    return [[item.title, getattr(item, "url", None), bool(getattr(item, "active", False)), item.is_section,
             item.is_page, item.is_link, _own_meta(item.meta) if item.is_page else None,
             _nav_text(item.children) if item.children else None] for item in items]


def _own_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    """A page's front matter, without the template this module gives the pages it takes back."""
    return {key: value for key, value in meta.items() if not (key == "template" and value == TEMPLATE)}


def _neighbour(page: Page | None) -> Any:
    return None if page is None else [page.url, page.title]


class RenderedPages:
    """The calendar pages of one build: those taken back, those rendered, and the store for the next build."""

    def __init__(self, cache_dir: Path, pages: Mapping[str, str]) -> None:
        self.cache = ArtifactCache(cache_dir)
        self.pages = pages  # src_uri -> key of what the calendar generated (Markdown, tables put in after the theme)
        self.build_key = ""
        self.kept: dict[str, Rendered] = {}  # src_uri -> what an earlier build made, read in begin()
        self.made: dict[str, Rendered] = {}  # src_uri -> what this build made or took back
        self.content_taken: set[str] = set()  # pages whose Markdown is not run again
        self.output_taken: set[str] = set()  # pages whose theme's HTML is not made again either
        self.globals = ""

    def begin(self, config: MkDocsConfig, files: Files, includes: Path) -> None:
        """Before the pages are read: the key of the whole build's setting, and the pages it kept."""
        settings = {key: value for key, value in config.items() if key not in UNRELATED_SETTINGS}
        theme = config.theme
        self.build_key = content_key(
            code_digest(), _versions(),
            folder_digest(Path(theme.custom_dir)) if theme.custom_dir else "",
            folder_digest(includes),
            _text(settings), _text({"name": theme.name, "dirs": theme.dirs, "options": _theme(theme),
                                    "static": theme.static_templates}),
            _text({name: _plugin_setting(plugin) for name, plugin in config.plugins.items()}),
            _text(sorted((file.src_uri, file.dest_uri, file.url, str(file.inclusion)) for file in files)))
        data = self.cache.get(self.build_key, SUFFIX)
        try:
            kept = unpickled(data) if data is not None else {}
        except Exception:  # written by another version: rendered again
            kept = {}
        self.kept = kept if isinstance(kept, dict) else {}

    def set_globals(self, env: Environment) -> None:
        """The template globals that are plain values (the kit's version...), read by the theme."""
        self.globals = _text({key: value for key, value in env.globals.items()
                              if value is None or isinstance(value, (str, int, float, bool))})

    def handles(self, page: Page) -> bool:
        """A calendar page drawn by Material's page template (not one of its own)."""
        return page.file.src_uri in self.pages and page.meta.get("template", TEMPLATE) == TEMPLATE

    def _content_key(self, src_uri: str) -> str:
        return content_key(self.build_key, src_uri, self.pages[src_uri])

    def take_content(self, page: Page) -> bool:
        """Whether the page's content is taken back: Markdown then needs nothing to read."""
        src_uri = page.file.src_uri
        kept = self.kept.get(src_uri)
        if kept is None or kept.content_key != self._content_key(src_uri):
            return False
        self.content_taken.add(src_uri)
        page.meta["template"] = TEMPLATE
        return True

    def content(self, page: Page, html: str, files: Files) -> str:
        """The page's content after every content hook: taken back, or kept for the next build.

        With it come the ids of its headings and the anchors its links point to, which
        MkDocs checks at the end of the build (``validation: anchors``) as for any page.
        """
        src_uri = page.file.src_uri
        if src_uri in self.content_taken:
            kept = self.kept[src_uri]
            page.toc = kept.toc
            page.title = kept.title  # as Markdown and the content hooks left it
            restore_anchors(page, set(kept.anchors),
                            {target: dict(links) for uri, links in kept.anchor_links.items()
                             if (target := files.get_file_from_path(uri)) is not None})
            self.made[src_uri] = replace(kept, context_key="", output="")
            return kept.content
        present, links_to = page_anchors(page)
        self.made[src_uri] = Rendered(
            self._content_key(src_uri), page.title, html, page.toc, present,
            {target.src_uri: dict(links) for target, links in links_to.items()})
        return html

    def take_output(self, context: Mapping[str, Any], page: Page, config: MkDocsConfig, nav: Navigation) -> None:
        """Once every plugin has set the page's context: its key, and whether the page as written is taken back.

        The key covers what the theme reads: the context's values, the page's fields (the
        kit's ``kit_*`` ones included), the configuration as set for the page's language,
        the template globals and the navigation as drawn on this page.
        """
        made = self.made[page.file.src_uri]
        drawn = {key: value for key, value in context.items()
                 if key not in ("page", "nav", "pages", "config", "build_date_utc")}
        own = {"url": page.url, "canonical": page.canonical_url, "edit": page.edit_url, "home": page.is_homepage,
               "title": page.title, "meta": _own_meta(page.meta), "previous": _neighbour(page.previous_page),
               "next": _neighbour(page.next_page), "ancestors": [item.title for item in page.ancestors],
               "kit": {key: value for key, value in vars(page).items()
                       if key.startswith("kit_") and key != "kit_reused"}}
        # The configuration as this page's templates read it (kit-i18n gives each page its language's).
        page_config = context.get("config", config)
        key = content_key(made.content_key, self.globals, _text(drawn), _text(own),
                          _text({"site_name": page_config["site_name"], "extra": page_config["extra"],
                                 "theme": _theme(page_config["theme"])}),
                          _text(_nav_text(nav.items)), _text(_neighbour(nav.homepage)))
        kept = self.kept.get(page.file.src_uri)
        if page.file.src_uri in self.content_taken and kept is not None and kept.context_key == key:
            self.output_taken.add(page.file.src_uri)
            vars(page)["kit_reused"] = True  # read by the template: a mark instead of the page
        made.context_key = key

    def taken(self, page: Page) -> bool:
        """Whether the page as written is taken back (what the theme made of it is only a mark)."""
        return page.file.src_uri in self.output_taken

    def written(self, page: Page, html: str) -> str:
        """The page as written: taken back, or kept for the next build."""
        src_uri = page.file.src_uri
        made = self.made[src_uri]
        if src_uri in self.output_taken:
            made.output = self.kept[src_uri].output
        else:
            made.output = html
        return made.output

    def keep(self) -> None:
        """After a build that went through: its pages, for the next build with the same setting."""
        whole = {src_uri: made for src_uri, made in self.made.items() if made.context_key and made.output}
        if whole.keys() == self.kept.keys() and self.output_taken == whole.keys():
            return  # every page taken back: the store is the one to keep (begin() marked it as used)
        self.cache.put(self.build_key, SUFFIX, pickle.dumps(whole, protocol=pickle.HIGHEST_PROTOCOL))
        self.cache.keep_latest(SUFFIX, KEPT)


def _plugin_setting(plugin: Any) -> Any:
    """A plugin's options; for a hooks file (mkdocs.yml's ``hooks:``), its code."""
    options = getattr(plugin, "config", None)
    if isinstance(options, Mapping):
        return dict(options)
    source = getattr(plugin, "__file__", None)
    return content_key(Path(source).read_bytes()) if source and Path(source).is_file() else type(plugin).__name__


def _theme(theme: Mapping[str, Any]) -> dict[str, Any]:
    """The theme's options as the pages read them (the locale follows the language, which is there)."""
    return {**{key: value for key, value in theme.items() if key != "locale"},
            "language_attribute": getattr(theme, "language", None)}


class NoPagesTakenBack(RenderedPages):
    """Every calendar page rendered, none kept on disk: ``make serve``, whose session keeps what it needs."""

    def __init__(self) -> None:
        super().__init__(Path(), {})

    def begin(self, config: MkDocsConfig, files: Files, includes: Path) -> None:
        pass

    def set_globals(self, env: Environment) -> None:
        pass

    def handles(self, page: Page) -> bool:
        return False

    def keep(self) -> None:
        pass
