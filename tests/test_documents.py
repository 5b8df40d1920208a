"""Documents to take away: the PDFs of the kit, the DOCX templates, the
download buttons, the « Documents à imprimer » page and the print stylesheet."""

from __future__ import annotations

import io
import re
import socket
import subprocess
import threading
import time
import uuid
import zipfile
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import docx
import lxml.html
import pikepdf
import pytest
from docx.shared import Cm
from pypdf import PdfReader

from conftest import ROOT, build_site, page
from kit.documents import pdf, registry
from kit.documents.docx_french import FIELD_STYLE
from kit.documents.fetch import LocalOnlyFetcher, RefusedURLError, local_resources
from kit.documents.fields import fields_of, mark_fields
from kit.documents.html import LinkContext, article_html, document_html, print_fragment, whole_kit_html
from kit.store import ArtifactCache, content_key
from kitdev.chromium import CHROMIUM, LAUNCH_ARGS, MISSING

DOCS = ROOT / "docs"
EXISTING = [doc for doc in registry.KIT_DOCUMENTS if (DOCS / doc.src_uri).is_file()]
TEMPLATES = [doc for doc in EXISTING if doc.editable]

# Page counts each document should keep (A4, the kit's layout): a wide range,
# but a layout gone wrong (one word per line, a page per paragraph) leaves it.
PAGES = {
    "lettre.md": (1, 3), "note.md": (4, 10), "fiche-1.md": (2, 6), "fiche-2.md": (1, 4),
    "methode.md": (3, 12), "fil-directeur.md": (3, 7), "modeles/invitation.md": (1, 3),
    "modeles/compte-rendu.md": (2, 5), "modeles/synthese.md": (1, 4), "modeles/annonce-falc.md": (1, 3),
    "forum/affiche.md": (1, 2), "forum/affiche-a3.md": (1, 1), "forum/avis.md": (1, 2), "forum/communique.md": (1, 2), "forum/invitation-presse.md": (1, 2),
    "forum/emargement.md": (1, 2), "forum/cartes-questions.md": (1, 2), "forum/comptage.md": (1, 2),
}
# The files made from code (mail merge, calendar template), besides those made from pages.
MADE = sum(len(item.suffixes) for item in registry.MADE_FILES)
SUFFIXES = {".pdf", ".docx", ".odt", ".xlsx", ".ods"}
# Screen furniture that the site shows in the article and the PDF leaves out.
CHROME = ('[contains(@class, "kit-downloads") or contains(@class, "kit-change") or contains(@class, "kit-lang")'
          ' or contains(@class, "md-tags") or contains(@class, "footnote") or @data-search-exclude]')


def squash(text: str) -> str:
    """Text compared without spaces, line breaks or hyphens (PDF lines are hyphenated)."""
    return re.sub(r"[\s\u00a0\u202f\u00ad\-‐]+", "", text)


def pdf_pages(path: Path, *, layout: bool = False) -> list[str]:
    """The text of each page of a PDF, as pdftotext reads it (in reading order, or as laid out)."""
    out = subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def url_of(doc: registry.KitDocument) -> str:
    return doc.src_uri.removesuffix(".md").removesuffix("index") + "/"


def article(site: Path, doc: registry.KitDocument) -> lxml.html.HtmlElement:
    html = article_html(page(site, url_of(doc)))
    assert html is not None
    return lxml.html.fragment_fromstring(html, create_parent="div")


def text(el: lxml.html.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def expected_passages(root: lxml.html.HtmlElement) -> tuple[list[str], list[str]]:
    """Headings and the first and last long paragraphs of a page, as the site shows them."""
    headings = [text(h) for h in root.xpath(f".//*[self::h1 or self::h2 or self::h3][not(ancestor-or-self::*{CHROME})]")]
    paragraphs = [text(p) for p in root.xpath(f".//p[not(ancestor-or-self::*{CHROME})]")
                  if len(text(p)) > 60]
    return [h.rstrip("#").strip() for h in headings if h], paragraphs[:1] + paragraphs[-1:]


# PDFs of the site --------------------------------------------------------------

def test_the_kit_has_pages_to_print() -> None:
    assert {"methode.md", "fil-directeur.md", "modeles/invitation.md"} <= {d.src_uri for d in EXISTING}


@pytest.mark.parametrize("doc", EXISTING, ids=lambda d: d.slug)
def test_pdf_of_each_document(site: Path, doc: registry.KitDocument) -> None:
    path = site / "documents" / f"{doc.slug}.pdf"
    assert path.is_file(), f"{path.name} manque"
    low, high = PAGES[doc.src_uri]
    reader = PdfReader(path)
    assert low <= len(reader.pages) <= high, f"{path.name} : {len(reader.pages)} pages"
    assert reader.metadata.title, "le PDF n'a pas de titre"
    pages = pdf_pages(path)
    whole = squash("".join(pages))
    headings, passages = expected_passages(article(site, doc))
    assert headings and passages
    for expected in headings + passages:
        assert squash(expected) in whole, f"{path.name} : « {expected[:60]} » manque"
    total = len(pages)
    for number, content in enumerate(pages, start=1):
        assert f"Page {number} sur {total}" in content, f"{path.name} : numéro de la page {number}"
        assert "RÉPUBLIQUE FRANÇAISE" in content and squash(registry.MINISTRY) in squash(content)
        assert "Vos libertés, votre sécurité" in content
    # No navigation, search or button of the site in the document.
    for chrome in ("Aller au contenu", "Rechercher", f"Télécharger {doc.label}"):
        assert squash(chrome) not in whole


def test_a3_poster_is_the_a4_one_on_one_a3_page(site: Path) -> None:
    """The blank A3 poster: one A3 page, the same text and fields as the A4 one."""
    posters = {doc.paper: doc for doc in EXISTING if doc.src_uri.startswith("forum/affiche")}
    assert set(posters) == {"A4", "A3"}
    sizes = {}
    for paper, doc in posters.items():
        reader = PdfReader(site / "documents" / f"{doc.slug}.pdf")
        box = reader.pages[0].mediabox
        sizes[paper] = (round(float(box.width)), round(float(box.height)))
    assert sizes == {"A4": (595, 842), "A3": (842, 1191)}
    assert len(PdfReader(site / "documents" / f"{posters['A3'].slug}.pdf").pages) == 1
    a4, a3 = (article(site, posters[paper]) for paper in ("A4", "A3"))
    assert text(a3.xpath('.//div[contains(@class, "kit-affiche")]')[0]) == \
        text(a4.xpath('.//div[contains(@class, "kit-affiche")]')[0])
    assert "[date du forum]" in a3.xpath('.//mark[contains(@class, "kit-champ")]/text()')
    printed = squash("".join(pdf_pages(site / "documents" / f"{posters['A3'].slug}.pdf")))
    assert squash("[date du forum]") in printed and squash("Entrée libre") in printed


@pytest.mark.parametrize("doc", [d for d in EXISTING if d.src_uri in {"note.md", "fiche-1.md"}],
                         ids=lambda d: d.slug)
def test_footnotes_at_the_foot_of_their_page(site: Path, doc: registry.KitDocument) -> None:
    """Each note is printed on the page where it is called (the note and sheet n° 1 have notes)."""
    root = article(site, doc)
    notes = root.xpath('.//div[contains(@class, "footnote")]/ol/li')
    assert notes, f"{doc.src_uri} devrait avoir des notes"
    pages = [squash(p) for p in pdf_pages(site / "documents" / f"{doc.slug}.pdf")]
    for li in notes:
        note = squash(re.sub("[↩\ufe0e\ufe0f]", "", text(li)))
        sup = root.xpath(f'.//a[@href="#{li.get("id")}"]')[0].getparent()
        paragraph = sup.getparent()
        sup.text, sup[0].text = "§§", ""  # the call's place in the paragraph's text
        # A few words only: the paragraph may start on the previous page.
        before = squash(text(paragraph).split("§§")[0])[-14:]
        called = [i for i, p in enumerate(pages) if before in p]
        printed = [i for i, p in enumerate(pages) if note in p]
        assert called and printed, f"note « {note[:40]} »"
        assert "".join(pages).count(note[:30]) == 1, f"la note « {note[:40]} » est imprimée deux fois"
        assert printed[0] in called, f"la note « {note[:40]} » n'est pas sur la page de son appel"


def test_whole_kit_pdf(site: Path) -> None:
    path = site / "documents" / f"{registry.WHOLE_KIT_SLUG}.pdf"
    pages = pdf_pages(path)
    # The A3 poster is the A4 one enlarged: the whole kit has it once, in A4.
    in_kit = [d for d in EXISTING if d.paper == "A4"]
    singles = sum(len(PdfReader(site / "documents" / f"{d.slug}.pdf").pages) for d in in_kit)
    # A cover, a table of contents, then every document from a new page.
    assert singles + 1 <= len(pages) <= singles + 4
    assert "Sommaire" in pages[1]
    toc = [int(n) for n in re.findall(r"\.\s*(\d+)\s*$", pdf_pages(path, layout=True)[1], re.M)]
    assert len(toc) == len(in_kit)
    for doc, number in zip(in_kit, toc, strict=False):
        h1 = text(article(site, doc).xpath(".//h1")[0]).rstrip("#").strip()
        assert squash(h1) in squash(pages[number - 1]), f"le sommaire renvoie {doc.slug} à la page {number}"
        headings, passages = expected_passages(article(site, doc))
        for expected in headings + passages:
            assert squash(expected) in squash("".join(pages)), f"kit complet : « {expected[:60]} » manque"
    assert f"Page 1 sur {len(pages)}" not in pages[0]  # the cover has no page header or footer
    assert f"Page 3 sur {len(pages)}" in pages[2]


def test_pdf_links_stay_inside_the_kit(site: Path) -> None:
    """Links between documents of the whole kit are internal; none points to a local file, nor to the
    address a document is laid out with before its links are pointed at the site."""
    reader = PdfReader(site / "documents" / f"{registry.WHOLE_KIT_SLUG}.pdf")
    internal = external = 0
    for pdf_page in reader.pages:
        for annot in pdf_page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            if action is not None and "/URI" in action:
                uri = str(action["/URI"])
                assert not uri.startswith(("file:", pdf.LINK_ROOT)) and "kit.invalid" not in uri, uri
                external += 1
            elif "/Dest" in annot or (action is not None and action.get("/S") == "/GoTo"):
                internal += 1
    assert internal >= len(EXISTING), "le sommaire et les renvois doivent être des liens internes"


# DOCX templates -------------------------------------------------------------------

def highlighted(document: docx.document.Document) -> list[str]:
    """The highlighted passages of a Word document (runs joined), in order."""
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    found = []
    for paragraph in paragraphs:
        current = ""
        for run in paragraph.runs:
            if run.style.name == FIELD_STYLE or run.font.highlight_color is not None:
                current += run.text
            elif current:
                found.append(current)
                current = ""
        if current:
            found.append(current)
    return [" ".join(f.split()) for f in found]


@pytest.mark.parametrize("doc", TEMPLATES, ids=lambda d: d.slug)
def test_docx_of_each_template(site: Path, doc: registry.KitDocument) -> None:
    path = site / "documents" / f"{doc.slug}.docx"
    document = docx.Document(str(path))
    fields = [text(m) for m in article(site, doc).xpath('.//mark[@class="kit-champ"]'
                                                          '[not(ancestor::*[contains(@class, "kit-consigne")])]')]
    assert len(fields) >= 5
    marked = highlighted(document)
    assert sorted(set(marked)) == sorted(set(fields))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Mode d'emploi" not in body and not body.startswith("Modèle")
    header = document.sections[0].header.paragraphs[0].text
    assert "RÉPUBLIQUE FRANÇAISE" in header and registry.MINISTRY in header
    assert document.core_properties.title
    assert abs(document.sections[0].page_width - Cm(21)) < Cm(0.01)
    # French everywhere Word reads a language (defaults, theme, styles, runs): never the template's en-US.
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                assert b"en-US" not in archive.read(name), name
        settings = archive.read("word/settings.xml").decode("utf-8")
    assert re.search(r'<w:themeFontLang w:val="fr-FR"', settings)
    assert document.core_properties.language == "fr-FR"


def test_office_files_do_not_carry_the_time_of_the_build(site: Path) -> None:
    """Every DOCX, ODT, XLSX and ODS of the site is the same bytes from one build to the next: no entry is
    dated by the clock, and an OpenDocument file's ``mimetype`` stays first and stored, as the format asks."""
    from kit.calendar.xlsx import FIXED_DATE

    files = [path for suffix in (".docx", ".odt", ".xlsx", ".ods") for path in site.rglob(f"*{suffix}")]
    assert {path.suffix for path in files} == {".docx", ".odt", ".xlsx", ".ods"}
    for path in files:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
        dated = {info.date_time for info in infos}
        assert dated == {FIXED_DATE.timetuple()[:6]}, f"{path.relative_to(site)} : {sorted(dated)}"
        if path.suffix in (".odt", ".ods"):
            assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED, path


def test_compte_rendu_docx_has_its_tables(site: Path) -> None:
    doc = registry.document_for("modeles/compte-rendu.md")
    document = docx.Document(str(site / "documents" / f"{doc.slug}.docx"))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert {"Cantons couverts", "Public (comptage à l'entrée ou estimation)", "Engagement", "Échéance"} <= cells
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Propositions formulées" in headings and "Participation" in headings


# Download buttons and the « Documents à imprimer » page -------------------------------

def _links(site: Path) -> list[tuple[Path, lxml.html.HtmlElement]]:
    found = []
    for html in site.rglob("*.html"):
        content = html.read_text(encoding="utf-8")
        if "documents/" not in content and ".pdf" not in content:
            continue
        for a in lxml.html.fromstring(content).iter("a"):
            href = a.get("href", "")
            if re.search(r"\.(pdf|docx|odt)$", urlsplit(href).path):
                found.append((html, a))
    return found


def test_every_download_link_resolves(site: Path) -> None:
    links = _links(site)
    assert len(links) >= 2 * len(EXISTING)
    for html, a in links:
        href = a.get("href")
        assert not urlsplit(href).scheme and not href.startswith("/"), f"lien non relatif : {href}"
        target = Path(unquote(urljoin(html.as_uri(), href).removeprefix("file://")))
        assert target.is_file(), f"{html.relative_to(site)} : {href} introuvable"


@pytest.mark.parametrize("doc", EXISTING, ids=lambda d: d.slug)
def test_download_button_of_each_page(site: Path, doc: registry.KitDocument) -> None:
    tree = lxml.html.fromstring(page(site, url_of(doc)))
    buttons = tree.xpath('//a[contains(@class, "kit-downloads__button")]')
    suffixes = ["pdf", "docx", "odt"] if doc.editable else ["pdf"]
    assert [b.get("href").rsplit(".", 1)[1] for b in buttons] == suffixes
    for button, suffix in zip(buttons, suffixes, strict=False):
        size = (site / "documents" / f"{doc.slug}.{suffix}").stat().st_size
        name = f"Télécharger {doc.label} ({suffix.upper()}, {registry.human_size(size)})"
        assert " ".join(button.text_content().split()) == " ".join(name.split())
        assert button.get("download") is not None


def test_documents_page_lists_every_file_with_its_size(site: Path) -> None:
    tree = lxml.html.fromstring(page(site, "documents/"))
    listed = {}
    for a in tree.xpath('//a[contains(@class, "kit-fichier")]'):
        listed[a.get("href")] = " ".join(a.text_content().split())
    files = sorted(p.name for p in (site / "documents").iterdir() if p.suffix in SUFFIXES)
    assert sorted(listed) == files
    assert len(files) == len(EXISTING) + 2 * len(TEMPLATES) + 1 + MADE
    for name, label in listed.items():
        size = registry.human_size((site / "documents" / name).stat().st_size)
        assert label == " ".join(f"{name.rsplit('.', 1)[1].upper()}, {size}".split())
    assert 'data-groupe' not in page(site, "documents/")


# Print stylesheet -----------------------------------------------------------------

def test_print_stylesheet_on_every_page(site: Path) -> None:
    html = page(site, "methode/")
    assert re.search(r'href="[./]*assets/stylesheets/print\.css"', html)
    css = (site / "assets" / "stylesheets" / "print.css").read_text(encoding="utf-8")
    assert css.lstrip().startswith("/*") and "@media print" in css


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason=MISSING)
def test_browser_prints_the_document_only(site: Path, tmp_path: Path) -> None:
    """Chromium's own print of a page: the text, not the menus, search or buttons."""
    out = tmp_path / "methode.pdf"
    subprocess.run([str(CHROMIUM), "--headless", *LAUNCH_ARGS, "--no-pdf-header-footer",
                    f"--print-to-pdf={out}", (site / "methode" / "index.html").as_uri()],
                   check=True, capture_output=True, timeout=120)
    printed = "".join(pdf_pages(out))
    assert "Méthode d'animation" in printed and "Le but des forums" in printed
    for chrome in ("Rechercher", "Télécharger la méthode", "Aller au contenu", "Calendrier des forums"):
        assert chrome not in printed, f"« {chrome} » est imprimé"
    assert "République française".upper() in printed.upper()


# Pure functions ---------------------------------------------------------------------

def test_fetcher_refuses_everything_outside_the_site(tmp_path: Path) -> None:
    inside = tmp_path / "docs"
    (inside / "img").mkdir(parents=True)
    (inside / "img" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    fetcher = LocalOnlyFetcher([inside])
    assert fetcher.allows((inside / "img" / "logo.svg").as_uri())
    assert fetcher.allows("data:image/png;base64,iVBORw0KGgo=")
    refused = [
        "http://example.org/logo.png", "https://fonts.googleapis.com/css?family=Marianne",
        "ftp://example.org/x", "//example.org/x.png", (tmp_path / "secret.txt").as_uri(),
        (inside / ".." / "secret.txt").as_uri(), "file://example.org/etc/passwd",
    ]
    for url in refused:
        assert not fetcher.allows(url), url
        with pytest.raises(RefusedURLError):
            fetcher.fetch(url)
    assert fetcher.refused == refused
    assert fetcher.fetch((inside / "img" / "logo.svg").as_uri()).read().startswith(b"<svg")


def test_pdf_rendering_never_opens_a_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"connexion réseau tentée : {args}")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    html = ('<html><head><link rel="stylesheet" href="http://example.org/s.css">'
            '<style>@import url("https://example.org/i.css");</style></head><body>'
            '<p>Un logo <img src="https://example.org/logo.png" alt=""> et du texte.</p></body></html>')
    fetcher = LocalOnlyFetcher([tmp_path])
    data = pdf.render_pdf(html, base_url=tmp_path.as_uri() + "/", fetcher=fetcher)
    assert data.startswith(b"%PDF")
    assert set(fetcher.refused) == {"http://example.org/s.css", "https://example.org/i.css",
                                    "https://example.org/logo.png"}


def _print_page(html: str, url: str = "methode/") -> registry.PrintPage:
    return registry.PrintPage(doc=registry.document_for("methode.md"), title="Essai", url=url, html=html)


def _objects(data: bytes) -> tuple[dict[tuple[int, int], object], dict[str, str]]:
    """Every object of a PDF (a stream by its dictionary and content), but the streams that only hold
    objects or the cross-reference table, and its trailer but the file's identifier."""
    with pikepdf.open(io.BytesIO(data)) as document:
        objects = {obj.objgen: (repr(obj.stream_dict), obj.read_bytes()) if isinstance(obj, pikepdf.Stream)
                   else repr(obj) for obj in document.objects
                   if not (isinstance(obj, pikepdf.Stream) and obj.get("/Type") in (pikepdf.Name.ObjStm,
                                                                                    pikepdf.Name.XRef))}
        trailer = {key: repr(value) for key, value in document.trailer.items() if key not in ("/ID", "/Root")}
    return objects, trailer


def _laid_out(fragment: str, root: str, folder: Path) -> bytes:
    """The PDF of a page holding ``fragment``, its links to the site under ``root``, resources from ``folder``."""
    return pdf.render_pdf(document_html(_print_page(fragment), root), base_url=folder.as_uri() + "/",
                          fetcher=LocalOnlyFetcher([folder]))


def test_a_pdf_laid_out_for_any_address_is_the_pdf_for_its_own(tmp_path: Path) -> None:
    """Laid out once with its links under LINK_ROOT, then relinked to an address, a document is the one
    laid out for that address: the same objects (pages, text, structure, links), but the file's identifier."""
    html = ('<h1 id="essai">Essai</h1><p>Voir <a href="../note/#objet">la note</a>, <a href="../calendrier/">le '
            'calendrier</a>, <a href="https://www.interieur.gouv.fr/">le site du ministère</a> et '
            '<a href="#suite">la suite</a>.</p><h2 id="suite">Suite</h2><p>Fin.</p>')
    address = "https://intranet.example/kit-forums/1.2/"
    relinked = pdf.relink(_laid_out(html, pdf.LINK_ROOT, tmp_path), address)
    direct = _laid_out(html, address, tmp_path)
    assert _objects(relinked) == _objects(direct)
    written = uncompressed(relinked)
    assert pdf.LINK_ROOT.encode() not in written
    assert set(re.findall(rb"/URI \((.*?)\)", written)) == {
        f"{address}note/#objet".encode(), f"{address}calendrier/".encode(), b"https://www.interieur.gouv.fr/"}


def test_a_damaged_layout_in_the_cache_is_laid_out_again(tmp_path: Path) -> None:
    """A layout the cache holds but that is no PDF (a disk's fault) is made again, never published or fatal."""
    from kit.site.documents import _addressed, _relinked

    cache = ArtifactCache(tmp_path / "cache")
    cache.put("mise-en-page", "pdf", b"%PDF-1.7 tronque")
    lay_out = partial(_laid_out, '<h1 id="essai">Essai</h1><p>Voir <a href="../note/">la note</a>.</p>',
                      pdf.LINK_ROOT, tmp_path)
    assert _relinked(cache, "mise-en-page", "https://intranet.example/kit/") is None
    made = _addressed(cache, "mise-en-page", lay_out, "https://intranet.example/kit/")
    assert b"https://intranet.example/kit/note/" in uncompressed(made)
    assert _relinked(cache, "mise-en-page", "https://intranet.example/kit/") == made


def uncompressed(data: bytes) -> bytes:
    """A PDF written out without compression (to read its links as text)."""
    with pikepdf.open(io.BytesIO(data)) as document:
        out = io.BytesIO()
        document.save(out, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return out.getvalue()


def test_print_fragment_links_and_notes() -> None:
    html = ('<h1 id="essai">Essai<a class="headerlink" href="#essai">#</a></h1>'
            '<p>Voir <a href="https://www.interieur.gouv.fr/">le site du ministère</a>, '
            '<a href="https://www.example.org/">https://www.example.org/</a>, '
            '<a href="../note/#objet">la note</a>, <a href="../calendrier/">le calendrier</a> '
            'et <a href="#suite">la suite</a>.<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup></p>'
            '<div class="footnote"><hr><ol><li id="fn:1"><p>Une note sur la <abbr title="Présidence">PFUE</abbr>, '
            'courte.&nbsp;<a class="footnote-backref" href="#fnref:1">↩</a></p></li></ol></div>')
    single = print_fragment(_print_page(html), LinkContext(
        site_url="https://intranet.example/kit/", in_document={"methode/": ""}))
    root = lxml.html.fragment_fromstring(single, create_parent="div")
    links = {text(a): a for a in root.iter("a")}
    assert links["le site du ministère"].get("data-url") == "https://www.interieur.gouv.fr/"
    assert links["https://www.example.org/"].get("data-url") is None  # the URL is already the text
    assert links["la note"].get("href") == "https://intranet.example/kit/note/#objet"
    assert links["le calendrier"].get("href") == "https://intranet.example/kit/calendrier/"
    assert links["la suite"].get("href") == "#suite"
    assert "#" not in text(root.xpath("//h1")[0])
    assert text(root.xpath('//span[@class="kit-note"]')[0]) == "Une note sur la PFUE, courte."
    assert not root.xpath('//div[contains(@class, "footnote")]') and "↩" not in single

    whole = print_fragment(_print_page(html), LinkContext(
        site_url="", in_document={"methode/": "methode--", "note/": "note--"}), prefix="methode--")
    root = lxml.html.fragment_fromstring(whole, create_parent="div")
    links = {text(a): a for a in root.iter("a")}
    assert links["la note"].get("href") == "#note--objet"
    assert links["la suite"].get("href") == "#methode--suite"
    assert links["le calendrier"].get("href") is None  # no address known: plain text on paper
    assert root.xpath("//h1")[0].get("id") == "methode--essai"


def test_a_version_mark_leaves_the_print_html_as_it_was() -> None:
    """A page whose only change is a mark of a version (screen furniture) prints from the very same HTML:
    its PDF is taken from the cache, not laid out again. Preformatted text keeps its spaces."""
    body = ('<p class="kit-provenance">Texte officiel.</p>\n\n<p>Un paragraphe\u00a0: avec <em>deux</em>  '
            '<strong>mots</strong>.</p>\n<pre><code>deux  espaces\n\n  et une ligne vide</code></pre>\n')
    marked = ('<h1 id="essai">Essai</h1>\n\n  <p class="kit-change kit-change--changed" data-search-exclude>\n    <a class="kit-change__label" '
              'href="../nouveautes/#version-1-1">Modifié dans la version 1.1</a> : <span>Un ajout.</span>\n  </p>\n'
              + body)
    links = LinkContext(site_url="https://intranet.example/kit/")
    plain = print_fragment(_print_page('<h1 id="essai">Essai</h1>\n' + body), links)
    assert print_fragment(_print_page(marked), links) == plain
    assert "deux  espaces\n\n  et une ligne vide" in plain and "\u00a0:" in plain


def test_footnote_called_twice_stays_at_the_end() -> None:
    html = ('<p>A<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup> '
            'B<sup id="fnref2:1"><a class="footnote-ref" href="#fn:1">1</a></sup></p>'
            '<div class="footnote"><ol><li id="fn:1"><p>Note. <a class="footnote-backref" href="#fnref:1">↩</a>'
            '</p></li></ol></div>')
    out = print_fragment(_print_page(html), LinkContext(site_url=""))
    assert "kit-note" not in out and 'class="footnote"' in out and "↩" not in out


def test_mark_fields_only_in_text() -> None:
    html = ('<p>Le <a href="x" title="[pas un champ]">[lien]</a> [nom de la commune], '
            '<code>[code]</code> et <img alt="[image]"> [date], [un champ\nsur deux lignes].</p>')
    out = mark_fields(html)
    assert out.count('<mark class="kit-champ">') == 3
    assert '<mark class="kit-champ">[nom de la commune]</mark>' in out
    assert '<mark class="kit-champ">[date]</mark>' in out
    assert mark_fields(out) == out  # marking twice changes nothing
    assert fields_of(out) == ["[nom de la commune]", "[date]", "[un champ sur deux lignes]"]


@pytest.mark.parametrize(("size", "shown"), [(0, "0\u00a0octets"), (1023, "1023\u00a0octets"),
                                             (1024, "1\u00a0Ko"), (86_000, "84\u00a0Ko"),
                                             (1_048_576, "1\u00a0Mo"), (1_300_000, "1,2\u00a0Mo")])
def test_human_size(size: int, shown: str) -> None:
    assert registry.human_size(size) == shown


def test_file_cache_reuses_and_prunes(tmp_path: Path) -> None:
    cache = ArtifactCache(tmp_path / "cache")
    assert cache.get("abc", "pdf") is None
    cache.put("abc", "pdf", b"%PDF-1")
    cache.put("old", "pdf", b"%PDF-2")
    assert cache.get("abc", "pdf") == b"%PDF-1"
    assert not list((tmp_path / "cache").glob(".*"))  # no temporary file left
    cache.prune(keep=["abc"], days=0)
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["abc.pdf"]
    assert content_key("a", "bc") != content_key("ab", "c")


def _waiting_on(path: Path) -> bool:
    """Whether a process or thread waits for the lock of ``path`` (a blocked entry of /proc/locks)."""
    inode = f":{path.stat().st_ino} "
    return any(line.split()[1] == "->" and inode in line for line in Path("/proc/locks").read_text().splitlines())


def test_a_file_two_builds_need_at_once_is_made_once(tmp_path: Path) -> None:
    """Two builds that need the same file at once (two test workers, a build beside make serve): the first
    makes it, the second waits for it and takes it from the cache."""
    calls: list[str] = []
    making, finish = threading.Event(), threading.Event()

    def make() -> bytes:
        calls.append("fait")
        making.set()
        assert finish.wait(30)
        return b"%PDF-1"

    results: dict[str, tuple[bytes, bool]] = {}
    first = threading.Thread(target=lambda: results.update(first=ArtifactCache(tmp_path).made("cle", "pdf", make)))
    first.start()
    assert making.wait(30)
    second = threading.Thread(target=lambda: results.update(second=ArtifactCache(tmp_path).made("cle", "pdf", make)))
    second.start()
    lock = tmp_path / ".verrous" / "cle.pdf"
    deadline = time.monotonic() + 30
    while not _waiting_on(lock):
        assert time.monotonic() < deadline, "le second ne s'est jamais mis à attendre le premier"
        time.sleep(0.01)
    finish.set()
    first.join(30)
    second.join(30)
    assert calls == ["fait"]
    assert results == {"first": (b"%PDF-1", True), "second": (b"%PDF-1", False)}


def test_second_build_comes_from_the_cache(site: Path, tmp_path: Path) -> None:
    """After a build (the ``site`` fixture's, at the local address), the next one, for an address never
    built for before, makes no file: it takes back the very same bytes, but for the PDFs' links, which it
    points at the new address without laying a page out again."""
    made = sorted(path.name for path in (site / "documents").iterdir() if path.suffix in SUFFIXES)
    assert len(made) == len(EXISTING) + 2 * len(TEMPLATES) + 1 + MADE
    local = re.search(r'<link rel="canonical" href="([^"]+)"', (site / "index.html").read_text(encoding="utf-8"))
    assert local, "la page d'accueil n'a pas de lien canonique"
    # A new version's address (mike gives each its own), new to the cache as every published version is.
    local, intranet = local.group(1), f"https://intranet.example/kit-forums/{uuid.uuid4().hex}/"
    second = build_site(tmp_path / "two", env={"SITE_URL": intranet})
    assert second.returncode == 0, second.stderr
    pdfs = [name for name in made if name.endswith(".pdf")]
    assert re.search(rf"Documents à imprimer : {len(made)} fichiers \(0 fait .* ; liens de {len(pdfs)} PDF mis à "
                     r"l'adresse du site\)", second.stderr), second.stderr
    for name in made:
        before, after = (site / "documents" / name).read_bytes(), (tmp_path / "two" / "documents" / name).read_bytes()
        if name in pdfs:
            objects = _objects(after)[0]
            assert {key: _swapped(value, intranet, local) for key, value in objects.items()} == _objects(before)[0], name
            assert local.encode() not in uncompressed(after), name
        else:
            assert after == before, name


def _swapped(value: object, new: str, old: str) -> object:
    """An object of ``_objects`` with the address ``new`` written back as ``old``."""
    if isinstance(value, tuple):
        return tuple(_swapped(part, new, old) for part in value)
    if isinstance(value, bytes):
        return value.replace(new.encode(), old.encode())
    return str(value).replace(new, old)


def test_images_are_read_from_the_docs_folder(tmp_path: Path) -> None:
    """An image of a page is found in docs/, whichever page of the whole kit holds it."""
    docs = tmp_path / "docs"
    (docs / "assets").mkdir(parents=True)
    (docs / "assets" / "carte.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><rect width='10' height='10'/></svg>")
    page_ = registry.PrintPage(doc=registry.document_for("modeles/invitation.md"), title="Essai",
                               url="modeles/invitation/", html='<p><img src="../../assets/carte.svg" alt="Carte"></p>')
    html = whole_kit_html([page_], "", docs.as_uri() + "/")
    assert f'src="{(docs / "assets" / "carte.svg").as_uri()}"' in html
    assert local_resources(html) == [docs / "assets" / "carte.svg"]
    fetcher = LocalOnlyFetcher([docs])
    assert pdf.render_pdf(html, base_url=docs.as_uri() + "/", fetcher=fetcher).startswith(b"%PDF")
    assert fetcher.refused == []
