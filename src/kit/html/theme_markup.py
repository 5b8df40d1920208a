"""Fixes to the HTML that Material 9.8 and Python-Markdown write, for RGAA 4.1.

Two kinds of fixes, each a pure function on a page's HTML:

- validity (W3C Nu checker, RGAA 8.2), on the whole page: the theme writes
  ``autocomplete`` on its checkboxes, ``tabindex=""`` on the section labels of
  the menu, and a ``<label for="__toc">`` on pages whose toggle it does not write;
- names (RGAA 6.1, 7.1, 8.7, 10.13), on the page content: footnote calls read
  « 1 », back-links « ↩ », heading permalinks « # »; the acronyms' tooltips are
  reachable with the mouse only; the section of the menu whose title is a link
  has a navigation landmark named by an empty label.

Material's partials stay untouched: copying base.html or nav-item.html for an
attribute each would freeze a large part of the theme.
"""

from __future__ import annotations

import html
import re

from kit.html.text import ATTRIBUTES, END, START, tokens
from kit.i18n import DEFAULT_LANGUAGE, STRINGS


def _names(lang: str) -> dict[str, str]:
    """The interface strings of a page in ``lang`` (:data:`kit.i18n.STRINGS`; French by default)."""
    return STRINGS.get(lang, STRINGS[DEFAULT_LANGUAGE])


# --- Validity of the theme's markup -------------------------------------------------------

_CHECKBOX = re.compile(r'<input\b[^>]*\btype="checkbox"[^>]*>')
_ID = re.compile(r'id="([^"]+)"')  # an « id » attribute when no word character comes before it
_WORD_CHAR = re.compile(r"\w")
_LABEL_FOR = re.compile(r'<label\b([^>]*?)\s+for="([^"]+)"([^>]*)>(.*?)</label>', re.S)


def drop_checkbox_autocomplete(page_html: str) -> str:
    """``autocomplete`` is not allowed on checkboxes (Material's drawer and search toggles)."""
    return _CHECKBOX.sub(lambda m: m.group(0).replace(' autocomplete="off"', ""), page_html)


def drop_empty_tabindex(page_html: str) -> str:
    """``tabindex=""`` (the menu's section labels) is not a valid integer: no attribute at all."""
    if 'tabindex=""' not in page_html:
        return page_html
    # The attribute and the white space before it; found by its text first (a pattern starting with
    # white space would try every run of the theme's indentation).
    pieces = page_html.split('tabindex=""')
    out = [pieces[0]]
    for piece in pieces[1:]:
        before = out[-1]
        kept = before.rstrip()
        out[-1] = kept if kept != before else before + 'tabindex=""'
        out.append(piece)
    return "".join(out)


def unlink_orphan_labels(page_html: str) -> str:
    """A ``<label for>`` whose control the page lacks becomes a ``<span>`` with the same look.

    Material writes the « Table des matières » title as ``<label for="__toc">``
    even on pages (section indexes) where it writes no ``__toc`` checkbox.
    """
    ids = {match.group(1) for match in _ID.finditer(page_html)
           if not match.start() or not _WORD_CHAR.match(page_html, match.start() - 1)}

    def fix(match: re.Match[str]) -> str:
        before, target, after, content = match.groups()
        if target in ids:
            return match.group(0)
        return f"<span{before}{after}>{content}</span>"

    return _LABEL_FOR.sub(fix, page_html)


# A menu section whose title is a link (navigation.indexes): Material labels its
# <nav> with the toggle next to the link, an icon without text.
_ICON_ONLY_LABEL = re.compile(
    r'<label class="md-nav__link[^"]*" for="[^"]+" id="[^"]+"[^>]*>(\s*<span class="md-nav__icon md-icon"></span>\s*)(</label>)')
# The section's link, just before its toggle (searched for in the text before the label).
_SECTION_LINK = re.compile(
    r'<a href="[^"]*" class="md-nav__link[^"]*">\s*<span class="md-ellipsis">\s*'
    # The title: text and inline tags, never the end of its own span.
    r'(?P<title>(?:[^<]|<(?!/?span\b)|<span\b[^>]*>[^<]*</span>)*?)\s*</span>\s*</a>\s*\Z',
    re.S,
)
_LINK_WINDOW = 4000  # characters before a toggle where its section's link is looked for


def name_icon_only_toggles(page_html: str) -> str:
    """Give the icon-only toggle of a menu section whose title is a link its title, as text for
    assistive technology.

    The section's ``<nav aria-labelledby>`` points at that label: without text,
    the navigation landmark has no name (RGAA 12.6).
    """
    out: list[str] = []
    done = 0
    for label in _ICON_ONLY_LABEL.finditer(page_html):
        link = _SECTION_LINK.search(page_html, max(done, label.start() - _LINK_WINDOW), label.start())
        if link is None:
            continue
        title = re.sub(r"<[^>]+>", "", link.group("title")).strip()
        out.append(page_html[done:label.start(2)])
        out.append(f'<span class="kit-sr-only">{title}</span>')
        done = label.start(2)
    out.append(page_html[done:])
    return "".join(out)


def fix_theme_markup(page_html: str) -> str:
    """Every validity and naming fix of the theme's own markup, on a whole page."""
    for fix in (drop_checkbox_autocomplete, drop_empty_tabindex, unlink_orphan_labels,
                name_icon_only_toggles):
        page_html = fix(page_html)
    return page_html


# --- Names in the page content -------------------------------------------------------------

_FOOTNOTE_REF = re.compile(r'<a class="footnote-ref" href="#fn:([^"]+)"([^>]*)>([^<]*)</a>')
_FOOTNOTE_BACK = re.compile(r'<a class="footnote-backref" href="#fnref(\d*):([^"]+)"(?: title="[^"]*")?([^>]*)>')
_PERMALINK = re.compile(r'<a class="headerlink" href="([^"]*)"(?: title="[^"]*")?([^>]*)>')


def name_footnotes(content: str, lang: str) -> str:
    """Footnote calls named « Note 1 », back-links « Revenir à l'appel de note 1 » (and in English)."""
    names = _names(lang)

    def ref(match: re.Match[str]) -> str:
        target, rest, text = match.groups()
        if "aria-label" in rest:
            return match.group(0)
        label = html.escape(names["footnote_ref"].format(n=text.strip()), quote=True)
        return f'<a class="footnote-ref" href="#fn:{target}" aria-label="{label}"{rest}>{text}</a>'

    def back(match: re.Match[str]) -> str:
        repeat, target, rest = match.groups()
        label = html.escape(names["footnote_back"].format(n=target), quote=True)
        return (f'<a class="footnote-backref" href="#fnref{repeat}:{target}" title="{label}" '
                f'aria-label="{label}"{rest}>')

    return _FOOTNOTE_BACK.sub(back, _FOOTNOTE_REF.sub(ref, content))


def name_permalinks(content: str, lang: str) -> str:
    """The « # » after each heading is named « Lien vers cette section » (title and name)."""
    label = html.escape(_names(lang)["permalink_title"], quote=True)
    return _PERMALINK.sub(
        lambda m: f'<a class="headerlink" href="{m.group(1)}" title="{label}" aria-label="{label}"{m.group(2)}>',
        content,
    )


_ABBR_OPEN = re.compile(rf"<abbr\b({ATTRIBUTES})>([^<]+)</abbr>")


def focusable_abbreviations(content: str) -> str:
    """The first ``<abbr title>`` of each acronym on a page takes the keyboard focus.

    Material shows the tooltip of an acronym on hover and on focus: with
    ``tabindex="0"`` on the first occurrence, a keyboard user can read every
    expansion of the page without stopping on each repetition.
    """
    seen: set[str] = set()

    def fix(match: re.Match[str]) -> str:
        attrs, term = match.groups()
        if "title=" not in attrs or "tabindex" in attrs or term in seen:
            return match.group(0)
        seen.add(term)
        return f'<abbr tabindex="0"{attrs}>{term}</abbr>'

    return _ABBR_OPEN.sub(fix, content)


def fix_content_names(content: str, lang: str) -> str:
    """Every naming fix of the Markdown output, in the page's language."""
    return focusable_abbreviations(name_permalinks(name_footnotes(content, lang), lang))


# --- French phrases on English pages -------------------------------------------------------

# Elements whose text is never a quotation to mark (the tokenizer gives scripts and styles whole).
_RAW_TEXT = ("title", "textarea")
_FRENCH_QUOTE = re.compile(r"«[^«»]*»")
_LANG_FRENCH = re.compile(r'\blang="fr[^"]*"')


def mark_french_quotes(page_html: str) -> str:
    """On an English page, every « quotation » is a French phrase: it is marked ``lang="fr"``.

    The English texts quote the French titles and phrases of the kit between
    guillemets (« Vos libertés, votre sécurité »), followed by their English
    meaning. Only the text between tags changes, never an attribute, a script
    or a quotation already marked French.
    """
    body = page_html.find("<body")
    head, rest = (page_html[:body], page_html[body:]) if body >= 0 else ("", page_html)
    out: list[str] = []
    raw: str | None = None
    previous, previous_kind = "", END  # the markup just before the text, and its kind
    for text, markup, name, kind in tokens(rest):
        if raw is None and "«" in text and not (previous_kind == START and _LANG_FRENCH.search(previous)):
            text = _FRENCH_QUOTE.sub(lambda m: f'<span lang="fr">{m.group(0)}</span>', text)
        out.append(text)
        out.append(markup)
        previous, previous_kind = markup, kind
        if raw is None and name in _RAW_TEXT and kind == START:
            raw = name
        elif raw == name and kind == END:
            raw = None
    return head + "".join(out)
