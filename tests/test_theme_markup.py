"""The fixes of the theme's and Markdown's HTML (kit.html.theme_markup), on the built site and on samples."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import page
from kit.html.theme_markup import (
    focusable_abbreviations,
    mark_french_quotes,
    name_footnotes,
    name_icon_only_toggles,
    unlink_orphan_labels,
)


def test_built_pages_carry_none_of_the_theme_errors(site: Path) -> None:
    for url in ["", "note/", "calendrier/", "index.en/"]:
        html = page(site, url)
        assert 'tabindex=""' not in html, url
        assert not re.search(r'<input[^>]*type="checkbox"[^>]*autocomplete', html), url
        assert "Jump back to footnote" not in html and "Permanent link" not in html, url
        assert not re.search(r"\brequired\b", re.search(r'<input[^>]*md-search__input[^>]*>', html).group(0)), url


def test_each_section_toggle_is_named_by_its_own_section(site: Path) -> None:
    """The icon-only toggle of a menu section whose title is a link reads that title, and that title only."""
    html = page(site, "")
    names = re.findall(r'<span class="kit-sr-only">(.*?)</span>', html, re.S)
    assert names, "no section toggle named"
    titles = set(re.findall(r'<span class="md-ellipsis">\s*(.*?)\s*</span>', html, re.S))
    for name in names:
        assert "<" not in name and "\n" not in name and name in titles, name


def test_toggle_name_stops_at_its_own_link() -> None:
    link = '<a href="{url}" class="md-nav__link">\n<span class="md-ellipsis">\n{title}\n</span>\n</a>\n'
    label = '<label class="md-nav__link" for="__nav_{n}" id="__nav_{n}_label" tabindex="0">\n' \
            '<span class="md-nav__icon md-icon"></span>\n</label>'
    html = (link.format(url="a/", title="Accueil") + "<ul>" + link.format(url="b/", title="Le <em>kit</em>") + "</ul>"
            + link.format(url="c/", title="Calendrier") + label.format(n=2)
            + link.format(url="d/", title="Le <span lang=\"fr\">kit</span>") + label.format(n=3))
    fixed = name_icon_only_toggles(html)
    assert re.findall(r'<span class="kit-sr-only">(.*?)</span>', fixed) == ["Calendrier", "Le kit"]
    # A page of a thousand links is fixed in linear time (it used to take seconds per page).
    many = (link.format(url="x/", title="Forum") * 2000) + link.format(url="c/", title="Calendrier") + label.format(n=4)
    assert name_icon_only_toggles(many).count("kit-sr-only") == 1


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
