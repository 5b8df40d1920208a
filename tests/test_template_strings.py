"""Interface strings reach the templates from kit.i18n.STRINGS, in the language of the page drawn."""

from __future__ import annotations

import re
from types import SimpleNamespace

from jinja2 import Environment

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


def test_the_kit_templates_write_no_string_of_their_own() -> None:
    for name in ("lettre.html", "partials/kit-footer.html", "partials/kit-outdated.html"):
        text = (ROOT / "overrides" / name).read_text(encoding="utf-8")
        code = re.sub(r"\{#.*?#\}", "", text, flags=re.DOTALL)
        for strings in STRINGS.values():
            for key, value in strings.items():
                if len(value) > 3 and key != "changelog":
                    assert value not in code, f"{name}: « {value} » (kit.i18n.STRINGS[…][{key!r}])"
