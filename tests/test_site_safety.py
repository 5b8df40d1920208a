"""The built site loads nothing from outside itself, and a broken link stops the build.

The kit is served on the ministry's intranet: no page may make a browser fetch a
style, script, image, font or frame from the internet. Links (<a href>) are not
loads; the texts of the kit have none to the internet anyway (see test_texts.py).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from conftest import NO_DOCUMENTS, ROOT, build_site

# http://, https://, ftp://... or protocol-relative //host: a load from another site.
EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
# <link rel> values that make the browser fetch the target.
LOADING_RELS = {
    "stylesheet", "icon", "apple-touch-icon", "apple-touch-icon-precomposed", "mask-icon", "manifest",
    "preload", "prefetch", "preconnect", "dns-prefetch", "modulepreload", "prerender",
}
# Attributes that load their URL, by element.
LOADING_ATTRIBUTES = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
    "feimage": ("href", "xlink:href"),
}
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.I | re.S)
CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?['"]?([^'")\s;]+)""", re.I)
JS_URL = re.compile(r"""(["'`])((?:https?:)?//(?:[\w-]+\.)+[a-z]{2,}[^"'`\s]*)""", re.I)

# URLs written in the JavaScript of Material for MkDocs that this site never loads,
# each with the reason; the conditions are checked in test_dormant_loads_stay_dormant.
DORMANT_JS_URLS = {
    "http://www.w3.org/": "XML namespace names (SVG, XLink): identifiers, never fetched",
    "https://api.github.com/": "repository facts, fetched only when mkdocs.yml sets repo_url",
    "https://unpkg.com/mermaid@": "loaded only when a page holds a Mermaid diagram",
    "https://unpkg.com/resize-observer-polyfill": (
        "loaded only by a browser without ResizeObserver (older than Chrome 64, Firefox 69, Safari 13.1)"
    ),
    "https://bit.ly/": "text of a console warning of the search worker, never fetched",
}


def _srcset_urls(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def css_loads(css: str) -> list[str]:
    """The external URLs a style sheet would load (url() and @import)."""
    urls = [m.group(2) for m in CSS_URL.finditer(css)] + [m.group(1) for m in CSS_IMPORT.finditer(css)]
    return [u for u in dict.fromkeys(urls) if EXTERNAL.match(u)]


def js_loads(js: str) -> list[str]:
    """The external URLs written in a script, except the dormant ones listed above."""
    urls = [m.group(2) for m in JS_URL.finditer(js)]
    return [u for u in urls if not any(u.startswith(prefix) for prefix in DORMANT_JS_URLS)]


def html_loads(html: str) -> list[str]:
    """The external URLs an HTML page would load: elements, <link>, refresh, inline styles and scripts."""
    root = lxml_html.fromstring(html)
    found: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower().rsplit("}", 1)[-1]
        for name in LOADING_ATTRIBUTES.get(tag, ()):
            value = element.get(name)
            if value:
                found += _srcset_urls(value) if name == "srcset" else [value]
        if tag == "link" and set((element.get("rel") or "").lower().split()) & LOADING_RELS:
            found += [element.get("href") or ""] + _srcset_urls(element.get("imagesrcset") or "")
        if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            found += re.findall(r"url\s*=\s*['\"]?([^'\"\s;]+)", element.get("content") or "", re.I)
        if element.get("style"):
            found += css_loads(element.get("style"))
        if tag == "style":
            found += css_loads(element.text_content())
        if tag == "script" and not element.get("src"):
            found += js_loads(element.text_content())
    return [u for u in found if EXTERNAL.match(u)]


def svg_loads(svg: bytes) -> list[str]:
    """The external URLs an SVG file would load (<image>, <use>, styles)."""
    root = etree.fromstring(svg, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    found: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = etree.QName(element).localname.lower()
        if tag in ("image", "use", "feimage"):
            found += [v for k, v in element.attrib.items() if etree.QName(k).localname == "href"]
        if tag == "style":
            found += css_loads(element.text or "")
        if element.get("style"):
            found += css_loads(element.get("style"))
    return [u for u in found if EXTERNAL.match(u)]


# The scanners themselves, on small samples ----------------------------------------------

@pytest.mark.parametrize(
    "html",
    [
        '<script src="https://cdn.example.org/x.js"></script>',
        '<link rel="stylesheet" href="//fonts.example.org/css">',
        '<link rel="preconnect" href="https://fonts.gstatic.com">',
        '<img srcset="a.png 1x, https://img.example.org/b.png 2x">',
        '<iframe src="http://video.example.org/embed"></iframe>',
        '<div style="background: url(\'https://img.example.org/bg.png\')"></div>',
        '<style>@import "https://css.example.org/a.css";</style>',
        '<script>fetch("https://api.example.org/data")</script>',
        '<meta http-equiv="refresh" content="0; url=https://example.org/">',
        '<svg><image href="https://img.example.org/x.png"/></svg>',
    ],
)
def test_scanner_finds_external_loads(html: str) -> None:
    assert html_loads(f"<html><head></head><body>{html}</body></html>")


@pytest.mark.parametrize(
    "html",
    [
        '<link rel="canonical" href="https://intranet.example/kit/">',
        '<a href="https://www.legifrance.gouv.fr/">un lien, pas un chargement</a>',
        '<script src="assets/javascripts/bundle.js"></script>',
        '<img src="data:image/png;base64,AAAA">',
        '<div style="background: url(../img/bg.png)"></div>',
        '<script>document.createElementNS("http://www.w3.org/2000/svg", "svg")</script>',
    ],
)
def test_scanner_lets_local_resources_and_links_through(html: str) -> None:
    assert html_loads(f"<html><head></head><body>{html}</body></html>") == []


def test_css_and_js_scanners() -> None:
    assert css_loads("a{background:url(https://x.example.org/a.png)} b{c:url(data:image/svg+xml;x)}") == [
        "https://x.example.org/a.png"
    ]
    assert css_loads('@import url("//x.example.org/a.css");') == ["//x.example.org/a.css"]
    assert js_loads('import("https://esm.example.org/m.js");x="https://unpkg.com/mermaid@11/m.js"') == [
        "https://esm.example.org/m.js"
    ]


# The built site --------------------------------------------------------------------------

def test_no_file_of_the_site_loads_from_outside(site: Path) -> None:
    problems: list[str] = []
    for path in sorted(site.rglob("*")):
        name = str(path.relative_to(site))
        if path.suffix == ".html":
            urls = html_loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".css":
            urls = css_loads(path.read_text(encoding="utf-8"))
        elif path.suffix in (".js", ".mjs"):
            urls = js_loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".svg":
            urls = svg_loads(path.read_bytes())
        else:
            continue
        problems += [f"{name}: {url}" for url in urls]
    assert not problems, "chargements externes :\n" + "\n".join(problems)


def test_the_site_has_pages_scripts_and_styles_to_scan(site: Path) -> None:
    suffixes = {path.suffix for path in site.rglob("*")}
    assert {".html", ".css", ".js"} <= suffixes


def test_dormant_loads_stay_dormant(site: Path) -> None:
    for path in site.rglob("*.html"):
        root = lxml_html.fromstring(path.read_text(encoding="utf-8"))
        name = path.relative_to(site)
        assert not root.xpath("//*[contains(concat(' ', @class, ' '), ' mermaid ')]"), f"{name}: Mermaid"
        assert not root.xpath("//*[@data-md-component='source']"), f"{name}: dépôt (repo_url)"


# Strict build ------------------------------------------------------------------------------

def test_broken_link_or_anchor_fails_the_strict_build(tmp_path: Path) -> None:
    project = tmp_path / "kit"
    shutil.copytree(
        ROOT, project,
        ignore=shutil.ignore_patterns(".git", ".venv", "site", ".cache", ".pytest_cache", "__pycache__",
                                      "tests", "node_modules"),
    )
    glossary = project / "docs" / "glossaire.md"
    text = glossary.read_text(encoding="utf-8").rstrip("\n") + "\n"
    line = text.count("\n") + 2
    glossary.write_text(
        text + "\nVoir [une page absente](page-absente.md) et [une ancre absente](lettre.md#ancre-absente).\n",
        encoding="utf-8",
    )
    result = build_site(tmp_path / "site", cwd=project, env=NO_DOCUMENTS)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    # Its last line, printed by MkDocs when it stops, in French too (kit-messages: on_build_error).
    last = result.stdout.strip().split("\n")[-1]
    assert re.fullmatch(r"Le site n'a pas été construit : corrigez d'abord ce que signalent les lignes "
                        r"ci-dessus \(\d+ avertissements\), puis relancez la construction\. .+\.", last), output
    assert "Aborted" not in output and "strict mode" not in output
    # MkDocs' own messages, said in French at their file and line (the kit-messages plugin).
    assert f"docs/glossaire.md:{line} : lien vers une page qui n'existe pas : « page-absente.md »" in output
    assert f"docs/glossaire.md:{line} : lien vers une section « #ancre-absente » absente de lettre.md" in output
