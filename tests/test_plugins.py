"""The kit's MkDocs plugins driven in-process, on a configuration loaded from mkdocs.yml (no build)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from conftest import PROJECT, ROOT
from kit.calendar.locations import COVERAGE_URI, INDEX_URI, departement_uri
from kit.calendar.model import load_campaign
from kit.calendar.read import read_calendar
from kit.campaign.page import EXPORT_NAME, PROGRESS_SECTION, PROGRESS_URI
from kit.site.i18n import ENGLISH_SEARCH_BOOST, I18nPlugin
from kit.site.typography import TypographyPlugin
from kit.territory import load_territory

FIXTURES = Path(__file__).parent / "data" / "calendar"


@pytest.fixture
def mkdocs_config(tmp_path: Path) -> Iterator[MkDocsConfig]:
    """The project's configuration, as MkDocs loads it, building into a temporary folder."""
    config = load_config(config_file=str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    # Set by MkDocs while it runs an event: File.generated records which plugin made the file.
    config.plugins._current_plugin = "kit-calendar"
    yield config


def test_plugins_run_in_the_order_of_mkdocs_yml(mkdocs_config: MkDocsConfig) -> None:
    names = [name for name in mkdocs_config.plugins if name.startswith("kit-")]
    assert names == ["kit-messages", "kit-letter", "kit-films", "kit-typography", "kit-i18n", "kit-versions",
                     "kit-calendar", "kit-documents", "kit-a11y", "kit-templates"]
    # MkDocs' warnings are said in French before any plugin can log one (kit-messages' on_config runs first).
    assert type(mkdocs_config.plugins.events["config"][0].__self__).__module__ == "kit.site.messages"
    # MkDocs dispatches on_page_content to the kit's plugins in that order; the calendar's comes last
    # (priority -100): it takes back the content of its pages after every other plugin has run.
    handlers = [type(method.__self__).__module__ for method in mkdocs_config.plugins.events["page_content"]
                if type(method.__self__).__module__.startswith("kit.")]
    assert handlers == ["kit.site.letter", "kit.site.films", "kit.site.typography", "kit.site.i18n", "kit.site.documents",
                        "kit.site.a11y", "kit.site.calendar"]


def test_calendar_with_errors_stops_the_build_in_french(mkdocs_config: MkDocsConfig) -> None:
    mkdocs_config.extra["forums_csv"] = str(FIXTURES / "erreurs.csv")
    with pytest.raises(PluginError) as caught:
        mkdocs_config.plugins["kit-calendar"].on_files(Files([]), config=mkdocs_config)
    message = str(caught.value)
    assert "Le calendrier des forums contient 2 erreurs" in message
    assert re.search(r"erreurs\.csv:3: erreur : date impossible", message)
    assert re.search(r"erreurs\.csv:4: erreur : département « 99 » inconnu", message)


def test_missing_calendar_is_named(mkdocs_config: MkDocsConfig, tmp_path: Path) -> None:
    mkdocs_config.extra["forums_csv"] = str(tmp_path / "absent.csv")
    with pytest.raises(PluginError, match=r"absent\.csv est introuvable"):
        mkdocs_config.plugins["kit-calendar"].on_files(Files([]), config=mkdocs_config)


def test_calendar_adds_its_pages(mkdocs_config: MkDocsConfig) -> None:
    mkdocs_config.extra["forums_csv"] = str(FIXTURES / "forums.csv")
    plugin = mkdocs_config.plugins["kit-calendar"]
    files = plugin.on_files(Files([]), config=mkdocs_config)
    calendar = read_calendar(FIXTURES / "forums.csv", territory=load_territory(PROJECT.reference), campaign=load_campaign(PROJECT.campaign_file))
    codes = {forum.departement for forum in calendar.forums}
    uris = {file.src_uri for file in files}
    downloads = {f"{PROGRESS_SECTION}/{EXPORT_NAME}.csv", f"{PROGRESS_SECTION}/{EXPORT_NAME}.xlsx"}
    assert uris == {INDEX_URI, COVERAGE_URI, PROGRESS_URI} | {departement_uri(code) for code in codes} | downloads
    # Département pages stay out of the nav; the two calendar pages and the follow-up are in it.
    for file in files:
        if file.src_uri not in downloads:
            assert file.inclusion.is_in_nav() == (file.src_uri in (INDEX_URI, COVERAGE_URI, PROGRESS_URI))
    plugin.on_build_error(error=RuntimeError("arrêt"))
    assert plugin.build is None and plugin.worker is None


def _page(config: MkDocsConfig, src_uri: str) -> Page:
    file = File.generated(config, src_uri, content="# Titre\n")
    return Page(None, file, config)


def test_english_pages_weigh_less_in_search_and_lose_injected_links(mkdocs_config: MkDocsConfig) -> None:
    plugin = I18nPlugin()
    injected = "- [Français](../lettre/)\n{: .i18n-link .i18n-link-found .i18n-link-fr }\n\n\n# Letter\n"
    english = _page(mkdocs_config, "lettre.en.md")
    assert plugin.on_page_markdown(injected, page=english) == "# Letter\n"
    assert english.meta["search"] == {"boost": ENGLISH_SEARCH_BOOST}
    french = _page(mkdocs_config, "lettre.md")
    plugin.on_page_markdown("# Lettre\n", page=french)
    assert "search" not in french.meta


def test_typography_applies_to_french_pages_only(mkdocs_config: MkDocsConfig) -> None:
    plugin = TypographyPlugin()
    html = "<p>Question : « oui » ?</p><code>a : b</code>"
    french = plugin.on_page_content(html, page=_page(mkdocs_config, "note.md"))
    assert french == "<p>Question\u00a0: «\u00a0oui\u00a0»\u202f?</p><code>a : b</code>"
    assert plugin.on_page_content(html, page=_page(mkdocs_config, "note.en.md")) == html


def test_i18n_gives_each_page_its_configuration_and_leaves_the_shared_one(mkdocs_config: MkDocsConfig) -> None:
    plugin = I18nPlugin()
    plugin.on_config(mkdocs_config)
    site_name, theme_language = mkdocs_config.site_name, mkdocs_config.theme["language"]
    alternate = json.dumps(mkdocs_config.extra.get("alternate"))
    plugin.urls = {"lettre.md": "lettre/", "lettre.en.md": "lettre.en/", "index.md": "", "index.en.md": "index.en/"}
    english = _page(mkdocs_config, "lettre.en.md")
    nav = Navigation([], [])
    context = plugin._give_page_config(cast(TemplateContext, {}), page=english, config=mkdocs_config, nav=nav)
    context = plugin._set_page_language(context, page=english, config=mkdocs_config, nav=nav)
    page_config = context["config"]
    assert page_config["theme"]["language"] == page_config.theme.language == "en"
    assert page_config.site_name == "2009 security forums: the kit"
    assert {entry["lang"]: entry["link"] for entry in page_config.extra["alternate"]} == {
        "fr": "lettre/", "en": "lettre.en/"}
    # What Material reads for every other page, and mkdocs.yml's values, are as they were.
    assert (mkdocs_config.site_name, mkdocs_config.theme["language"]) == (site_name, theme_language)
    assert getattr(mkdocs_config.theme, "language", theme_language) == theme_language
    assert json.dumps(mkdocs_config.extra.get("alternate")) == alternate
