"""French typography across inline tags, on strings and on every French page of the built site.

The no-break space before « : ; ! ? » belongs to the text as read, whatever
element the previous word sits in: « <strong>habitudes</strong> : »,
« <abbr>Balu</abbr> ; », « <a>lien</a> ? ». Code, URLs and attributes are
never touched.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html
from lxml.html import HtmlElement

from kit.html.typography import NBSP, NNBSP, french_html

# The publication gate: scripts/publish.py runs these tests before each publication.
pytestmark = pytest.mark.gate

# Text never read as French prose: code, keys, scripts.
SKIP = {"code", "pre", "kbd", "samp", "script", "style", "textarea", "svg", "math"}
BLOCKS = {"p", "li", "dt", "dd", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "header",
          "footer", "nav", "aside", "ul", "ol", "dl", "table", "tr", "blockquote", "figcaption", "details",
          "summary", "article", "label", "br"}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p><strong>habitudes</strong>: présentation</p>", f"<p><strong>habitudes</strong>{NBSP}: présentation</p>"),
        ("<p><strong>Objet</strong> : test</p>", f"<p><strong>Objet</strong>{NBSP}: test</p>"),
        ('<p><abbr title="x">Balu</abbr> ; la suite</p>', f'<p><abbr title="x">Balu</abbr>{NNBSP}; la suite</p>'),
        ('<p><a href="../note/">la note</a> ?</p>', f'<p><a href="../note/">la note</a>{NNBSP}?</p>'),
        ("<p><em>vraiment</em>!</p>", f"<p><em>vraiment</em>{NNBSP}!</p>"),
        ("<p><code>make</code> : construit</p>", f"<p><code>make</code>{NBSP}: construit</p>"),
        ("<p>« <span>citation</span> »</p>", f"<p>«{NBSP}<span>citation</span>{NBSP}»</p>"),
        ("<p><strong>« la technique »</strong>, mais</p>", f"<p><strong>«{NBSP}la technique{NBSP}»</strong>, mais</p>"),
        ("<p><strong>« oui »</strong> ; non</p>", f"<p><strong>«{NBSP}oui{NBSP}»</strong>{NNBSP}; non</p>"),
        ("<p><b>78</b> %</p>", f"<p><b>78</b>{NNBSP}%</p>"),
    ],
)
def test_rule_applies_after_an_inline_element(source: str, expected: str) -> None:
    assert french_html(source) == expected
    assert french_html(expected) == expected


@pytest.mark.parametrize(
    "untouched",
    [
        "<ul><li>un</li>\n<li>:deux</li></ul>",  # a new block starts a new run
        '<p><a href="http://intranet/a?b=1">http://intranet/a</a>:8080</p>',
        "<p><code>a</code><code>: b</code></p>",
        '<p><span title="a : b">x</span></p>',
    ],
)
def test_untouched_across_tags(untouched: str) -> None:
    assert french_html(untouched) == untouched


# On the built site ----------------------------------------------------------------------------

def _runs(element: HtmlElement) -> list[str]:
    """The text of ``element`` as runs of prose: one run per block, inline tags joined, code left out.

    Code, and text in another language (``lang="en"``), is replaced by a letter, so that
    « <code>x</code> : » is still checked.
    """
    runs: list[str] = [""]

    def walk(el: HtmlElement) -> None:
        if not isinstance(el.tag, str):  # comment or processing instruction: not read
            runs[-1] += el.tail or ""
            return
        tag = el.tag
        lang = el.get("lang")
        if tag in SKIP or (lang and not lang.startswith("fr")):
            runs[-1] += "x"
        else:
            if tag in BLOCKS:
                runs.append("")
            runs[-1] += el.text or ""
            for child in el:
                walk(child)
            if tag in BLOCKS:
                runs.append("")
        runs[-1] += el.tail or ""

    walk(element)
    return [run for run in runs if run.strip()]


# A mark preceded by a letter, a digit or a closing bracket, or by an ordinary space; then a space or the end.
_MISSING = re.compile(r"(?:[\w)\]»]|(?<=\S) )([:;!?])(?=\s|$)")


def french_pages(site: Path) -> list[Path]:
    return sorted(path for path in site.rglob("index.html")
                  if not any(part.endswith(".en") for part in path.relative_to(site).parts))


def test_no_missing_no_break_space_on_french_pages(site: Path) -> None:
    pages = french_pages(site)
    assert len(pages) > 10, "trop peu de pages françaises trouvées"
    problems: list[str] = []
    for path in pages:
        root = lxml_html.fromstring(path.read_text(encoding="utf-8"))
        for article in root.xpath("//article"):
            for run in _runs(article):
                for match in _MISSING.finditer(run):
                    start = max(match.start() - 30, 0)
                    problems.append(f"{path.relative_to(site)} : « …{run[start:match.end() + 10]}… »")
    assert not problems, f"{len(problems)} espace(s) insécable(s) manquante(s) :\n" + "\n".join(problems[:60])


def test_the_check_finds_a_missing_space() -> None:
    root = lxml_html.fromstring("<article><p><strong>habitudes</strong>: x <abbr>Balu</abbr> ; y</p></article>")
    found = [m.group(1) for run in _runs(root) for m in _MISSING.finditer(run)]
    assert found == [":", ";"]
