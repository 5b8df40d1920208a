"""The one HTML tokenizer (kit.html.text): quoted attributes, comments and raw text, on samples and a built page."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config import load_config

from conftest import ROOT, build_site
from kit.html.a11y import plain_text
from kit.html.text import END, START, WHOLE, map_text, map_text_in_context, tokens
from kit.html.theme_markup import focusable_abbreviations, mark_french_quotes, name_footnotes, name_permalinks
from kit.html.typography import NBSP, NNBSP, french_html
from kit.i18n import STRINGS

TITLE = '<abbr title="A > B : C">ABC</abbr>'


def test_tokens_read_quoted_attributes_whole() -> None:
    html = """<p>a <abbr title="A > B : C">ABC</abbr> b <span title='x > y'>c</span><br/>d</p>"""
    found = list(tokens(html))
    assert [(markup, name, kind) for _, markup, name, kind in found] == [
        ("<p>", "p", START), ('<abbr title="A > B : C">', "abbr", START), ("</abbr>", "abbr", END),
        ("<span title='x > y'>", "span", START), ("</span>", "span", END), ("<br/>", "br", WHOLE),
        ("</p>", "p", END), ("", "", WHOLE)]
    assert "".join(text + markup for text, markup, _, _ in found) == html
    assert [text for text, _, _, _ in found] == ["", "a ", "ABC", " b ", "c", "", "d", ""]


def test_tokens_keep_comments_declarations_and_raw_text_whole() -> None:
    html = ('<!DOCTYPE html><p>x</p><!-- a <b> : c --><script>if (a<b && c>d) { go(": x"); }</script>'
            "<STYLE>p > a { content: ' : '; }</STYLE>fin")
    found = list(tokens(html))
    assert [(markup, name, kind) for _, markup, name, kind in found] == [
        ("<!DOCTYPE html>", "", WHOLE), ("<p>", "p", START), ("</p>", "p", END),
        ("<!-- a <b> : c -->", "", WHOLE),
        ('<script>if (a<b && c>d) { go(": x"); }</script>', "script", WHOLE),
        ("<STYLE>p > a { content: ' : '; }</STYLE>", "style", WHOLE), ("", "", WHOLE)]
    assert found[-1][0] == "fin"


def test_unclosed_script_runs_to_the_end() -> None:
    assert list(tokens("a<script>b<c")) == [("a", "<script>b<c", "script", WHOLE), ("", "", "", WHOLE)]


@pytest.mark.parametrize(("html", "tag"), [
    (f"<p>Le sigle {TITLE} : fin</p>", '<abbr title="A > B : C">'),
    ("<p><span title='x > y ! z'>ceci</span> ?</p>", "<span title='x > y ! z'>"),
    ('<p><a href="/x?a=1&b=2" title="« A > B »">lien</a> !</p>', '<a href="/x?a=1&b=2" title="« A > B »">'),
])
def test_typography_never_writes_inside_an_attribute(html: str, tag: str) -> None:
    result = french_html(html)
    assert tag in result, result
    assert NBSP in result or NNBSP in result, result  # the text itself still follows the rules


def test_map_text_in_context_reads_across_inline_tags_only() -> None:
    seen: list[tuple[str, str]] = []

    def change(text: str, before: str) -> str:
        seen.append((text, before))
        return text.upper()

    html = '<p><strong>mot</strong> : <code>x : y</code> fin</p><p>deux</p>'
    assert map_text_in_context(html, change, skip={"code"}, inline={"strong", "code"}) == (
        '<p><strong>MOT</strong> : <code>x : y</code> FIN</p><p>DEUX</p>')
    assert ("mot", "") in seen and (" : ", "MOT") in seen and (" fin", "x : y") in seen and ("deux", "") in seen


def test_map_text_is_the_same_walk_without_context() -> None:
    html = f'<p>a [b]</p><pre>[c]</pre>{TITLE}<script>"[d]"</script><!-- [e] -->'
    assert map_text(html, str.upper, skip={"pre"}) == (
        '<p>A [B]</p><pre>[c]</pre><abbr title="A > B : C">ABC</abbr><script>"[d]"</script><!-- [e] -->')


def test_french_quotes_are_never_marked_inside_an_attribute() -> None:
    html = '<body><p><abbr title="« A » > « B »">X</abbr> « Bonjour »</p><script>x = "« y »"</script></body>'
    assert mark_french_quotes(html) == (
        '<body><p><abbr title="« A » > « B »">X</abbr> <span lang="fr">« Bonjour »</span></p>'
        '<script>x = "« y »"</script></body>')
    # A quotation already marked French is left alone, even when another attribute holds a « > ».
    marked = '<body><p><span title="a > b" lang="fr">« Bonjour »</span></p></body>'
    assert mark_french_quotes(marked) == marked


def test_plain_text_leaves_attributes_out() -> None:
    assert plain_text(f"<label>{TITLE} <!-- x > y --> <b>&amp; fin</b></label>") == "ABC & fin"


def test_first_abbreviation_takes_the_focus_whatever_its_title() -> None:
    html = f"<p>{TITLE} et {TITLE}</p>"
    assert focusable_abbreviations(html) == (
        f'<p><abbr tabindex="0" title="A > B : C">ABC</abbr> et {TITLE}</p>')


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_names_come_from_the_strings_table(lang: str) -> None:
    strings = STRINGS[lang]
    permalink = name_permalinks('<a class="headerlink" href="#x" title="Permanent link">#</a>', lang)
    assert permalink == (f'<a class="headerlink" href="#x" title="{strings["permalink_title"]}" '
                         f'aria-label="{strings["permalink_title"]}">#</a>').replace("'", "&#x27;")
    footnote = name_footnotes('<a class="footnote-ref" href="#fn:1">1</a>'
                              '<a class="footnote-backref" href="#fnref:1" title="Jump back">↩</a>', lang)
    assert f'aria-label="{strings["footnote_ref"].format(n=1)}"' in footnote
    assert f'title="{strings["footnote_back"].format(n=1)}"'.replace("'", "&#x27;") in footnote


def test_mkdocs_yml_gives_markdown_no_link_title() -> None:
    """The permalink and footnote titles live in kit.i18n.STRINGS only: kit-a11y writes them on every page."""
    config = load_config(config_file=str(ROOT / "mkdocs.yml"))
    assert "permalink_title" not in (config.mdx_configs.get("toc") or {})
    assert "BACKLINK_TITLE" not in (config.mdx_configs.get("footnotes") or {})


PAGE = f"""# Essai

Un sigle en ligne : {TITLE} ; fin.

<p>En HTML : {TITLE} ; et <span title='x > y ! z'>ceci</span> ?</p>

## Section

Texte[^1].

[^1]: Une note.
"""

PAGE_EN = """# Test

An acronym: <abbr title="« A » > « B »">AB</abbr>, and « Bonjour ».

## Section
"""


def test_attributes_survive_a_real_build(tmp_path: Path) -> None:
    """A small site with the kit's typography and accessibility plugins: attributes come out as written."""
    project = tmp_path / "projet"
    (project / "docs").mkdir(parents=True)
    (project / "mkdocs.yml").write_text(
        "site_name: Essai\ntheme:\n  name: material\n  language: fr\n"
        "plugins:\n  - kit-typography\n  - kit-a11y\n"
        "markdown_extensions:\n  - abbr\n  - footnotes\n  - md_in_html\n  - toc:\n      permalink: \"#\"\n",
        encoding="utf-8")
    (project / "docs" / "index.md").write_text(PAGE, encoding="utf-8")
    (project / "docs" / "page.en.md").write_text(PAGE_EN, encoding="utf-8")
    result = build_site(tmp_path / "site", config=project / "mkdocs.yml", cwd=project)
    assert result.returncode == 0, result.stderr
    french = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert f'<abbr tabindex="0" title="A > B : C">ABC</abbr>{NNBSP};' in french
    assert f"En HTML{NBSP}: {TITLE}{NNBSP}; et <span title='x > y ! z'>ceci</span>{NNBSP}?" in french
    # Markdown's own link titles are replaced by the strings table's, in the page's language.
    assert f'title="{STRINGS["fr"]["permalink_title"]}"' in french and "Permanent link" not in french
    assert "Jump back" not in french
    english = (tmp_path / "site" / "page.en" / "index.html").read_text(encoding="utf-8")
    assert '<abbr tabindex="0" title="« A » > « B »">AB</abbr>' in english
    assert '<span lang="fr">« Bonjour »</span>' in english
    assert f'title="{STRINGS["en"]["permalink_title"]}"' in english and "Permanent link" not in english
