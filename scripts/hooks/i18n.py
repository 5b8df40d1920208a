"""MkDocs hook: puts right, around mkdocs-i18n 0.4.6, what the plugin gets wrong.

- It writes a list of language links before every H1: MkDocs 1.6 then takes
  the file name as the page title (« Index.en »), the links land in the search
  index and strict mode rejects them. The list is removed here; the language
  switch is drawn by ``overrides/partials/kit-i18n.html``, outside the content.
- Its links for a page that has no translation keep the configured value: they
  link here to the other language's home page, relative, so they never 404.
- 404.html is rendered before any page, when the plugin has not yet filtered
  the nav: it listed every page twice (French and English). It is filtered here
  for French; and once each page is written, the shared configuration (interface
  language, site name) is set back to French for whatever runs next.
- English pages get an English site name, English heading-link titles and
  English tooltips (includes/abbreviations.en.md), and weigh half in the search.
- Material's head links ``<link rel="alternate" hreflang>`` are dropped: its
  script fetched ``sitemap.xml`` beside each page they named (404 every time).
"""

from __future__ import annotations

from typing import Any

import _setup  # noqa: F401  (puts scripts/ on sys.path)
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
    translate_permalinks,
)
from kit.paths import INCLUDES_DIR
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

_state: dict[str, Any] = {"urls": {}, "site_name": None, "home": None, "abbreviations": {}}


def _translations(config: MkDocsConfig, lang: str) -> dict[str, str]:
    plugin = config.plugins.get("i18n")
    if plugin is None:
        return {}
    return dict(plugin.config.get("translate_nav", {}).get(lang, {}) or {})


def _site_name(config: MkDocsConfig, lang: str) -> str:
    """The site name in ``lang``, from the plugin's ``translate_nav`` table."""
    name = _state["site_name"] or config.site_name
    if lang == DEFAULT_LANGUAGE:
        return name
    return _translations(config, lang).get(name, name)


def _page_url(url: str) -> str:
    """MkDocs gives the home File the URL « ./ » but its Page the URL « »: use the latter."""
    return "" if url in (".", "./") else url


def on_config(config: MkDocsConfig, **_: Any) -> MkDocsConfig:
    if "i18n" not in config.plugins:
        raise PluginError("scripts/hooks/i18n.py : le module « i18n » (mkdocs-i18n) doit être déclaré dans plugins.")
    _state["site_name"] = config.site_name
    # English expansions of the acronyms, read once per build: includes/abbreviations.<lang>.md.
    _state["abbreviations"] = {
        lang: read_abbreviations(path.read_text(encoding="utf-8"))
        for lang in LANGUAGE_NAMES
        if (path := INCLUDES_DIR / f"abbreviations.{lang}.md").is_file()
    }
    return config


def on_files(files: Files, **_: Any) -> Files:
    _state["urls"] = {}
    return files


# English pages weigh half in the search: an English page matching a French query
# (« Balu », a proper noun) would otherwise come first for a French reader, and an
# English query still finds English pages first. A page's own « search: boost » wins.
ENGLISH_SEARCH_BOOST = 0.5


@event_priority(-50)  # after mkdocs-i18n has prepended its list
def on_page_markdown(markdown: str, *, page: Page, **_: Any) -> str:
    if language_of(page.file.src_uri) != DEFAULT_LANGUAGE:
        search = page.meta.setdefault("search", {})
        if isinstance(search, dict):
            search.setdefault("boost", ENGLISH_SEARCH_BOOST)
    return strip_injected_links(markdown)


def on_nav(nav: Navigation, *, files: Files, **_: Any) -> Navigation:
    # Every page's URL, so that each language link can be checked before it is drawn.
    _state["urls"] = {file.src_uri: _page_url(file.url) for file in files.documentation_pages()}
    _state["home"] = next((file.page for file in files.documentation_pages()
                           if file.src_uri == home_source(DEFAULT_LANGUAGE)), None)
    return nav


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, **_: Any) -> str:
    toc = config.mdx_configs.get("toc", {}) or {}
    french_title = toc.get("permalink_title") or STRINGS[DEFAULT_LANGUAGE]["permalink_title"]
    lang = language_of(page.file.src_uri)
    if lang == DEFAULT_LANGUAGE:
        return html
    # Tooltips: the appended abbreviations file is the French one (includes/abbreviations.md).
    if lang in _state["abbreviations"]:
        html = translate_abbreviations(html, _state["abbreviations"][lang])
    if french_title != STRINGS[DEFAULT_LANGUAGE]["permalink_title"]:
        return html
    return translate_permalinks(html, lang)


def _set_language(config: MkDocsConfig, lang: str) -> None:
    # Material reads config.theme.language, which mkdocs-i18n sets as an attribute.
    config.theme.language = lang  # type: ignore[attr-defined]
    config.theme["language"] = lang
    config.site_name = _site_name(config, lang)


def _set_alternate(config: MkDocsConfig, src_uri: str) -> None:
    alternate = config.extra.get("alternate")
    if not isinstance(alternate, list):
        return
    links = alternate_links(src_uri, _state["urls"])
    for entry in alternate:
        if isinstance(entry, dict) and entry.get("lang") in links:
            entry["link"] = links[entry["lang"]]


@event_priority(-50)  # after mkdocs-i18n's own on_page_context
def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, **_: Any) -> dict[str, Any]:
    src_uri = page.file.src_uri
    lang = language_of(src_uri)
    _set_language(config, lang)
    _set_alternate(config, src_uri)
    page.kit_lang = lang  # type: ignore[attr-defined]
    page.kit_languages = language_links(src_uri, page.url, _state["urls"])  # type: ignore[attr-defined]
    page.kit_strings = STRINGS[lang]  # type: ignore[attr-defined]
    return context


def on_template_context(context: dict[str, Any], *, template_name: str, config: MkDocsConfig,
                        **_: Any) -> dict[str, Any]:
    # Pages such as 404.html come after every page: put back the French interface and nav.
    home = _state["home"]
    plugin = config.plugins.get("i18n")
    nav = context.get("nav")
    if plugin is not None and home is not None and nav is not None:
        plugin.on_page_context({**context, "page": home}, page=home, config=config, nav=nav)
    _set_language(config, DEFAULT_LANGUAGE)
    _set_alternate(config, home_source(DEFAULT_LANGUAGE))
    return context


@event_priority(-100)  # last: once a page is written, the shared config is French again
def on_post_page(output: str, *, page: Page, config: MkDocsConfig, **_: Any) -> str:
    _set_language(config, DEFAULT_LANGUAGE)
    return drop_head_alternates(output)


def on_post_template(output_content: str, *, template_name: str, **_: Any) -> str:
    return drop_head_alternates(output_content) if template_name.endswith(".html") else output_content
