"""What mkdocs-i18n 0.4.6 gets wrong, put right around it: one test per defect, on the built site."""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

from conftest import ROOT, page
from kit.i18n import strip_injected_links

# The publication gate: scripts/publish.py runs these tests before each publication.
pytestmark = pytest.mark.gate

ENGLISH = ["index.en/", "lettre.en/", "note.en/", "fiche-1.en/", "fiche-2.en/", "nouveautes.en/", "accessibilite.en/"]
# French pages that have no English version (their English link leads to the English home page).
UNTRANSLATED = ["methode/", "glossaire/", "calendrier/", "calendrier/couverture/"]


def _load_config() -> dict:
    class Loader(yaml.SafeLoader):
        pass

    # mkdocs.yml uses !ENV tags: read them as their default value.
    Loader.add_constructor("!ENV", lambda loader, node: (
        loader.construct_sequence(node)[-1] if isinstance(node, yaml.SequenceNode) else None))
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


CONFIG = _load_config()
I18N = next(p["i18n"] for p in CONFIG["plugins"] if isinstance(p, dict) and "i18n" in p)
TRANSLATE_EN: dict[str, str] = I18N["translate_nav"]["en"]
SITE_NAME_EN = TRANSLATE_EN[CONFIG["site_name"]]


@dataclass
class Link:
    """An ``<a>`` or ``<link>`` and its attributes."""

    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Page(HTMLParser):
    """The parts of a Material page these tests look at."""

    html: str
    lang: str = ""
    title: str = ""
    h1: str = ""
    placeholder: str = ""
    toc_label: str = ""
    site_title: str = ""
    nav_labels: list[str] = field(default_factory=list)
    section_labels: list[str] = field(default_factory=list)
    switch: list[Link] = field(default_factory=list)
    switch_attrs: dict[str, str] = field(default_factory=dict)
    selector: list[Link] = field(default_factory=list)
    alternates: list[Link] = field(default_factory=list)
    order: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()
        self._stack: list[tuple[str, set[str], dict[str, str]]] = []
        self._capture: list[list[str]] = []
        self._targets: list[str] = []
        self.feed(self.html)

    def _inside(self, cls: str) -> bool:
        return any(cls in classes for _, classes, _ in self._stack)

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        classes = set(attrs.get("class", "").split())
        if tag == "html":
            self.lang = attrs.get("lang", "")
        if tag == "input" and "md-search__input" in classes:
            self.placeholder = attrs.get("placeholder", "")
        if tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs:
            self.alternates.append(Link(tag, attrs))
        if tag == "nav" and "kit-lang" in classes:
            self.switch_attrs = attrs
            self.order.append("switch")
        if tag == "h1" and self._inside("md-content__inner"):
            self.order.append("h1")
        if tag in {"meta", "link", "input", "img", "br", "hr"}:
            return
        self._stack.append((tag, classes, attrs))
        target = None
        if tag == "title":
            target = "title"
        elif tag == "h1" and self._inside("md-content__inner") and not self.h1:
            target = "h1"
        elif tag == "a" and self._inside("kit-lang"):
            target = "switch"
        elif tag == "a" and "md-select__link" in classes:
            target = "selector"
        elif tag == "label" and "md-nav__title" in classes and self._inside("md-nav--secondary"):
            target = "toc"
        elif tag == "span" and "md-ellipsis" in classes and self._inside("md-header__topic"):
            target = "site"
        elif tag == "span" and "md-ellipsis" in classes and self._inside("md-nav--primary"):
            target = "section" if self._stack[-2][0] in {"label"} else "nav"
        if target:
            self._capture.append([])
            self._targets.append(target)
            self._stack[-1] = (tag, classes | {"__capture"}, attrs)

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            name, classes, attrs = self._stack.pop()
            if "__capture" in classes:
                text = re.sub(r"\s+", " ", "".join(self._capture.pop())).strip()
                target = self._targets.pop()
                if target == "title":
                    self.title = text
                elif target == "h1":
                    self.h1 = text.rstrip("#").strip()
                elif target == "switch":
                    self.switch.append(Link(name, attrs, text))
                elif target == "selector":
                    self.selector.append(Link(name, attrs, text))
                elif target == "toc":
                    self.toc_label = text
                elif target == "site" and not self.site_title:
                    self.site_title = text
                elif target == "nav":
                    self.nav_labels.append(text)
                elif target == "section":
                    self.section_labels.append(text)
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        for chunk in self._capture:
            chunk.append(data)


def parsed(site: Path, url: str) -> Page:
    return Page(page(site, url))


def all_pages(site: Path) -> list[str]:
    """URL of every HTML page of the site (``""`` for home, ``"lettre/"``...)."""
    urls = []
    for path in sorted(site.rglob("index.html")):
        rel = path.parent.relative_to(site).as_posix()
        urls.append("" if rel == "." else rel + "/")
    assert len(urls) > 20 and "index.en/" in urls, "le site construit est incomplet"
    return urls


def front_matter_title(src: Path) -> str | None:
    text = src.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        meta = yaml.safe_load(text[4:text.index("\n---", 4)]) or {}
        return meta.get("title")
    return None


# -- The list mkdocs-i18n puts above the H1 ---------------------------------------------------


def test_injected_list_format_is_removed_and_nothing_else() -> None:
    """The exact Markdown the plugin writes (its f-strings) goes; a page's own list stays."""
    injected = ("- [English](../lettre.en/)\n{: .i18n-link .i18n-link-found .i18n-link-en }\n"
                "- Deutsch: nicht übersetzt\n{: .i18n-link .i18n-link-not-found .i18n-link-de }\n\n\n")
    body = "# Lettre\n\n- un point\n{: .x }\n"
    assert strip_injected_links(injected + body) == body
    assert strip_injected_links("\n\n" + body) == body
    assert strip_injected_links(body) == body


@pytest.mark.parametrize("url", ENGLISH + ["", "lettre/", "note/", "fiche-1/"])
def test_page_titles_come_from_the_page_not_the_file_name(site: Path, url: str) -> None:
    """Defect: the injected list comes before the H1, so MkDocs took « Index.en » as title."""
    html = page(site, url)
    stem = (url.rstrip("/") or "index").replace(".en", "")
    assert not re.search(rf"\b{re.escape(stem.capitalize())}(\.en)?\s*-", html), "titre tiré du nom de fichier"
    assert f"{stem.capitalize()}.en" not in html
    parsed_page = Page(html)
    if url in ENGLISH:
        src = ROOT / "docs" / (url.rstrip("/") + ".md")
        expected = front_matter_title(src) or parsed_page.h1
        assert parsed_page.title == f"{expected} - {SITE_NAME_EN}"
        # The nav label of the page itself: the English label, never « Lettre.en ».
        active = re.search(r'md-nav__link--active[^>]*>\s*<span class="md-ellipsis">\s*([^<]+?)\s*</span>', html)
        assert active and active.group(1) in TRANSLATE_EN.values(), active and active.group(1)
    elif url:
        assert parsed_page.title.endswith(f" - {CONFIG['site_name']}")
        assert parsed_page.title != f"{stem.capitalize()} - {CONFIG['site_name']}"


def test_language_switch_is_a_small_accessible_nav(site: Path) -> None:
    """Defect: a bare list of links in the content; now a labelled <nav> with lang/hreflang, above the H1."""
    for url in all_pages(site):
        html = page(site, url)
        assert "i18n-link" not in html, f"{url}: la liste de mkdocs-i18n est restée"
        found = Page(html)
        assert html.count('class="kit-lang"') == 1, url
        lang = found.lang
        label = found.switch_attrs.get("aria-label")
        assert label == ("Page language" if lang == "en" else "Langue de la page"), url
        assert "data-search-exclude" in found.switch_attrs
        assert [link.attrs["hreflang"] for link in found.switch] == ["fr", "en"], url
        for link in found.switch:
            assert link.attrs["lang"] == link.attrs["hreflang"]
            assert link.text == {"fr": "Français", "en": "English"}[link.attrs["lang"]]
        current = [link for link in found.switch if link.attrs.get("aria-current") == "page"]
        assert [link.attrs["lang"] for link in current] == [lang], url
        if "h1" in found.order:
            assert found.order.index("switch") < found.order.index("h1"), url


def test_language_switch_stays_out_of_the_search_index(site: Path) -> None:
    """Defect: the injected « English » / « Français » list was indexed as page text."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    by_location = {doc["location"]: doc for doc in index["docs"]}
    for url in ["", "lettre/", "note/", "fiche-1/", "fiche-2/", *ENGLISH]:
        doc = by_location[url]
        assert not re.search(r"<li>\s*(English|Français)\s*</li>", doc["text"]), url
        assert not doc["text"].strip().startswith("<ul>"), url
        assert not re.fullmatch(r"(Index|Lettre|Note|Fiche-\d|Nouveautes)(\.en)?", doc["title"]), doc["title"]
    for doc in index["docs"]:
        assert "kit-lang" not in doc["text"] and "Langue de la page" not in doc["text"]
        assert not re.search(r"Modifié dans la version \d|Dernière modification", doc["text"])


def _resolve(base: str, href: str) -> str:
    return urlsplit(urljoin(base, href)).path


@pytest.mark.parametrize("prefix", ["/kit-forums/1.0/", "/a/b/intranet/latest/"])
def test_language_links_never_lead_to_a_missing_page(site: Path, prefix: str) -> None:
    """Defect: for untranslated pages the selector kept the configured link; now home page or the page."""
    checked = 0
    for url in all_pages(site):
        found = parsed(site, url)
        base = f"http://intranet{prefix}{url}"
        links = found.switch + found.selector + found.alternates
        assert len(found.selector) == 2, url
        # Material fetches sitemap.xml beside each head alternate: none may remain.
        assert not found.alternates, url
        for link in links:
            target = _resolve(base, link.attrs["href"])
            assert target.startswith(prefix), f"{url}: {link.attrs['href']} sort du site"
            rel = target[len(prefix):]
            file = site / rel / "index.html" if not rel or rel.endswith("/") else site / rel
            assert file.is_file(), f"{url}: le lien {link.attrs['href']} ({link.attrs.get('hreflang')}) mène à une page absente"
            checked += 1
    assert checked > 4 * 20
    # An untranslated page links to the English home page, and says so in English.
    for url in UNTRANSLATED:
        found = parsed(site, url)
        english = next(link for link in found.switch if link.attrs["hreflang"] == "en")
        assert _resolve(f"http://h/k/{url}", english.attrs["href"]) == "/k/index.en/", url
        assert "rel" not in english.attrs
        assert 'lang="en">(home page: this page is not translated)' in page(site, url)
        selector = next(link for link in found.selector if link.attrs["hreflang"] == "en")
        assert _resolve(f"http://h/k/{url}", selector.attrs["href"]) == "/k/index.en/", url
    # A translated page links to its translation, both ways.
    for english in ENGLISH:
        french = english.replace("index.en/", "").replace(".en/", "/")
        there = next(link for link in parsed(site, french).switch if link.attrs["hreflang"] == "en")
        back = next(link for link in parsed(site, english).switch if link.attrs["hreflang"] == "fr")
        assert _resolve(f"http://h/k/{french}", there.attrs["href"]) == f"/k/{english}"
        assert _resolve(f"http://h/k/{english}", back.attrs["href"]) == f"/k/{french}"
        assert there.attrs.get("rel") == "alternate"


def test_html_lang_on_every_page(site: Path) -> None:
    """Defect: the language stayed that of the last page for what comes after (404.html)."""
    for url in all_pages(site):
        expected = "en" if url.rstrip("/").endswith(".en") else "fr"
        assert parsed(site, url).lang == expected, url
    not_found = Page((site / "404.html").read_text(encoding="utf-8"))
    assert not_found.lang == "fr"
    assert not_found.placeholder == "Rechercher"
    assert SITE_NAME_EN not in not_found.html


def test_404_page_has_the_french_nav_once(site: Path) -> None:
    """Defect: 404.html is built before the plugin filters the nav: every page was listed twice."""
    not_found = Page((site / "404.html").read_text(encoding="utf-8"))
    home = parsed(site, "")
    assert not_found.nav_labels.count("Accueil") == 1
    assert not_found.nav_labels.count("Lettre du 26 février 2009") == 1
    assert not any("(Français)" in label for label in not_found.nav_labels)
    assert sorted(not_found.nav_labels) == sorted(label for label in home.nav_labels
                                                  if label not in {heading.strip() for heading in
                                                                   re.findall(r'<a href="#[^"]*" class="md-nav__link">\s*<span class="md-ellipsis">([^<]*)</span>', home.html)})


def test_nav_is_translated_on_english_pages(site: Path) -> None:
    """translate_nav: English sections and labels; French-only pages marked « (Français) »."""
    french_titles = set(TRANSLATE_EN)
    for url in ENGLISH:
        found = parsed(site, url)
        assert found.section_labels, url
        for label in found.section_labels:
            assert label in TRANSLATE_EN.values(), f"{url}: section « {label} » sans traduction (translate_nav)"
        for label in found.nav_labels:
            if label.endswith("(Français)"):
                continue
            assert label in TRANSLATE_EN.values() or label == SITE_NAME_EN or label not in french_titles, \
                f"{url}: « {label} » est resté en français"
        labels = set(found.nav_labels)
        assert {"Home", "Letter of 26 February 2009", "Background note", "What's new"} <= labels
        assert "Accueil" not in labels and "Note de fond" not in labels
    for url in ["", "note/", "methode/"]:
        found = parsed(site, url)
        assert not any("(Français)" in label or label in TRANSLATE_EN.values()
                       and label not in TRANSLATE_EN for label in found.nav_labels), url
        assert {"Accueil", "Note de fond", "Nouveautés"} <= set(found.nav_labels)


def test_material_interface_is_english_on_english_pages(site: Path) -> None:
    """Search box, table of contents, site name, heading links: in the page's language."""
    for url in ENGLISH:
        found = parsed(site, url)
        assert found.placeholder == "Search", url
        assert found.site_title == SITE_NAME_EN, url
        assert 'title="Lien vers cette section"' not in found.html, url
    english_with_toc = parsed(site, "note.en/")
    assert english_with_toc.toc_label == "Table of contents"
    assert 'title="Link to this section"' in english_with_toc.html
    french = parsed(site, "note/")
    assert french.placeholder == "Rechercher" and french.toc_label == "Table des matières"
    assert french.site_title == CONFIG["site_name"]
    assert 'title="Lien vers cette section"' in french.html


def test_search_covers_both_languages(site: Path) -> None:
    """One index, French and English stemmers, the French elision separator kept."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["fr", "en"]
    search = next(p["search"] for p in CONFIG["plugins"] if isinstance(p, dict) and "search" in p)
    assert index["config"]["separator"] == search["separator"]
    assert "\\u2019" in index["config"]["separator"]
    locations = {doc["location"] for doc in index["docs"]}
    assert set(ENGLISH) <= locations and {"", "lettre/", "note/"} <= locations
    english = " ".join(doc["text"] for doc in index["docs"] if doc["location"].startswith("note.en/"))
    assert "Background note" in english or "security" in english.lower()
    # Material loads the English stemmer from the site itself (nothing from outside).
    assert (site / "assets" / "javascripts" / "lunr" / "min" / "lunr.fr.min.js").is_file()


def test_english_urls_are_the_plugin_ones() -> None:
    """English pages are served at page.en/ (the tests above and test_translations.py rely on it)."""
    nav = json.dumps(CONFIG["nav"], ensure_ascii=False)
    for url in ENGLISH:
        src = url.rstrip("/") + ".md"
        assert (ROOT / "docs" / src).is_file(), src
        assert f'"{src}"' in nav, f"{src} doit figurer dans le nav de mkdocs.yml"
    assert posixpath.basename("x/lettre.en/".rstrip("/")) == "lettre.en"


def test_english_pages_have_english_tooltips(site: Path) -> None:
    """Defect: the one appended abbreviations file gave English pages French tooltips."""
    from kit.i18n import read_abbreviations

    french = read_abbreviations((ROOT / "includes" / "abbreviations.md").read_text(encoding="utf-8"))
    english = read_abbreviations((ROOT / "includes" / "abbreviations.en.md").read_text(encoding="utf-8"))
    assert english.keys() == french.keys(), "chaque sigle a son développement en anglais"
    seen = 0
    for url in ENGLISH:
        for title, term in re.findall(r'<abbr(?: lang="fr")? title="([^"]*)">([^<]+)</abbr>', page(site, url)):
            seen += 1
            assert title not in french.values(), f"{url} : info-bulle française pour {term}"
    assert seen > 5
    assert '<abbr title="Information and Communication Delegation' in page(site, "index.en/")
    # French pages keep the French expansion.
    assert '<abbr title="Délégation à l\'information et à la communication' in page(site, "")


def test_english_pages_weigh_half_in_the_search(site: Path) -> None:
    """French readers find the French texts first; English pages keep their own boost if set."""
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    boosts = {doc["location"].split("#")[0]: doc.get("boost") for doc in docs}
    for url in ENGLISH:
        assert boosts[url] == 0.5, url
    assert boosts["note/"] is None and boosts[""] is None
