"""MkDocs plugin: the documents to take away.

Every page of the kit (letter, note, sheets, method, run-sheet, templates)
is also written as a PDF (PDF/UA-1, see kit.documents.pdfua), the whole kit
as one PDF, and the templates as editable DOCX and ODT files. They are made from each page's final HTML (the article
as the site shows it, page templates included), so that paper and screen say
the same thing. Files are cached by content hash in ``.cache/documents`` (:mod:`kit.store`); a PDF's
layout is kept there too, for any address, and its links pointed at the site's (:func:`kit.documents.pdf.relink`).

A page's own files are made as soon as the page is rendered, and their sizes
written into its download buttons; the whole kit and the « Documents à
imprimer » page, which need every page, are done after the build.
"""

from __future__ import annotations

import importlib.metadata
import logging
import re
import time
from collections.abc import Callable
from functools import partial
from html import escape as html_escape
from pathlib import Path
from typing import Any, cast

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url
from mkdocs.utils.templates import TemplateContext

from kit.documents import calendar_template, docx, docx_french, fields, made, odt, pdf, pdfua, registry
from kit.documents import html as html_module
from kit.documents.fetch import LocalOnlyFetcher, local_resources
from kit.documents.fields import mark_fields
from kit.documents.forum import PLACEHOLDER, PREPARER_PAGES, preparer_html
from kit.documents.html import article_html, document_html, whole_kit_html
from kit.documents.registry import KIT_DOCUMENTS, Download, KitDocument, PrintPage, document_for, human_size
from kit.french import count, decimal
from kit.html.typography import french_html
from kit.paths import Project
from kit.site import CachingOptions
from kit.site.session import DeferredFile, EditorSession, session_of
from kit.store import ArtifactCache, content_key
from kit.territory import load_territory

log = logging.getLogger("mkdocs.plugins.documents")
# The version, not the module: importing WeasyPrint takes a third of a second.
_WEASYPRINT = importlib.metadata.version("weasyprint")
_PIKEPDF = importlib.metadata.version("pikepdf")

DOCUMENTS_PAGE = "documents.md"
_LIST = re.compile(r'<div class="kit-documents-liste" data-groupe="([a-z-]+)">\s*</div>')
PREPARING = "en préparation"  # a file's size on a page served by make serve, until the file is made
_COLUMNS = re.compile(r'<div class="kit-colonnes-calendrier">\s*</div>')
_SIZE = re.compile(r'(<span class="kit-taille" data-kit-fichier="([^"]+)">)(</span>)')


class _Build:
    """What one build has made so far."""

    def __init__(self, config: MkDocsConfig, cache_dir: Path) -> None:
        self.out = Path(config.site_dir) / registry.OUTPUT_DIR
        self.cache = ArtifactCache(cache_dir)
        self.docs_dir = Path(config.docs_dir).resolve()
        self.fetcher = LocalOnlyFetcher([self.docs_dir])
        self.resources = self.docs_dir.as_uri() + "/"
        # mike sets it to the canonical version without a final slash: links are joined to it.
        self.site_url = config.site_url.rstrip("/") + "/" if config.site_url else ""
        # PDFs are laid out for any address and their links pointed at this one (kit.documents.pdf).
        self.link_root = pdf.LINK_ROOT if self.site_url else ""
        self.stylesheet = pdf.STYLESHEET.read_text(encoding="utf-8")
        self.code = "".join(Path(module.__file__ or "").read_text(encoding="utf-8")
                            for module in (docx, docx_french, odt, registry, html_module, fields))
        self.finishing = "".join(Path(module.__file__ or "").read_text(encoding="utf-8")
                                 for module in (pdf, pdfua)) + _PIKEPDF
        self.pages: dict[str, PrintPage] = {}
        self.downloads: dict[str, list[Download]] = {}
        self.documents_page: Path | None = None
        self.expected: set[str] = set()  # kit pages present in this build
        self.made = self.reused = self.relinked = 0
        self.seconds = 0.0
        self.keys: list[str] = []
        # Under make serve, files not in the cache are made after the page is served (kit.site.serve).
        self.session: EditorSession | None = session_of(config)
        self.deferred = 0
        self.made_files: dict[str, list[Download]] = {}  # by group: the files made from code
        self.made_data: dict[str, bytes] = {}  # their content, by file name

    def make_files(self, config: MkDocsConfig) -> None:
        """The files made from code (mail merge, calendar template), each cached by what it is made from.

        They take milliseconds: they are made (or taken from the cache) before the pages, whose lists show
        their sizes, and written into the site after the build, once MkDocs has emptied the folder.
        """
        territory = load_territory(Project.of_config_file(config.config_file_path).reference)
        key_sources = made.sources(territory)
        for item in registry.MADE_FILES:
            for suffix in item.suffixes:
                key = content_key(registry.FORMAT_VERSION, item.slug, suffix, *key_sources)
                self.keys.append(key)
                data = self._cached(key, suffix, partial(made.maker(item, suffix), territory))
                self.made_data[f"{item.slug}.{suffix}"] = data
                self.made_files.setdefault(item.group, []).append(Download(
                    path=f"{registry.OUTPUT_DIR}/{item.slug}.{suffix}", format=registry.FORMATS[suffix],
                    size=len(data), label=item.label, title=item.title))

    def write_made_files(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        for name, data in self.made_data.items():
            (self.out / name).write_bytes(data)

    def _write(self, name: str, suffix: str, key: str, make: Callable[[], bytes],
               pages: tuple[str, ...] = (), quick: Callable[[], bytes | None] | None = None) -> int | None:
        """Write the file ``name.suffix`` of ``key``: from the cache, else by ``quick`` (None if it cannot),
        else by ``make`` (deferred under ``make serve``); its size, or None while it is being made."""
        self.keys.append(key)
        data = self.cache.get(key, suffix)
        if data is None and quick is not None:
            data = quick()
            if data is not None:
                self.cache.put(key, suffix, data)
                self.relinked += 1  # its layout reused: counted with the files from the cache
        if data is None and self.session is not None:
            # Made in the server's worker process: ``make`` and ``keep`` are sent to it (picklable).
            self.session.defer(DeferredFile(key=key, targets=(self.out / f"{name}.{suffix}",), make=make,
                                            keep=partial(self.cache.put, key, suffix),
                                            pages=(*pages, DOCUMENTS_PAGE)))
            self.deferred += 1
            return None
        if data is None:
            data = self._cached(key, suffix, make)
        else:
            self.reused += 1
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / f"{name}.{suffix}").write_bytes(data)
        return len(data)

    def _cached(self, key: str, suffix: str, make: Callable[[], bytes]) -> bytes:
        """The file of ``key``: from the cache, else made now by ``make`` (timed and counted), or meanwhile
        by another build (:meth:`ArtifactCache.made`)."""
        start = time.monotonic()
        data, made_now = self.cache.made(key, suffix, make)
        if made_now:
            self.seconds += time.monotonic() - start
            self.made += 1
        else:
            self.reused += 1
        return data

    def pdf(self, name: str, html: str, pages: tuple[str, ...] = (), paper: str = "A4") -> int | None:
        """The PDF of ``html``, whose links to the site are under ``self.link_root``."""
        layout = content_key(registry.FORMAT_VERSION, html, self.stylesheet, pdf.PAPER_CSS[paper], _WEASYPRINT,
                             self.finishing, *(path.read_bytes() for path in local_resources(html)))
        base_url = self.docs_dir.as_uri() + "/"
        lay_out = partial(pdf.render_pdf, html, base_url=base_url, fetcher=self.fetcher, paper=paper)
        if not self.link_root:
            return self._write(name, "pdf", layout, lay_out, pages)
        self.keys.append(layout)
        return self._write(name, "pdf", content_key(layout, self.site_url),
                           partial(_addressed, self.cache, layout, lay_out, self.site_url), pages,
                           quick=partial(_relinked, self.cache, layout, self.site_url))

    def docx(self, page: PrintPage) -> int | None:
        key = content_key(registry.FORMAT_VERSION, page.title, page.url, page.html, self.code)
        return self._write(page.doc.slug, "docx", key, partial(docx.render_docx, page), (page.doc.src_uri,))

    def odt(self, page: PrintPage) -> int | None:
        key = content_key(registry.FORMAT_VERSION, page.title, page.url, page.html, self.code)
        return self._write(page.doc.slug, "odt", key, partial(odt.render_kit_odt, page), (page.doc.src_uri,))


def _addressed(cache: ArtifactCache, layout: str, lay_out: Callable[[], bytes], site_url: str) -> bytes:
    """The PDF laid out by ``lay_out`` (kept in the cache under ``layout``), its links pointed at ``site_url``."""
    data, made_now = cache.made(layout, "pdf", lay_out)
    try:
        return pdf.relink(data, site_url)
    except ValueError:
        if made_now:
            raise
    data = lay_out()  # the cache's copy was damaged: laid out again
    cache.put(layout, "pdf", data)
    return pdf.relink(data, site_url)


def _relinked(cache: ArtifactCache, layout: str, site_url: str) -> bytes | None:
    """The PDF whose layout the cache holds under ``layout``, its links pointed at ``site_url``; else None
    (and None for a damaged copy, laid out again by :func:`_addressed`)."""
    data = cache.get(layout, "pdf")
    if data is None:
        return None
    try:
        return pdf.relink(data, site_url)
    except ValueError:
        return None


def _planned(doc: KitDocument) -> list[Download]:
    """The files of a kit page, before they are made (no size yet)."""
    suffixes = ["pdf", "docx", "odt"] if doc.editable else ["pdf"]
    return [Download(path=f"{registry.OUTPUT_DIR}/{doc.slug}.{suffix}", format=registry.FORMATS[suffix],
                     size=None, label=doc.label) for suffix in suffixes]


class DocumentsPlugin(BasePlugin[CachingOptions]):
    def __init__(self) -> None:
        super().__init__()
        self.build: _Build | None = None

    def _current(self) -> _Build:
        if self.build is None:
            raise PluginError("Documents à imprimer : événement reçu avant le début de la construction.")
        return self.build

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.build = _Build(config, self.config.folder(config))
        try:
            self.build.make_files(config)
        except (OSError, ValueError, KeyError) as error:
            raise PluginError(f"Documents à imprimer : impossible de produire les fichiers du publipostage et du "
                              f"modèle de calendrier : {error}") from error

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        self._current().expected = {doc.src_uri for doc in KIT_DOCUMENTS if files.get_file_from_path(doc.src_uri)}
        return files

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, **_: Any) -> str:
        if page.file.src_uri in PREPARER_PAGES:
            lang = "en" if page.file.src_uri.endswith(".en.md") else "fr"
            tools = preparer_html(lang, "../" * page.url.count("/"), bool(config.use_directory_urls))
            return html.replace(PLACEHOLDER, tools)
        doc = document_for(page.file.src_uri)
        if doc is not None and doc.has_fields:
            return mark_fields(html)
        return html

    def on_page_context(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        doc = document_for(page.file.src_uri)
        cast(dict[str, Any], context)["kit_downloads"] = _planned(doc) if doc is not None else []
        return context

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        build = self._current()
        if page.file.src_uri == DOCUMENTS_PAGE:
            build.documents_page = Path(page.file.abs_dest_path)
            return output
        output = _LIST.sub(lambda m: _made_list(build, m.group(1), page.url, page.file.src_uri)
                           if m.group(1) in registry.MADE_GROUPS else m.group(0), output)
        output = _COLUMNS.sub(lambda _: _columns_table(), output)
        doc = document_for(page.file.src_uri)
        if doc is None:
            return output
        article = article_html(output)
        if article is None:
            raise PluginError(f"Documents à imprimer : contenu introuvable dans la page {page.file.src_uri}.")
        print_page = PrintPage(doc=doc, title=page.title or doc.slug, url=page.url, html=article)
        build.pages[doc.src_uri] = print_page
        try:
            sizes = {f"{registry.OUTPUT_DIR}/{doc.slug}.pdf": build.pdf(
                doc.slug, document_html(print_page, build.link_root, build.resources), (doc.src_uri,),
                doc.paper)}
            if doc.editable:
                sizes[f"{registry.OUTPUT_DIR}/{doc.slug}.docx"] = build.docx(print_page)
                sizes[f"{registry.OUTPUT_DIR}/{doc.slug}.odt"] = build.odt(print_page)
        except (OSError, ValueError, TypeError) as error:
            raise PluginError(f"Documents à imprimer : impossible de produire les fichiers de la page "
                              f"{page.file.src_uri} : {error}") from error
        build.downloads[doc.src_uri] = [
            Download(path=d.path, format=d.format, size=sizes[d.path], label=d.label, title=print_page.title)
            for d in _planned(doc)
        ]
        return _SIZE.sub(lambda m: m.group(1) + _size_text(sizes[m.group(2)]) + m.group(3)
                         if m.group(2) in sizes else m.group(0), output)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        build = self._current()
        if build.session is not None:
            # Under make serve, a partial rebuild renders some pages only: the others' print versions
            # and files are those of the builds before, so that the whole kit and the list stay whole.
            before = build.session.recall("documents", "pages") if build.session.site_kept else None
            if before is not None:
                build.pages = {**before[0], **build.pages}
                build.downloads = {**before[1], **build.downloads}
            build.session.remember("documents", "pages", (build.pages, build.downloads))
        pages = [build.pages[doc.src_uri] for doc in KIT_DOCUMENTS if doc.src_uri in build.pages]
        whole = None
        if len(pages) < len(build.expected):
            # « mkdocs serve --dirty » rebuilt only some pages: the whole kit keeps its last version.
            log.info("Documents à imprimer : construction partielle, le kit complet n'est pas refait")
        elif pages:
            # The A3 poster is the A4 one enlarged: the whole kit, in A4, has it once.
            html = whole_kit_html([p for p in pages if p.doc.paper == "A4"], build.link_root, build.resources)
            try:
                size = build.pdf(registry.WHOLE_KIT_SLUG, html)
            except (OSError, ValueError, TypeError) as error:
                raise PluginError(f"Documents à imprimer : impossible de produire le kit complet : {error}") from error
            whole = Download(path=f"{registry.OUTPUT_DIR}/{registry.WHOLE_KIT_SLUG}.pdf", format="PDF",
                             size=size, label=registry.WHOLE_KIT_LABEL, title="Le kit complet")
        build.write_made_files()
        for url in build.fetcher.refused:
            log.warning("Documents à imprimer : ressource refusée car extérieure au site : %s", url)
        build.cache.prune(keep=build.keys, days=14)
        if build.documents_page is not None:
            path = build.documents_page
            html = path.read_text(encoding="utf-8")
            page_url = path.parent.relative_to(Path(config.site_dir)).as_posix() + "/"
            path.write_text(_LIST.sub(lambda m: _list(build, m.group(1), pages, whole, page_url), html),
                            encoding="utf-8")
        log.info("Documents à imprimer : %s (%s en %s s, %s du cache%s%s)",
                 count(build.made + build.reused + build.deferred, "fichier", "fichiers"),
                 count(build.made, "fait", "faits"), decimal(build.seconds),
                 count(build.reused, "repris", "repris"),
                 f" ; liens de {count(build.relinked, 'PDF', 'PDF')} mis à l'adresse du site" if build.relinked else "",
                 f", {build.deferred} en préparation" if build.deferred else "")


def _list(build: _Build, group: str, pages: list[PrintPage], whole: Download | None, page_url: str) -> str:
    """The table of one group of files on the « Documents à imprimer » page."""
    if group == "complet":
        if whole is None:
            return '<p class="kit-documents-vide">Le kit complet sera disponible dès que ses pages seront publiées.</p>'
        rows = [_row(page_url, "Le kit complet, tous les documents avec un sommaire", None, [whole])]
    else:
        rows = [_row(page_url, p.title, p.url, build.downloads[p.doc.src_uri])
                for p in pages if p.doc.group == group]
        rows += _made_rows(build, group, page_url, DOCUMENTS_PAGE)
        if not rows:
            return '<p class="kit-documents-vide">Aucun document de cette rubrique n\'est encore publié.</p>'
    # A table without a class, so that it looks like every other table of the site.
    return ('<div class="kit-documents-liste"><table><thead><tr><th scope="col">Document</th>'
            '<th scope="col">Fichiers à télécharger</th></tr></thead><tbody>'
            + "".join(rows) + "</tbody></table></div>")


def _made_rows(build: _Build, group: str, page_url: str, src_uri: str) -> list[str]:
    """One row per file made from code in ``group``, its title linking to the page that explains it."""
    rows = []
    for item in registry.MADE_FILES:
        if item.group != group:
            continue
        files = [d for d in build.made_files.get(group, []) if d.path.startswith(f"{registry.OUTPUT_DIR}/{item.slug}.")]
        target = None if item.page == src_uri else item.page.removesuffix(".md") + "/"
        rows.append(_row(page_url, item.title, target, files))
    return rows


def _made_list(build: _Build, group: str, page_url: str, src_uri: str) -> str:
    """The table of the files made from code of ``group``, on the page that explains them."""
    return ('<div class="kit-documents-liste"><table><thead><tr><th scope="col">Document</th>'
            '<th scope="col">Fichiers à télécharger</th></tr></thead><tbody>'
            + "".join(_made_rows(build, group, page_url, src_uri)) + "</tbody></table></div>")


def _columns_table() -> str:
    """The calendar template's columns, from the calendar's model, with what each holds."""
    rows = "".join(
        f"<tr><td><code>{name}</code></td><td>{'oui' if name in calendar_template.MANDATORY else 'non'}</td>"
        f"<td>{french_html(html_escape(calendar_template.help_for(name), quote=False))}</td></tr>"
        for name in calendar_template.template_columns())
    return ('<table><thead><tr><th scope="col">colonne</th><th scope="col">obligatoire</th>'
            '<th scope="col">ce qu\'elle contient</th></tr></thead><tbody>' + rows + "</tbody></table>")


def _size_text(size: int | None) -> str:
    return PREPARING if size is None else human_size(size)


def _row(page_url: str, title: str, target_url: str | None, items: list[Download]) -> str:
    link = (f'<a href="{get_relative_url(target_url, page_url)}">{title}</a>'
            if target_url is not None else title)
    files = " ".join(
        f'<a class="kit-fichier" href="{get_relative_url(d.path, page_url)}" download '
        f'aria-label="{d.accessible_name}{"" if d.size is not None else PREPARING}">'
        f'{d.format}, {_size_text(d.size)}</a>'
        for d in items
    )
    return f"<tr><td>{link}</td><td>{files}</td></tr>"
