"""English translations of the official texts, checked against their French originals in the built site."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import page

# The publication gate: scripts/publish.py runs these tests before each publication.
pytestmark = pytest.mark.gate

# French page URL -> English page URL, as mkdocs-i18n builds them (``lettre.en.md`` -> ``lettre.en/``).
PAGES: dict[str, str] = {
    "": "index.en/",
    "lettre/": "lettre.en/",
    "note/": "note.en/",
    "fiche-1/": "fiche-1.en/",
    "fiche-2/": "fiche-2.en/",
}
OFFICIAL = [url for url in PAGES if url]

# Footnotes of the 2009 originals: four in the note, one in theme sheet no. 1.
SOURCE_FOOTNOTES = {"lettre/": 0, "note/": 4, "fiche-1/": 1, "fiche-2/": 0}

# Figures of each official text, as digits: thousands separators differ between
# French (45.928 or 45 928) and English (45,928), the figure itself must not.
FIGURES: dict[str, list[str]] = {
    "lettre/": ["26", "2009", "22", "16", "18"],
    "note/": ["21", "45928", "2008", "2009", "15", "1999"],
    "fiche-1/": ["45928", "8607", "47338", "177661", "78%", "2007", "2008", "2009", "11"],
    "fiche-2/": ["21", "1999"],
}

# Passages that must read the same in every future revision of the English pages.
KEY_PASSAGES: dict[str, list[str]] = {
    "lettre/": [
        "your freedoms, your security: let's talk about it together",
        "between 16 March and 18 May",
        "by 22 May",
        "the DICOM (the Ministry's Information and Communication Delegation)",
        "Michel DELPUECH",
    ],
    "note/": [
        "Security, a duty towards our fellow citizens",
        "Security, a shared responsibility",
        "match 45,928 profiles",
        "is security one of the personal and home-care services?",
        "The two départements concerned are Yvelines and Charente-Maritime",
        "Are you also a player in your own security?",
    ],
    "fiche-1/": [
        "78% of those polled",
        "45,928 profiles since its creation",
        "solve 8,607 cases in 2008",
        "47,338 arrests",
        "recover 177,661 vehicles in 2008",
        "the police station and the gendarmerie brigade \u201cof the future\u201d",
    ],
    "fiche-2/": [
        "Ten years after the 1999 Act",
        "a player in their own security",
        "the voluntary citizen service or the operational reserve",
    ],
}

NOTICE_TITLE = "Translation"
_BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "table", "blockquote", "pre"}
# Page furniture drawn by templates around the Markdown (language switch, downloads,
# dates, feedback): not part of the text being translated.
_FURNITURE_TAGS = {"nav", "aside", "form", "script", "style", "svg", "template", "button"}
_FURNITURE_CLASSES = {"kit-downloads", "md-source-file", "md-feedback", "md-content__button"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "col", "area", "base"}
_FIGURE = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d{3}(?!\d))*(?:[\u00a0\u202f ]?%)?")


@dataclass
class Admonition:
    """An admonition of the article: its CSS classes, title and links."""

    classes: list[str]
    title: str = ""
    links: list[str] = field(default_factory=list)


class Article(HTMLParser):
    """The article of a built page: text, block structure, footnotes, admonitions."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self._stack: list[tuple[str, set[str], int | None]] = []
        self._in_article = False
        self._started = False  # the text starts at the page's H1
        self._in_title = False
        self.text_parts: list[str] = []
        self.unboxed_parts: list[str] = []  # the text outside admonitions
        # Each block with the index of the admonition holding it (None outside any).
        self.blocks: list[tuple[str, int | None]] = []
        self.footnotes: list[str] = []
        self.footnote_refs: list[str] = []
        self.admonitions: list[Admonition] = []
        self.h1 = ""
        self.title = ""
        self.lang = ""
        self.feed(html)
        self.close()

    def _inside(self, tag: str, cls: str | None = None) -> bool:
        return any(t == tag and (cls is None or cls in c) for t, c, _ in self._stack)

    def _admonition(self) -> int | None:
        return self._stack[-1][2] if self._stack else None

    def _skipped(self) -> bool:
        # Language links added by mkdocs-i18n, heading permalinks and page furniture are not text.
        return not self._started or any(
            "i18n-link" in c or "headerlink" in c or "furniture" in c for _, c, _ in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        classes = set(attr.get("class", "").split())
        if tag == "title":
            self._in_title = True
        if tag == "html":
            self.lang = attr.get("lang", "")
        if not self._in_article:
            self._in_article = tag == "article" and "md-content__inner" in classes
            return
        if tag in _VOID:
            return
        if tag in _FURNITURE_TAGS or classes & _FURNITURE_CLASSES or "data-search-exclude" in attr:
            classes = classes | {"furniture"}
        self._started = self._started or (tag == "h1" and "furniture" not in classes)
        admonition = self._admonition()
        self._stack.append((tag, classes, admonition))
        if self._skipped():
            return
        if tag == "div" and "admonition" in classes:
            self.admonitions.append(Admonition(sorted(classes)))
            kind = "/".join(sorted(classes - {"admonition"}))
            self.blocks.append((f"admonition:{kind}", admonition))
            self._stack[-1] = (tag, classes, len(self.admonitions) - 1)
        if tag == "a" and admonition is not None and attr.get("href"):
            self.admonitions[admonition].links.append(attr["href"])
        elif tag == "li" and attr.get("id", "").startswith("fn:"):
            self.footnotes.append(attr["id"])
        elif tag == "sup" and attr.get("id", "").startswith("fnref"):
            self.footnote_refs.append(attr["id"])
            self.blocks.append(("fnref", admonition))
        elif tag in {"strong", "b"}:
            self.blocks.append(("header-strong" if self._inside("header") else "strong", admonition))
        elif tag in _BLOCKS and not self._inside("div", "footnote"):
            if tag == "p" and ("admonition-title" in classes or self._inside("li")):
                return
            depth = sum(1 for t, _, _ in self._stack[:-1] if t in {"ul", "ol"})
            # The letter's header is laid out from front matter (src/kit/letter.py).
            where = "header-" if self._inside("header") else ""
            self.blocks.append((f"{where}{tag}{depth if tag == 'li' else ''}", admonition))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if not self._in_article or tag in _VOID:
            return
        if tag == "article" and not any(t == "article" for t, _, _ in self._stack):
            self._in_article = False
            return
        # Pop up to the matching tag (tolerates implicitly closed elements).
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if not self._in_article or self._skipped():
            return
        if self._inside("h1"):
            self.h1 += data
        if self._inside("p", "admonition-title") and (index := self._admonition()) is not None:
            self.admonitions[index].title += data
        self.text_parts.append(data)
        if self._admonition() is None:
            self.unboxed_parts.append(data)

    @property
    def text(self) -> str:
        """The article's text, whitespace collapsed, apostrophes straightened."""
        return re.sub(r"\s+", " ", "".join(self.text_parts)).replace("\u2019", "'").strip()

    def figures(self) -> set[str]:
        """Every figure of the text outside the boxes, thousands separators removed.

        Boxes (the translation notice, editor's notes) belong to the edition, not to the
        translated text: an editor may add a note with a date to one page only.
        """
        text = re.sub(r"\s+", " ", "".join(self.unboxed_parts))
        return {re.sub(r"[.,\u00a0\u202f ]", "", m) for m in _FIGURE.findall(text)}

    def notice(self) -> int | None:
        """Index of the translation notice: the first admonition titled ``Translation``."""
        return next((i for i, a in enumerate(self.admonitions) if a.title.strip() == NOTICE_TITLE),
                    None)

    @property
    def structure(self) -> list[str]:
        """The block structure outside the boxes.

        The translation notice and the editor's notes belong to the edition: editors add,
        reword or remove a note in one language without touching the other (README,
        « Ajouter une note de l'édition »).
        """
        return [block for block, holder in self.blocks
                if holder is None and not block.startswith("admonition:")]


class Articles(dict[str, Article]):
    """Pages of the built site, parsed on first use."""

    def __init__(self, site: Path) -> None:
        super().__init__()
        self.site = site

    def __missing__(self, url: str) -> Article:
        path = self.site / url / "index.html"
        assert path.is_file(), f"missing page {url or '(home)'}: {path}"
        self[url] = Article(page(self.site, url))
        return self[url]


@pytest.fixture(scope="module")
def articles(site: Path) -> Articles:
    """Every French page and its English translation, parsed once."""
    return Articles(site)


@pytest.mark.parametrize("english", PAGES.values())
def test_english_page_is_built_at_its_url(site: Path, english: str) -> None:
    assert (site / english / "index.html").is_file()


@pytest.mark.parametrize(("french", "english"), PAGES.items())
def test_english_page_has_a_title_and_an_h1(articles: Articles, french: str,
                                            english: str) -> None:
    article, original = articles[english], articles[french]
    assert article.h1.strip(), english
    title = article.title.split(" - ")[0].strip()
    # Without a front matter title, MkDocs would title the page after its file: "Lettre.en".
    assert title and ".en" not in title.lower(), title
    assert title != original.title.split(" - ")[0].strip()
    assert article.h1.strip() != original.h1.strip()


@pytest.mark.parametrize(("french", "english"), PAGES.items())
def test_english_page_is_declared_english(articles: Articles, french: str, english: str) -> None:
    """Screen readers pick their voice from the page's language."""
    assert articles[english].lang == "en"
    assert articles[french].lang == "fr"


@pytest.mark.parametrize(("french", "english"), PAGES.items())
def test_translation_notice_links_to_the_french_original(site: Path, articles: Articles,
                                                         french: str, english: str) -> None:
    article = articles[english]
    index = article.notice()
    assert index is not None, f"{english}: no admonition titled {NOTICE_TITLE!r}"
    notice = article.admonitions[index]
    assert "admonition" in notice.classes and "info" in notice.classes
    assert "authoritative" in article.text
    # The notice comes first, right after the H1 (and the letter's header).
    before = [b for b, _ in article.blocks[: [b for b, _ in article.blocks].index("admonition:info")]]
    assert [b for b in before if not b.startswith("header-")] == ["h1"], before
    targets = set()
    for href in notice.links:
        assert not urlsplit(href).scheme and not href.startswith("/"), href
        resolved = urlsplit(urljoin(f"http://kit.invalid/{english}", href)).path.lstrip("/")
        assert (site / resolved / "index.html").is_file() or (site / resolved).is_file(), href
        targets.add(resolved)
    assert french in targets, (french, targets)


@pytest.mark.parametrize(("french", "english"), PAGES.items())
def test_same_structure_as_the_french_page(articles: Articles, french: str,
                                           english: str) -> None:
    """Headings, paragraphs, nested list items, bold and footnote calls line up one for one."""
    assert articles[english].structure == articles[french].structure


@pytest.mark.parametrize(("french", "english"), PAGES.items())
def test_same_footnotes_as_the_french_page(articles: Articles, french: str,
                                           english: str) -> None:
    fr, en = articles[french], articles[english]
    assert len(en.footnotes) == len(fr.footnotes)
    assert en.footnote_refs == fr.footnote_refs
    if french in SOURCE_FOOTNOTES:
        assert len(fr.footnotes) == SOURCE_FOOTNOTES[french]


@pytest.mark.parametrize("french", OFFICIAL)
def test_listed_figures_appear_in_both_languages(articles: Articles, french: str) -> None:
    fr, en = articles[french].figures(), articles[PAGES[french]].figures()
    for figure in FIGURES[french]:
        assert figure in fr, f"{french}: {figure} not in the French page"
        assert figure in en, f"{PAGES[french]}: {figure} missing from the translation"


@pytest.mark.parametrize(("french", "english"), PAGES.items())
def test_every_figure_of_the_french_page_is_translated(articles: Articles, french: str,
                                                       english: str) -> None:
    missing = articles[french].figures() - articles[english].figures()
    assert not missing, f"{english}: figures of {french or 'home'} missing: {sorted(missing)}"


@pytest.mark.parametrize("french", OFFICIAL)
def test_key_english_passages(articles: Articles, french: str) -> None:
    text = articles[PAGES[french]].text
    for passage in KEY_PASSAGES[french]:
        assert passage.replace("\u2019", "'") in text, f"{PAGES[french]}: {passage!r}"


@pytest.mark.parametrize("english", PAGES.values())
def test_english_typography(articles: Articles, english: str) -> None:
    """The French spacing rules (no-break spaces before : ; ? !) stay out of English pages."""
    text = articles[english].text
    assert "\u202f" not in text
    assert not re.search(r"\u00a0[:;?!»]|«\u00a0", text)
