"""Links between pages: every target page and every anchor (« page.md#section ») must exist."""

from __future__ import annotations

import posixpath
import re
from difflib import get_close_matches
from urllib.parse import unquote, urlsplit

from markdown.extensions.toc import slugify

from kit.editorial.markdown import ATTR_LIST, Page, inline_text, walk
from kit.editorial.slips import Slip

# Folders the build fills (kit.calendar.locations.SECTION, kit.campaign.page.PROGRESS_SECTION and
# kit.documents.registry.OUTPUT_DIR; a test keeps them in step): links into them are checked by the build itself.
GENERATED = ("calendrier", "suivi", "documents")
_HTML_ID = re.compile(r"""\bid\s*=\s*["']([^"']+)["']""")
_ID = re.compile(r"#([\w\-:.]+)")


def anchors(page: Page) -> set[str]:
    """The ids a link may point at in ``page``: headings (as the toc extension names them), { #ids }."""
    found: set[str] = set()
    tokens = page.tokens
    for index, token in enumerate(tokens):
        if token.type == "inline" and index and tokens[index - 1].type == "heading_open":
            text = inline_text(token)
            attributes = ATTR_LIST.search(text)
            explicit = _ID.search(attributes.group(1)) if attributes else None
            if explicit:
                found.add(explicit.group(1))
                continue
            slug = slugify(ATTR_LIST.sub("", text), "-")
            unique, count = slug, 0
            while unique in found:
                count += 1
                unique = f"{slug}_{count}"
            found.add(unique)
        elif token.type == "inline":
            attributes = ATTR_LIST.search(token.content)
            if attributes:
                found.update(_ID.findall(attributes.group(1)))
        if token.type in ("html_block", "html_inline") or token.type == "inline":
            for child in [token, *(token.children or [])]:
                if child.type in ("html_block", "html_inline"):
                    found.update(_HTML_ID.findall(child.content))
    return found


def check_links(page: Page, pages: dict[str, Page], anchors_of: dict[str, set[str]],
                static: set[str]) -> list[Slip]:
    """Links of ``page`` to missing pages, files or anchors; ``static`` lists the other files of docs/."""
    slips = []
    for token, block in walk(page.tokens):
        if token.type != "inline" or not block or not block.map:
            continue
        for child in token.children or []:
            if child.type == "link_open":
                target = str(child.attrs.get("href", ""))
            elif child.type == "image":
                target = str(child.attrs.get("src", ""))
            else:
                continue
            problem = _problem(page, target, pages, anchors_of, static)
            if problem:
                line = page.find_line(f"({target}", *block.map)
                if line == block.map[0] + 1:
                    line = page.find_line(target, *block.map)
                slips.append(Slip(page.path, line, *problem))
    return slips


def _problem(page: Page, target: str, pages: dict[str, Page], anchors_of: dict[str, set[str]],
             static: set[str]) -> tuple[str, str] | None:
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("/") or not target:
        return None
    path, fragment = unquote(parts.path), unquote(parts.fragment)
    if not path:
        uri = page.uri
    else:
        uri = posixpath.normpath(posixpath.join(posixpath.dirname(page.uri), path))
        if uri.split("/")[0] in GENERATED:
            return None
        if uri.endswith(".md"):
            if uri not in pages:
                near = _closest(uri, pages)
                return (f"lien vers une page qui n'existe pas : « {path} »",
                        (f"corrigez le nom du fichier{f' (vouliez-vous « {near} » ?)' if near else ''} ; "
                        "les noms des pages sont ceux des fichiers de docs/"))
        elif uri.rstrip("/") not in static and f"{uri.rstrip('/')}/index.md" not in pages:
            return (f"lien vers un fichier qui n'existe pas : « {path} »",
                    ("pour une page du kit, visez son fichier .md (par exemple « note.md ») ; "
                    "sinon, vérifiez le nom du fichier dans docs/"))
    if fragment and uri in anchors_of and fragment not in anchors_of[uri]:
        return (f"lien vers une section « #{fragment} » absente de {uri}",
                (f"copiez le nom de la section depuis le lien « # » qui suit son titre sur le site "
                f"(sections de {uri} : {', '.join(sorted(anchors_of[uri])[:6]) or 'aucune'}"
                f"{'…' if len(anchors_of[uri]) > 6 else ''})"))
    return None


def _closest(uri: str, pages: dict[str, Page]) -> str | None:
    found = get_close_matches(uri, list(pages), n=1, cutoff=0.7)
    return found[0] if found else None
