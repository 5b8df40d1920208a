"""Interface strings reach the templates from kit.i18n.STRINGS, in the language of the page drawn."""

from __future__ import annotations

import re
from types import SimpleNamespace

from jinja2 import Environment, FileSystemLoader
from lxml import html as lxml_html

from conftest import ROOT
from kit.i18n import DEFAULT_LANGUAGE, STRINGS
from kit.site.i18n import I18nPlugin


def _env() -> Environment:
    return I18nPlugin().on_env(Environment())


def test_every_language_has_every_string() -> None:
    keys = set(STRINGS[DEFAULT_LANGUAGE])
    assert all(set(strings) == keys for strings in STRINGS.values())


def test_templates_get_the_strings_of_the_page_language() -> None:
    template = _env().from_string("{{ kit_lang() }}|{{ kit_strings().footer_label }}")
    for lang, strings in STRINGS.items():
        assert template.render(page=SimpleNamespace(kit_lang=lang)) == f"{lang}|{strings['footer_label']}"
    # Pages such as 404.html: no page, the French interface.
    assert template.render(page=None) == f"{DEFAULT_LANGUAGE}|{STRINGS[DEFAULT_LANGUAGE]['footer_label']}"


KIT_TEMPLATES = ("partials/kit-footer.html", "partials/kit-outdated.html", "partials/kit-provenance.html",
                 "partials/kit-documents.html", "partials/source-file.html", "partials/kit-version-mark.html",
                 "partials/kit-i18n.html", "partials/kit-skip.html")


def test_the_kit_templates_write_no_string_of_their_own() -> None:
    for name in KIT_TEMPLATES:
        text = (ROOT / "overrides" / name).read_text(encoding="utf-8")
        code = re.sub(r"\{#.*?#\}", "", text, flags=re.DOTALL)
        for strings in STRINGS.values():
            for key, value in strings.items():
                if len(value) > 3 and key != "changelog":
                    assert value not in code, f"{name}: « {value} » (kit.i18n.STRINGS[…][{key!r}])"
        # What is left once the Jinja code and the tags are taken out is what the reader would see
        # whatever the page's language: it must hold no word.
        text_only = re.sub(r"<[^>]*>", "", re.sub(r"\{%.*?%\}|\{\{.*?\}\}", "", code, flags=re.DOTALL))
        words = re.findall(r"[^\W\d_]+", text_only.replace("&nbsp;", " "))
        assert not words, f"{name}: words written in the template itself: {words}"


def test_provenance_is_said_in_the_page_language() -> None:
    env = _env()
    env.loader = FileSystemLoader(ROOT / "overrides")
    template = env.get_template("partials/kit-provenance.html")
    for lang, strings in STRINGS.items():
        for kind in ("officiel", "traduction", "edition"):
            page = SimpleNamespace(kit_lang=lang, meta={"provenance": kind})
            mark = lxml_html.fragment_fromstring(template.render(page=page))
            assert mark.get("data-provenance") == kind
            label = lxml_html.fragment_fromstring(strings[f"provenance_{kind}_label"], create_parent="p")
            detail = lxml_html.fragment_fromstring(strings[f"provenance_{kind}_detail"], create_parent="p")
            assert mark.findtext("strong") == label.text_content(), (lang, kind)
            assert mark.findtext("span") == detail.text_content(), (lang, kind)
    # No front matter (generated pages such as the calendar's): the edition's own text.
    mark = lxml_html.fragment_fromstring(template.render(page=SimpleNamespace(kit_lang="en", meta={})))
    assert mark.get("data-provenance") == "edition"
    assert mark.findtext("strong") == STRINGS["en"]["provenance_edition_label"]


def test_official_texts_are_dated_in_the_page_language() -> None:
    env = _env()
    env.loader = FileSystemLoader(ROOT / "overrides")
    template = env.get_template("partials/source-file.html")
    updated = SimpleNamespace(label="Mis à jour le", iso="2009-03-10", text="10 mars 2009")
    for lang, strings in STRINGS.items():
        for kind, dated in (("officiel", True), ("traduction", True), ("edition", False)):
            page = SimpleNamespace(kit_lang=lang, kit_updated=updated, meta={"provenance": kind},
                                   file=SimpleNamespace(src_uri="lettre.md"))
            fact = lxml_html.fragment_fromstring(template.render(page=page)).find("p")
            assert fact is not None
            assert (strings["official_dated"] in template.render(page=page)) is dated, (lang, kind)
            assert (fact.findtext("time") == lxml_html.fragment_fromstring(
                strings["official_dated"], create_parent="p").findtext("time")) is dated, (lang, kind)
