"""The fixes of the theme's and Markdown's HTML (kit.theme_markup), on the built site and on samples."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import page
from kit.theme_markup import (
    focusable_abbreviations,
    mark_french_quotes,
    name_footnotes,
    unlink_orphan_labels,
)


def test_built_pages_carry_none_of_the_theme_errors(site: Path) -> None:
    for url in ["", "note/", "calendrier/", "index.en/"]:
        html = page(site, url)
        assert 'tabindex=""' not in html, url
        assert not re.search(r'<input[^>]*type="checkbox"[^>]*autocomplete', html), url
        assert "Jump back to footnote" not in html, url
        assert not re.search(r"\brequired\b", re.search(r'<input[^>]*md-search__input[^>]*>', html).group(0)), url


def test_footnotes_are_named_in_the_page_language() -> None:
    html = ('<sup id="fnref:2"><a class="footnote-ref" href="#fn:2">2</a></sup>'
            '<a class="footnote-backref" href="#fnref:2" title="Jump back to footnote 2 in the text">&#8617;</a>')
    french = name_footnotes(html, "fr")
    assert 'aria-label="Note 2"' in french
    assert french.count("Revenir à l&#x27;appel de note 2") == 2 and "Jump back" not in french
    assert 'aria-label="Back to note 2 in the text"' in name_footnotes(html, "en")


def test_only_the_first_occurrence_of_an_acronym_takes_the_focus() -> None:
    html = '<abbr title="Boîte">Balu</abbr> <abbr title="Boîte">Balu</abbr> <abbr title="Délégation">DICOM</abbr>'
    fixed = focusable_abbreviations(html)
    assert fixed.count('tabindex="0"') == 2
    assert fixed.index('tabindex="0"') < fixed.index("Balu")


def test_label_without_its_control_becomes_text() -> None:
    html = '<input id="__drawer"><label for="__drawer">A</label><label class="md-nav__title" for="__toc">T</label>'
    fixed = unlink_orphan_labels(html)
    assert '<label for="__drawer">A</label>' in fixed
    assert '<span class="md-nav__title">T</span>' in fixed


def test_french_quotations_are_marked_in_text_only() -> None:
    html = ('<head><title>« Titre »</title></head><body><p title="« x »">See « vos libertés » and '
            '<span lang="fr">« déjà »</span>.</p><script>var a = "« y »";</script></body>')
    fixed = mark_french_quotes(html)
    assert '<span lang="fr">« vos libertés »</span>' in fixed
    assert 'title="« x »"' in fixed and '"« y »"' in fixed and "<title>« Titre »</title>" in fixed
    assert fixed.count('lang="fr"') == 2
