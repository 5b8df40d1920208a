"""MkDocs plugin: puts right, around mkdocs-i18n 0.4.6, what that plugin gets wrong.

- It writes a list of language links before every H1: MkDocs 1.6 then takes
  the file name as the page title (« Index.en »), the links land in the search
  index and strict mode rejects them. The list is removed here; the language
  switch is drawn by ``overrides/partials/kit-i18n.html``, outside the content.
- Its links for a page that has no translation keep the configured value: they
  link here to the other language's home page, relative, so they never 404.
- 404.html is rendered before any page, when the plugin has not yet filtered
  the nav: it listed every page twice (French and English). It is filtered here
  for French.
- Each page's templates read the interface language, the site name and the
  language links from a configuration of their own (kit.site.compat.PageConfig),
  into which mkdocs-i18n writes too: the shared configuration is never changed
  while pages render.
- English pages get an English site name and English tooltips
  (includes/abbreviations.en.md; the French ones, includes/abbreviations.md,
  are given to Markdown as its glossary), and weigh half in the search. Their
  heading links and footnotes are named by kit-a11y (kit.html.theme_markup).
- Material's head links ``<link rel="alternate" hreflang>`` are dropped: its
  script fetched ``sitemap.xml`` beside each page they named (404 every time).
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from kit.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    STRINGS,
    alternate_links,
    drop_head_alternates,
    home_source,
    language_links,
    language_of,
    read_abbreviations,
    strip_injected_links,
    translate_abbreviations,
)
from kit.paths import Project
from kit.site import NoOptions
from kit.site.compat import PageConfig

# English pages weigh half in the search: an English page matching a French query
# (« Balu », a proper noun) would otherwise come first for a French reader, and an
# English query still finds English pages first. A page's own « search: boost » wins.
ENGLISH_SEARCH_BOOST = 0.5


def _translations(config: MkDocsConfig, lang: str) -> dict[str, str]:
    plugin = config.plugins.get("i18n")
    if plugin is None:
        return {}
    return dict(plugin.config.get("translate_nav", {}).get(lang, {}) or {})


def _page_url(url: str) -> str:
    """MkDocs gives the home File the URL « ./ » but its Page the URL « »: use the latter."""
    return "" if url in (".", "./") else url


@pass_context
def _template_language(context: Context) -> str:
    """The language of the page a template draws (French for pages such as 404.html)."""
    return getattr(context.get("page"), "kit_lang", None) or DEFAULT_LANGUAGE


@pass_context
def _template_strings(context: Context) -> dict[str, str]:
    """The interface strings (:data:`kit.i18n.STRINGS`) in the language of the page a template draws."""
    return STRINGS[_template_language(context)]


class I18nPlugin(BasePlugin[NoOptions]):
    def __init__(self) -> None:
        super().__init__()
        self.urls: dict[str, str] = {}  # every page's URL, by source URI
        self.site_name: str | None = None
        self.home: Page | None = None
        self.abbreviations: dict[str, dict[str, str]] = {}

    def _site_name(self, config: MkDocsConfig, lang: str) -> str:
        """The site name in ``lang``, from the plugin's ``translate_nav`` table."""
        name = self.site_name or config.site_name
        if lang == DEFAULT_LANGUAGE:
            return name
        return _translations(config, lang).get(name, name)

    def on_config(self, config: MkDocsConfig, /) -> MkDocsConfig:
        if "i18n" not in config.plugins:
            raise PluginError("kit-i18n : le module « i18n » (mkdocs-i18n) doit être déclaré dans plugins.")
        self.site_name = config.site_name
        # English expansions of the acronyms, read once per build: includes/abbreviations.<lang>.md.
        includes = Project.of_config_file(config.config_file_path).includes
        self.abbreviations = {
            lang: read_abbreviations(path.read_text(encoding="utf-8"))
            for lang in LANGUAGE_NAMES
            if (path := includes / f"abbreviations.{lang}.md").is_file()
        }
        # French expansions: the abbr extension's glossary, read once per build (appended to every
        # page instead, they were parsed again on each one: 3 ms a page).
        french = includes / "abbreviations.md"
        if "abbr" in config.markdown_extensions and french.is_file():
            glossary = read_abbreviations(french.read_text(encoding="utf-8"))
            config.mdx_configs.setdefault("abbr", {})["glossary"] = glossary
        return config

    def on_env(self, env: Environment, /, **_: Any) -> Environment:
        # The templates take their words and their language from here: {{ kit_strings().footer_label }}.
        env.globals.update(kit_lang=_template_language, kit_strings=_template_strings)
        return env

    def on_files(self, files: Files, /, **_: Any) -> Files:
        self.urls = {}
        return files

    @event_priority(-50)  # after mkdocs-i18n has prepended its list
    def on_page_markdown(self, markdown: str, /, *, page: Page, **_: Any) -> str:
        if language_of(page.file.src_uri) != DEFAULT_LANGUAGE:
            search = page.meta.setdefault("search", {})
            if isinstance(search, dict):
                search.setdefault("boost", ENGLISH_SEARCH_BOOST)
        return strip_injected_links(markdown)

    def on_nav(self, nav: Navigation, /, *, files: Files, **_: Any) -> Navigation:
        # Every page's URL, so that each language link can be checked before it is drawn.
        self.urls = {file.src_uri: _page_url(file.url) for file in files.documentation_pages()}
        self.home = next((file.page for file in files.documentation_pages()
                          if file.src_uri == home_source(DEFAULT_LANGUAGE)), None)
        return nav

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, **_: Any) -> str:
        lang = language_of(page.file.src_uri)
        if lang == DEFAULT_LANGUAGE:
            return html
        # Tooltips: Markdown's glossary is the French one (includes/abbreviations.md, see on_config).
        if lang in self.abbreviations:
            html = translate_abbreviations(html, self.abbreviations[lang])
        return html

    def _page_config(self, config: MkDocsConfig, lang: str) -> PageConfig:
        """The configuration as a page in ``lang`` reads it (its language, site name and language links)."""
        return PageConfig(config, language=lang, site_name=self._site_name(config, lang))

    def _set_alternate(self, config: PageConfig, src_uri: str) -> None:
        alternate = config["extra"].get("alternate")
        if not isinstance(alternate, list):
            return
        links = alternate_links(src_uri, self.urls)
        for entry in alternate:
            if isinstance(entry, dict) and entry.get("lang") in links:
                entry["link"] = links[entry["lang"]]

    @event_priority(50)  # before mkdocs-i18n's own on_page_context, which sets the language it finds there
    def _give_page_config(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                          nav: Navigation) -> TemplateContext:
        context["config"] = self._page_config(config, language_of(page.file.src_uri))  # type: ignore[typeddict-item]
        return context

    @event_priority(-50)  # after mkdocs-i18n's own on_page_context
    def _set_page_language(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                           nav: Navigation) -> TemplateContext:
        src_uri = page.file.src_uri
        lang = language_of(src_uri)
        page_config = context["config"]
        if isinstance(page_config, PageConfig):
            self._set_alternate(page_config, src_uri)
        # Read by the templates (overrides/partials/kit-i18n.html and others).
        vars(page).update(kit_lang=lang, kit_languages=language_links(src_uri, page.url, self.urls),
                          kit_strings=STRINGS[lang])
        return context

    on_page_context = CombinedEvent(_give_page_config, _set_page_language)

    def on_template_context(self, context: TemplateContext, /, *, template_name: str,
                            config: MkDocsConfig) -> TemplateContext:
        # Pages such as 404.html come after every page: the French interface and nav.
        page_config = self._page_config(config, DEFAULT_LANGUAGE)
        home = self.home
        plugin = config.plugins.get("i18n")
        nav = context.get("nav")
        if plugin is not None and home is not None and nav is not None:
            plugin.on_page_context({**context, "config": page_config, "page": home}, page=home, config=config,
                                   nav=nav)
        self._set_alternate(page_config, home_source(DEFAULT_LANGUAGE))
        context["config"] = page_config  # type: ignore[typeddict-item]
        return context

    @event_priority(-100)  # last
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig, **_: Any) -> str:
        return drop_head_alternates(output)

    def on_post_template(self, output_content: str, /, *, template_name: str, **_: Any) -> str:
        return drop_head_alternates(output_content) if template_name.endswith(".html") else output_content
