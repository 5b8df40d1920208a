"""A site page's article prepared for print: furniture removed, links made absolute, footnotes inline.

Everything here works on the HTML that Markdown (and the typography rules)
produced for each page, so that the site, the PDFs and the DOCX files say
exactly the same thing.
"""

from __future__ import annotations

import copy
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml.html import HtmlElement

from kit.documents.registry import (
    AUTHOR,
    KIT_SUBTITLE,
    KIT_TITLE,
    MINISTRY,
    STATE,
    PrintPage,
    plain_title,
)

_KIT_TITLE_FR = KIT_TITLE.replace(" :", "\u00a0:")


_EXTERNAL_SCHEMES = {"http", "https", "mailto", "ftp", "tel"}


@dataclass
class LinkContext:
    """How the links of a page are rewritten for a document."""

    site_url: str  # absolute URL of the site root, "" if unknown
    # Site URLs (« note/ ») of the pages that are in the same document, with their id prefix.
    in_document: dict[str, str] = field(default_factory=dict)
    # file: URL of the docs folder: images are read from there, never from the network.
    resources: str = ""


# Parts of the site's article that are screen furniture, not the document.
CHROME_CLASSES = {
    "headerlink", "i18n-link", "kit-downloads", "kit-ecran", "kit-lang", "kit-change",
    "md-content__button", "md-tags", "md-source-file", "md-feedback",
}
CHROME_TAGS = {"script", "style", "iframe", "form", "button", "noscript"}


def article_html(page_html: str) -> str | None:
    """The inner HTML of the article of a rendered site page, or None if there is none."""
    document = lxml.html.document_fromstring(page_html)
    found = document.xpath('//article[contains(concat(" ", @class, " "), " md-content__inner ")]')
    if not found:
        return None
    article = found[0]
    return escape(article.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in article
    )


def classes_of(el: HtmlElement) -> set[str]:
    return set((el.get("class") or "").split())


def remove_element(el: HtmlElement) -> None:
    """Remove ``el`` but keep its tail text."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _inline_footnotes(root: HtmlElement) -> None:
    """Turn Markdown footnotes into CSS footnotes printed at the foot of the page.

    A footnote referenced more than once stays a note at the end of the document.
    """
    refs = root.xpath('.//sup[a[contains(concat(" ", @class, " "), " footnote-ref ")]]')
    targets = [sup.find("a").get("href", "")[1:] for sup in refs]
    if not refs or len(set(targets)) != len(targets):
        for backref in root.xpath('.//a[contains(concat(" ", @class, " "), " footnote-backref ")]'):
            remove_element(backref)
        return
    notes = {li.get("id"): li for li in root.xpath('.//div[contains(@class, "footnote")]/ol/li')}
    for sup, target in zip(refs, targets, strict=False):
        li = notes.get(target)
        if li is None:
            continue
        for backref in li.xpath('.//a[contains(concat(" ", @class, " "), " footnote-backref ")]'):
            remove_element(backref)
        note = lxml.html.Element("span", {"class": "kit-note"})
        # Leading white space would put the note's number on a line of its own.
        note.text = (li.text or "").strip() or None
        for child in li:
            if child.tag == "p":
                # A note's paragraphs become runs of text, a space apart.
                span = lxml.html.Element("span")
                span.text = (child.text or "").lstrip()
                for grandchild in list(child):
                    span.append(grandchild)
                span.tail = " "
                note.append(span)
            else:
                note.append(copy.deepcopy(child))
        if len(note):
            last = note[-1]
            last.tail = None
            if not len(last) and last.text:
                last.text = last.text.rstrip()
        note.tail = sup.tail
        sup.getparent().replace(sup, note)
    for block in root.xpath('.//div[contains(concat(" ", @class, " "), " footnote ")]'):
        remove_element(block)


def _print_url(href: str) -> str:
    return href[len("mailto:"):] if href.startswith("mailto:") else href


def _rewrite_links(root: HtmlElement, page_url: str, prefix: str, links: LinkContext) -> None:
    """Make every link work on paper and in the PDF file.

    External links get their URL printed after them; links to a page of the
    same document become internal links; other links to the site point to
    its absolute address (or lose their target when it is unknown).
    """
    base = "http://kit.invalid/"  # resolves relative URLs without any real host
    for a in root.iter("a"):
        href = a.get("href")
        if href is None:
            continue
        parts = urlsplit(href)
        if parts.scheme in _EXTERNAL_SCHEMES:
            text = " ".join(a.text_content().split())
            printed = _print_url(href)
            if text.rstrip("/") != printed.rstrip("/"):
                a.set("data-url", printed)
            a.set("class", " ".join(sorted(classes_of(a) | {"kit-externe"})))
            continue
        if parts.scheme:
            a.attrib.pop("href")
            continue
        if not parts.path and parts.fragment:
            a.set("href", f"#{prefix}{parts.fragment}")
            continue
        target = urlsplit(urljoin(base + page_url, href))
        site_path = posixpath.normpath(target.path).lstrip("/")
        site_path = "" if site_path == "." else site_path
        if site_path and target.path.endswith("/"):
            site_path += "/"  # normpath drops it, and the site's addresses end with it
        key = site_path.removesuffix("index.html")
        if key in links.in_document:
            other = links.in_document[key]
            a.set("href", f"#{other}{target.fragment}" if target.fragment else f"#{other}debut")
        elif links.site_url:
            a.set("href", urljoin(links.site_url, site_path) + (f"#{target.fragment}" if target.fragment else ""))
        else:
            a.attrib.pop("href")


# Whitespace that HTML collapses (not the no-break spaces of French typography).
_BLANK = re.compile(r"[ \t\n\r\f]+")


def _collapse_blank_text(root: HtmlElement) -> None:
    """Make each text between elements that is only collapsible whitespace one character, outside ``pre``.

    It prints the same, and the document's HTML, the key of its PDF in the cache, no longer keeps
    the blank lines that the screen furniture it lost stood between: a page whose only change is a
    mark of a version (« Modifié dans la version 1.1 ») is not laid out again.
    """
    kept = {el for pre in root.iter("pre") for el in pre.iter()}
    if root.text and _BLANK.fullmatch(root.text):
        root.text = None  # before the first element: never printed
    for el in root.iter():
        if isinstance(el.tag, str) and el not in kept and el.text and _BLANK.fullmatch(el.text):
            el.text = "\n" if "\n" in el.text else " "
        if el.tail and el.getparent() not in kept and _BLANK.fullmatch(el.tail):
            el.tail = "\n" if "\n" in el.tail else " "


def print_fragment(page: PrintPage, links: LinkContext, *, prefix: str = "") -> str:
    """The content of ``page`` made ready for print, as an HTML fragment.

    Ids are prefixed with ``prefix`` so that several pages fit in one document.
    """
    root = lxml.html.fragment_fromstring(page.html or "<p></p>", create_parent="div")
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if el.tag in CHROME_TAGS or classes_of(el) & CHROME_CLASSES or el.get("id") == "__comments":
            remove_element(el)
    for ul in root.xpath(".//ul[not(*)]"):
        remove_element(ul)
    _collapse_blank_text(root)
    # Tick boxes of check lists: an empty box to tick with a pen.
    for label in root.xpath('.//label[contains(@class, "task-list-control")]'):
        box = lxml.html.Element("span", {"class": "kit-case", "aria-hidden": "true"})
        checked = label.xpath('.//input[@checked]')
        box.text = "✓" if checked else ""
        box.tail = (label.tail or " ")
        label.getparent().replace(label, box)
    for details in root.iter("details"):
        details.set("open", "open")
    _inline_footnotes(root)
    _rewrite_links(root, page.url, prefix, links)
    if links.resources:
        for img in root.xpath(".//img[@src]"):
            # Relative to the page, so that one document can hold pages from several folders.
            img.set("src", urljoin(links.resources + page.url, img.get("src")))
    for table in root.iter("table"):
        # A column of short labels (times, numbers) is not worth breaking.
        firsts = table.xpath("./thead/tr/*[1]|./tbody/tr/*[1]|./tr/*[1]")
        if firsts and all(len(" ".join(cell.text_content().split())) <= 18 for cell in firsts):
            table.set("class", " ".join(sorted(classes_of(table) | {"kit-col1-courte"})))
    if prefix:
        for el in root.xpath(".//*[@id]"):
            el.set("id", prefix + el.get("id"))
    if root.find(".//h1") is None:
        h1 = lxml.html.Element("h1")
        h1.text = page.title
        root.insert(0, h1)
        h1.tail = root.text
        root.text = None
    return "".join(
        [escape(root.text or "")]
        + [lxml.html.tostring(child, encoding="unicode") for child in root]
    )


def _head(title: str) -> str:
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        f'<meta name="author" content="{escape(AUTHOR)}">'
        f'<meta name="description" content="{escape(KIT_TITLE)} – {escape(KIT_SUBTITLE)}">'
        "</head>"
    )


def _running_header() -> str:
    return (
        '<div class="kit-entete" aria-hidden="true">'
        f'<span class="kit-entete__etat">{escape(STATE)}</span>'
        f'<span class="kit-entete__ministere">{escape(MINISTRY)}</span>'
        "</div>"
        f'<div class="kit-titre-courant" aria-hidden="true">{escape(KIT_TITLE)}</div>'
    )


def document_html(page: PrintPage, site_url: str, resources: str = "") -> str:
    """A complete HTML document holding one page of the kit."""
    body = print_fragment(page, LinkContext(site_url=site_url, in_document={page.url: ""},
                                            resources=resources))
    return (
        _head(plain_title(page.title))
        + f'<body class="kit-document kit-document--{page.doc.group}">'
        + _running_header()
        + f'<article class="kit-doc" id="debut">{body}</article>'
        + "</body></html>"
    )


def whole_kit_html(pages: Sequence[PrintPage], links_site_url: str, resources: str = "") -> str:
    """A complete HTML document holding every page, with a cover and a table of contents."""
    prefixes = {page.url: f"{page.doc.slug}--" for page in pages}
    links = LinkContext(site_url=links_site_url, in_document=prefixes, resources=resources)
    groups = {"officiels": "Textes officiels du 26 février 2009",
              "animation": "Animer un forum (rédigé pour cette édition du kit)",
              "modeles": "Modèles à remplir (rédigés pour cette édition du kit)",
              "forum": "Documents de chaque forum (rédigés pour cette édition du kit)"}
    toc: list[str] = []
    current = None
    for page in pages:
        if page.doc.group != current:
            if current is not None:
                toc.append("</ol>")
            current = page.doc.group
            toc.append(f'<p class="kit-sommaire__groupe">{escape(groups.get(current, current))}</p><ol>')
        toc.append(
            f'<li><a href="#{prefixes[page.url]}debut">{escape(plain_title(page.title))}</a></li>'
        )
    if current is not None:
        toc.append("</ol>")
    sections = "".join(
        f'<section class="kit-doc kit-doc--{page.doc.group}" id="{prefixes[page.url]}debut">'
        f"{print_fragment(page, links, prefix=prefixes[page.url])}</section>"
        for page in pages
    )
    title = f"{KIT_TITLE} – {KIT_SUBTITLE}"
    return (
        _head(title)
        + '<body class="kit-document kit-document--complet">'
        + _running_header()
        + '<section class="kit-couverture">'
        + f'<p class="kit-couverture__etat">{escape(STATE)}</p>'
        + f'<p class="kit-couverture__ministere">{escape(MINISTRY)}</p>'
        + f'<h1 class="kit-couverture__titre">«\u00a0{escape(_KIT_TITLE_FR)}\u00a0»</h1>'
        + f'<p class="kit-couverture__sous-titre">{escape(KIT_SUBTITLE)}</p>'
        + '<p class="kit-couverture__contenu">Les textes officiels du 26 février 2009 (lettre, note de fond, '
        + "fiches thématiques) et les documents rédigés pour cette édition du kit (méthode d'animation, "
        + "fil directeur et modèles).</p>"
        + "</section>"
        + '<nav class="kit-sommaire"><h2 class="kit-sommaire__titre">Sommaire</h2>'
        + "".join(toc)
        + "</nav>"
        + sections
        + "</body></html>"
    )
