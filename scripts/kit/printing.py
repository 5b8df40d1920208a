"""Documents to take away: the kit's pages as PDF, the templates as DOCX.

Everything here works on the HTML that Markdown (and the typography rules)
produced for each page, so that the site, the PDFs and the DOCX files say
exactly the same thing. No network access: resources are read only from the
folders given to :class:`LocalOnlyFetcher`.
"""

from __future__ import annotations

import copy
import hashlib
import io
import os
import posixpath
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

import docx
import lxml.html
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml.html import HtmlElement

STYLESHEET = Path(__file__).with_name("printing.css")

# Bump when the way documents are made changes, so that cached files are redone.
FORMAT_VERSION = "3"

STATE = "République française"
MINISTRY = "Ministère de l'Intérieur, de l'Outre-mer et des Collectivités territoriales"
KIT_TITLE = "Vos libertés, votre sécurité : parlons-en ensemble"
KIT_SUBTITLE = "Kit des forums de la sécurité intérieure – 2009"
_KIT_TITLE_FR = KIT_TITLE.replace(" :", "\u00a0:")
AUTHOR = "Ministère de l'Intérieur – DICOM"

# Where the generated files go, under the site directory.
OUTPUT_DIR = "documents"


@dataclass(frozen=True)
class KitDocument:
    """A page of the kit that is also offered as a file to take away."""

    src_uri: str  # the Markdown page, relative to docs/
    slug: str  # file name without extension, under documents/
    label: str  # « Télécharger {label} (PDF, 84 Ko) »
    group: str  # section of the « Documents à imprimer » page
    editable: bool = False  # also offered as DOCX, to fill in


# In the order of the whole kit.
KIT_DOCUMENTS: tuple[KitDocument, ...] = (
    KitDocument("lettre.md", "lettre-26-fevrier-2009", "la lettre", "officiels"),
    KitDocument("note.md", "note-de-fond", "la note de fond", "officiels"),
    KitDocument("fiche-1.md", "fiche-1-un-devoir", "la fiche thématique n° 1", "officiels"),
    KitDocument("fiche-2.md", "fiche-2-une-responsabilite-partagee", "la fiche thématique n° 2", "officiels"),
    KitDocument("methode.md", "methode-animation", "la méthode d'animation", "animation"),
    KitDocument("fil-directeur.md", "fil-directeur", "le fil directeur", "animation"),
    KitDocument("modeles/invitation.md", "modele-invitation", "le modèle de lettre d'invitation",
                "modeles", editable=True),
    KitDocument("modeles/compte-rendu.md", "modele-compte-rendu", "le modèle de compte rendu",
                "modeles", editable=True),
    KitDocument("modeles/synthese.md", "modele-synthese-departementale",
                "le modèle de synthèse départementale", "modeles", editable=True),
)
WHOLE_KIT_SLUG = "kit-complet-forums-securite-2009"
WHOLE_KIT_LABEL = "le kit complet"

FORMATS = {"pdf": "PDF", "docx": "DOCX"}


def document_for(src_uri: str) -> KitDocument | None:
    """The kit document made from the page ``src_uri``, if there is one."""
    return next((doc for doc in KIT_DOCUMENTS if doc.src_uri == src_uri), None)


@dataclass
class PrintPage:
    """A rendered page of the site, as it goes into a document."""

    doc: KitDocument
    title: str
    url: str  # the page's URL in the site, relative to its root: "lettre/"
    html: str  # the page's rendered content (page.content)


@dataclass(frozen=True)
class Download:
    """A file offered for download."""

    path: str  # relative to the site root: "documents/lettre.pdf"
    format: str  # "PDF", "DOCX"
    size: int | None  # bytes; None until the file is made
    label: str  # « la lettre »
    title: str = ""  # the document's title, for lists

    @property
    def size_text(self) -> str:
        return "" if self.size is None else human_size(self.size)

    @property
    def accessible_name(self) -> str:
        # The visible « PDF, 42 Ko » must appear as is in the name (WCAG 2.5.3): no brackets.
        return f"Télécharger {self.label}, {self.format}, {self.size_text}"


def human_size(size: int) -> str:
    """A file size the French way: « 840 octets », « 84 Ko », « 1,2 Mo »."""
    if size < 1024:
        return f"{size}\u00a0octets"
    kib = size / 1024
    if kib < 1000:
        return f"{max(1, round(kib))}\u00a0Ko"
    mib = kib / 1024
    text = f"{mib:.1f}".replace(".", ",").replace(",0", "")
    return f"{text}\u00a0Mo"


# Fields to fill in -----------------------------------------------------------

FIELD_CLASS = "kit-champ"
# A field may run over several lines of the Markdown source.
_FIELD = re.compile(r"\[([^\[\]<>]{1,400})\]")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>|<!--.*?-->", re.S)
_NO_FIELDS_IN = {"code", "pre", "script", "style", "a", "textarea", "svg", "mark"}


def mark_fields(html: str) -> str:
    """Wrap every ``[text to fill]`` of ``html``'s text in ``<mark class="kit-champ">``.

    Only text nodes change, never tags, attributes, code or links.
    """
    out: list[str] = []
    skip = 0
    pos = 0

    def mark(text: str) -> str:
        if skip:
            return text
        return _FIELD.sub(lambda m: f'<mark class="{FIELD_CLASS}">[{m.group(1)}]</mark>', text)

    for match in _TAG.finditer(html):
        out.append(mark(html[pos : match.start()]))
        out.append(match.group(0))
        closing, name, self_closing = match.group(1), (match.group(2) or "").lower(), match.group(3)
        if name in _NO_FIELDS_IN and not self_closing:
            skip = max(0, skip + (-1 if closing else 1))
        pos = match.end()
    out.append(mark(html[pos:]))
    return "".join(out)


# Network-free fetching --------------------------------------------------------

class RefusedURLError(ValueError):
    """A document asked for a resource outside the allowed local folders."""


class LocalOnlyFetcher:
    """WeasyPrint URL fetcher that reads local files under ``roots`` and nothing else.

    ``data:`` URLs are allowed (they carry their content); any other URL, and
    any file outside ``roots``, is refused and remembered in :attr:`refused`.
    Allowed URLs are read by WeasyPrint's own fetcher, limited to ``file`` and
    ``data``; WeasyPrint is imported only when a file is actually read, which
    keeps builds that take every document from the cache fast.
    """

    _fail_on_errors = False  # read by WeasyPrint: a refused resource is left out, not fatal

    def __init__(self, roots: Iterable[Path]) -> None:
        self.roots = [Path(root).resolve() for root in roots]
        self.refused: list[str] = []
        self._reader = None

    def allows(self, url: str) -> bool:
        """Whether ``url`` is a ``data:`` URL or a file under one of the roots."""
        parts = urlsplit(url)
        if parts.scheme == "data":
            return True
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = Path(url2pathname(unquote(parts.path))).resolve()
        return any(path == root or root in path.parents for root in self.roots)

    def fetch(self, url: str, headers: dict[str, str] | None = None):  # noqa: ANN201 (WeasyPrint's response)
        """Read ``url`` if it is allowed, else record it and raise :class:`RefusedURLError`."""
        if not self.allows(url):
            self.refused.append(url)
            raise RefusedURLError(f"Ressource refusée (hors du site) : {url}")
        if self._reader is None:
            from weasyprint.urls import URLFetcher

            self._reader = URLFetcher(allowed_protocols=("file", "data"), allow_redirects=False)
        return self._reader.fetch(url, headers)

    __call__ = fetch


# HTML prepared for print ------------------------------------------------------

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
_CHROME_CLASSES = {
    "headerlink", "i18n-link", "kit-downloads", "kit-ecran", "kit-lang", "kit-change",
    "md-content__button", "md-tags", "md-source-file", "md-feedback",
}
_CHROME_TAGS = {"script", "style", "iframe", "form", "button", "noscript"}


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


def _classes(el: HtmlElement) -> set[str]:
    return set((el.get("class") or "").split())


def _remove(el: HtmlElement) -> None:
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
            _remove(backref)
        return
    notes = {li.get("id"): li for li in root.xpath('.//div[contains(@class, "footnote")]/ol/li')}
    for sup, target in zip(refs, targets):
        li = notes.get(target)
        if li is None:
            continue
        for backref in li.xpath('.//a[contains(concat(" ", @class, " "), " footnote-backref ")]'):
            _remove(backref)
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
        _remove(block)


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
            a.set("class", " ".join(sorted(_classes(a) | {"kit-externe"})))
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


def print_fragment(page: PrintPage, links: LinkContext, *, prefix: str = "") -> str:
    """The content of ``page`` made ready for print, as an HTML fragment.

    Ids are prefixed with ``prefix`` so that several pages fit in one document.
    """
    root = lxml.html.fragment_fromstring(page.html or "<p></p>", create_parent="div")
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if el.tag in _CHROME_TAGS or _classes(el) & _CHROME_CLASSES or el.get("id") == "__comments":
            _remove(el)
    for ul in root.xpath(".//ul[not(*)]"):
        _remove(ul)
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
            table.set("class", " ".join(sorted(_classes(table) | {"kit-col1-courte"})))
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
        _head(_plain(page.title))
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
              "modeles": "Modèles à remplir (rédigés pour cette édition du kit)"}
    toc: list[str] = []
    current = None
    for page in pages:
        if page.doc.group != current:
            if current is not None:
                toc.append("</ol>")
            current = page.doc.group
            toc.append(f'<p class="kit-sommaire__groupe">{escape(groups.get(current, current))}</p><ol>')
        toc.append(
            f'<li><a href="#{prefixes[page.url]}debut">{escape(_plain(page.title))}</a></li>'
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


def _plain(text: str) -> str:
    """Text of a title that may hold HTML (entities, tags)."""
    if "<" not in text and "&" not in text:
        return text
    return lxml.html.fragment_fromstring(text, create_parent="span").text_content()


# PDF ------------------------------------------------------------------------

_font_config = None


def render_pdf(html: str, *, base_url: str, fetcher: LocalOnlyFetcher,
               stylesheet: Path = STYLESHEET) -> bytes:
    """The PDF of a complete HTML document, laid out with the kit's print stylesheet."""
    global _font_config
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    if _font_config is None:  # loading the system fonts once saves time on every document
        _font_config = FontConfiguration()
    css = CSS(string=stylesheet.read_text(encoding="utf-8"), url_fetcher=fetcher,
              font_config=_font_config, base_url=stylesheet.parent.as_uri() + "/")
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[css], font_config=_font_config, pdf_tags=True,
                              uncompressed_pdf=False)


def local_resources(html: str) -> list[Path]:
    """The local files an HTML document reads (its images), so that a change to them shows in a key."""
    found = []
    for url in re.findall(r'\ssrc="(file:[^"]+)"', html):
        path = Path(url2pathname(unquote(urlsplit(url).path)))
        if path.is_file():
            found.append(path)
    return found


def content_key(*parts: str | bytes) -> str:
    """A stable hash of everything a generated file depends on."""
    digest = hashlib.sha256(FORMAT_VERSION.encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


class FileCache:
    """Generated files kept by content hash, so that unchanged documents are not redone."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, key: str, suffix: str) -> bytes | None:
        path = self.folder / f"{key}.{suffix}"
        if not path.is_file():
            return None
        os.utime(path)  # recently used files survive pruning
        return path.read_bytes()

    def put(self, key: str, suffix: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{key}.{os.getpid()}.{suffix}.tmp"
        tmp.write_bytes(data)
        tmp.replace(self.folder / f"{key}.{suffix}")  # never a half-written file in the cache

    def prune_older(self, keep: Iterable[str], days: float) -> None:
        """Remove the files not in ``keep`` that were not used for ``days`` days."""
        wanted = set(keep)
        if not self.folder.is_dir():
            return
        limit = time.time() - days * 86400
        for path in self.folder.iterdir():
            if path.is_file() and path.name.split(".")[0] not in wanted and path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)


# DOCX -----------------------------------------------------------------------

_HEADINGS = {"h1": 0, "h2": 1, "h3": 2, "h4": 3, "h5": 4, "h6": 4}
_BLUE = RGBColor(0x00, 0x00, 0x91)


@dataclass
class _Run:
    bold: bool = False
    italic: bool = False
    field: bool = False
    superscript: bool = False


def _add_text(paragraph: Paragraph, text: str, style: _Run) -> None:
    if not text:
        return
    text = re.sub(r"\s+", " ", text)
    run = paragraph.add_run(text)
    run.bold = style.bold or None
    run.italic = style.italic or None
    if style.superscript:
        run.font.superscript = True
    if style.field:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _inline(paragraph: Paragraph, el: HtmlElement, style: _Run) -> None:
    """Add the text of ``el`` (its children, not its tail) to ``paragraph``."""
    _add_text(paragraph, el.text or "", style)
    for child in el:
        if not isinstance(child.tag, str):
            _add_text(paragraph, child.tail or "", style)
            continue
        classes = _classes(child)
        inner = _Run(**vars(style))
        if child.tag in ("strong", "b"):
            inner.bold = True
        elif child.tag in ("em", "i"):
            inner.italic = True
        elif child.tag == "sup":
            inner.superscript = True
        if child.tag == "mark" or FIELD_CLASS in classes:
            inner.field = True
        if child.tag == "br":
            paragraph.add_run().add_break()
            _add_text(paragraph, (child.tail or "").lstrip(), style)  # no space at the start of a line
            continue
        elif child.tag in ("label", "input") or "task-list-control" in classes:
            _add_text(paragraph, "☐ ", style)
        elif "headerlink" in classes or "footnote-backref" in classes:
            pass
        else:
            _inline(paragraph, child, inner)
            if child.tag == "a" and child.get("href", "").startswith(("http://", "https://")):
                href = child.get("href", "")
                if " ".join(child.text_content().split()).rstrip("/") != href.rstrip("/"):
                    _add_text(paragraph, f" ({href})", style)
        _add_text(paragraph, child.tail or "", style)


_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "div", "blockquote",
           "details", "hr", "dl", "section", "article", "summary"}


def _has_blocks(el: HtmlElement) -> bool:
    return any(isinstance(child.tag, str) and child.tag in _BLOCKS for child in el)


def _cell_blocks(cell, el: HtmlElement) -> None:
    """Fill a table cell (its first paragraph exists already)."""
    first = cell.paragraphs[0]
    if _has_blocks(el):
        _inline_text_only(first, el)
        _blocks(cell, el)
    else:
        _inline(first, el, _Run(bold=el.tag == "th"))


def _inline_text_only(paragraph: Paragraph, el: HtmlElement) -> None:
    _add_text(paragraph, (el.text or "").strip(), _Run())


def _list(container, el: HtmlElement, depth: int) -> None:
    style = "List Number" if el.tag == "ol" else "List Bullet"
    if depth:
        style += f" {min(depth + 1, 3)}"
    for li in el.findall("li"):
        paragraph = container.add_paragraph(style=style)
        # Text before any nested block, then the nested blocks.
        head = copy.deepcopy(li)
        for child in list(head):
            if isinstance(child.tag, str) and child.tag in _BLOCKS and child.tag != "p":
                head.remove(child)
        if head.find("p") is not None:
            for i, p in enumerate(head.findall("p")):
                if i:
                    paragraph = container.add_paragraph(style=style)
                _inline(paragraph, p, _Run())
        else:
            _inline(paragraph, head, _Run())
        for child in li:
            if child.tag in ("ul", "ol"):
                _list(container, child, depth + 1)


def _table(container, el: HtmlElement) -> None:
    rows = el.xpath("./thead/tr|./tbody/tr|./tr")
    if not rows:
        return
    width = max(len(row.xpath("./th|./td")) for row in rows)
    table = container.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    for index, row in enumerate(rows):
        cells = row.xpath("./th|./td")
        docx_row = table.add_row()
        if index == 0 and row.getparent().tag == "thead":
            # Header rows repeat at the top of every printed page.
            tr_pr = docx_row._tr.get_or_add_trPr()
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            tr_pr.append(header)
        for col, cell in enumerate(cells):
            _cell_blocks(docx_row.cells[col], cell)
    container.add_paragraph()


def _blocks(container, root: HtmlElement) -> None:
    """Add the block elements under ``root`` to ``container`` (document or cell)."""
    for el in root:
        if not isinstance(el.tag, str):
            continue
        classes = _classes(el)
        if classes & (_CHROME_CLASSES | {"footnote", "kit-consigne"}) or el.tag in _CHROME_TAGS:
            if "footnote" in classes:
                _footnotes(container, el)
            continue
        if el.tag in _HEADINGS:
            paragraph = container.add_heading(level=_HEADINGS[el.tag]) if hasattr(
                container, "add_heading") else container.add_paragraph()
            _inline(paragraph, el, _Run())
        elif el.tag == "p":
            paragraph = container.add_paragraph()
            _inline(paragraph, el, _Run())
            if "kit-droite" in classes:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT  # the letter's place and date
            elif classes & {"kit-destinataire", "kit-signature"}:
                paragraph.paragraph_format.left_indent = Cm(8.5)  # recipient and signature blocks
        elif el.tag in ("ul", "ol"):
            _list(container, el, 0)
        elif el.tag == "table":
            _table(container, el)
        elif el.tag == "hr":
            container.add_paragraph("—" * 3).alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif el.tag == "dl":
            for item in el:
                paragraph = container.add_paragraph()
                _inline(paragraph, item, _Run(bold=item.tag == "dt"))
        elif el.tag in ("div", "section", "article", "blockquote", "details", "figure"):
            if "admonition" in classes:
                title = el.find("p")
                if title is not None and "admonition-title" in _classes(title):
                    paragraph = container.add_paragraph()
                    _inline(paragraph, title, _Run(bold=True))
                    rest = copy.deepcopy(el)
                    rest.remove(rest.find("p"))
                    _blocks(container, rest)
                    continue
            if _has_blocks(el):
                _blocks(container, el)
            else:
                paragraph = container.add_paragraph()
                _inline(paragraph, el, _Run())
        elif el.tag == "summary":
            paragraph = container.add_paragraph()
            _inline(paragraph, el, _Run(bold=True))


def _footnotes(container, el: HtmlElement) -> None:
    for number, li in enumerate(el.xpath("./ol/li"), start=1):
        paragraph = container.add_paragraph()
        _add_text(paragraph, f"{number}. ", _Run())
        for p in li.findall("p") or [li]:
            _inline(paragraph, p, _Run())
        for run in paragraph.runs:
            run.font.size = Pt(9)


def _page_number(paragraph: Paragraph) -> None:
    """Add « Page N sur M » as Word fields, updated by Word and LibreOffice."""
    def field(instruction: str) -> None:
        run = paragraph.add_run()
        simple = OxmlElement("w:fldSimple")
        simple.set(qn("w:instr"), instruction)
        inner = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        inner.append(text)
        simple.append(inner)
        run._r.addnext(simple)

    paragraph.add_run("Page ")
    field("PAGE")
    paragraph.add_run(" sur ")
    field("NUMPAGES")


def render_docx(page: PrintPage) -> bytes:
    """An editable Word document of ``page``, its fields to fill highlighted in yellow."""
    document = docx.Document()
    styles = document.styles
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(11)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        style = styles[name]
        style.font.name = "Arial"
        style.font.color.rgb = _BLUE
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2)
    header = section.header.paragraphs[0]
    state = header.add_run(STATE.upper())
    state.bold = True
    state.font.size = Pt(8)
    header.add_run().add_break()
    ministry = header.add_run(MINISTRY)
    ministry.font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    footer.add_run(f"{KIT_TITLE} – {_plain(page.title)} – ")
    _page_number(footer)
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for run in footer.runs:
        run.font.size = Pt(8)

    props = document.core_properties
    props.title = _plain(page.title)
    props.author = AUTHOR
    props.subject = f"{KIT_TITLE} – {KIT_SUBTITLE}"
    props.language = "fr-FR"
    props.keywords = "forums sécurité 2009; modèle"
    props.comments = "Remplacez les passages surlignés en jaune, crochets compris."

    root = lxml.html.fragment_fromstring(page.html or "<p></p>", create_parent="div")
    # The page's title (« Modèle : ... ») names the template, not the document to send.
    for h1 in root.iter("h1"):
        _remove(h1)
        break
    _blocks(document, root)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def fields_of(html: str) -> list[str]:
    """The fields to fill in ``html`` (after :func:`mark_fields`), in order."""
    root = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")
    return [" ".join(el.text_content().split()) for el in root.xpath(f'.//mark[@class="{FIELD_CLASS}"]')]
