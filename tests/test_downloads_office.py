"""The kit's editable downloads opened in LibreOffice (headless), as their readers open them.

Each DOCX and ODT template, the calendar's CSV and XLSX are converted by
LibreOffice to flat OpenDocument; the tests read back their text, accents,
language, headings, fields to fill in and typed cells.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import lxml.etree
import lxml.html
import pytest

from clients.tools import convert
from conftest import PROJECT, page
from kit.calendar.model import load_campaign
from kit.calendar.read import read_calendar
from kit.calendar.xlsx import COLUMNS, to_xlsx
from kit.documents import registry
from kit.documents.fields import FIELD_CLASS
from kit.documents.html import article_html
from kit.territory import load_territory

pytestmark = pytest.mark.libreoffice

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
}


def q(prefix: str, name: str) -> str:
    """An element or attribute name in Clark's notation: ``{namespace}name``."""
    return f"{{{NS[prefix]}}}{name}"


FO = q("fo", "")
TEXT = q("text", "")
TEMPLATES = [doc for doc in registry.KIT_DOCUMENTS if doc.editable]
FIELD_STYLE_NAME = "Champ à remplir"
YELLOW = "#ffff00"


def words(text: str) -> str:
    return " ".join(text.split())


def odf_text(element: lxml.etree._Element) -> str:
    """The text of an OpenDocument element as a reader sees it: spaces, tabs and line breaks as spaces."""
    parts: list[str] = []

    def walk(el: lxml.etree._Element) -> None:
        if el.tag in (q("text", "s"), q("text", "tab"), q("text", "line-break")):
            parts.append(" " * int(el.get(q("text", "c"), "1")))
        else:
            parts.append(el.text or "")
            for child in el:
                walk(child)
        if el is not element:
            parts.append(el.tail or "")

    walk(element)
    return "".join(parts)


def paragraphs_text(root: lxml.etree._Element) -> str:
    """Every paragraph and heading of a document's body, one space apart."""
    body = root.find(".//office:body", NS)
    return words(" ".join(odf_text(p) for p in body.iter(q("text", "p"), q("text", "h"))))


@pytest.fixture(scope="module")
def opened(site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, lxml.etree._Element]:
    """Every DOCX and ODT template of the built site, as LibreOffice reads it (flat ODT), by file name."""
    folder = tmp_path_factory.mktemp("office")
    sources = []
    for doc in TEMPLATES:
        for suffix in ("docx", "odt"):
            source = folder / "in" / f"{suffix}-{doc.slug}.{suffix}"  # one name per converted file
            source.parent.mkdir(exist_ok=True)
            shutil.copy(site / "documents" / f"{doc.slug}.{suffix}", source)
            sources.append(source)
    converted = convert(sources, "fodt", folder / "out")
    return {f"{source.stem.split('-', 1)[1]}.{source.suffix[1:]}": lxml.etree.parse(str(path)).getroot()
            for source, path in zip(sources, converted, strict=True)}


def expected(site: Path, doc: registry.KitDocument) -> tuple[list[str], list[str], list[str]]:
    """Headings (after the page's title), fields to fill and paragraphs of the template's page."""
    html = article_html(page(site, doc.src_uri.removesuffix(".md") + "/"))
    assert html is not None
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    # Screen furniture (download buttons, last change date) and instructions stay out of the files.
    left_out = ["kit-consigne", "md-source-file", "kit-downloads", "kit-change", "kit-lang"]
    outside = "[not(ancestor-or-self::*[@data-search-exclude or "
    outside += " or ".join(f"contains(@class, '{name}')" for name in left_out) + "])]"
    headings = [words(h.text_content()) for h in root.xpath(f".//*[self::h2 or self::h3 or self::h4]{outside}")]
    fields = [words(m.text_content()) for m in root.xpath(f".//mark[@class='{FIELD_CLASS}']{outside}")]
    paragraphs = [words(p.text_content()) for p in root.xpath(f".//p{outside}") if len(p.text_content()) > 40]
    return [h.rstrip("#").strip() for h in headings], fields, paragraphs  # « # »: the permalink


def styles_by_name(root: lxml.etree._Element) -> dict[str, lxml.etree._Element]:
    return {style.get(q("style", "name")): style for style in root.iter(q("style", "style"))}


def has_yellow(style: lxml.etree._Element | None) -> bool:
    if style is None:
        return False
    return any((props.get(f"{FO}background-color") or "").lower() == YELLOW
               for props in style.iter(q("style", "text-properties")))


def field_spans(root: lxml.etree._Element) -> list[tuple[str, bool]]:
    """(text, shown in yellow) of each span in the « Champ à remplir » style."""
    styles = styles_by_name(root)
    field_names = {name for name, style in styles.items()
                   if style.get(q("style", "display-name"), name) == FIELD_STYLE_NAME}
    found: list[tuple[str, bool]] = []
    previous = None
    for span in root.iter(f"{TEXT}span"):
        if span.get(f"{TEXT}style-name") not in field_names:
            continue
        inner = [span, *span.iter(f"{TEXT}span")]
        yellow = any(has_yellow(styles.get(s.get(f"{TEXT}style-name", ""))) for s in inner)
        if previous is not None and previous.getnext() is span and not previous.tail:
            # One field written in two spans side by side (a line break, a change of formatting).
            text, was_yellow = found.pop()
            found.append((words(text + odf_text(span)), was_yellow and yellow))
        else:
            found.append((words(odf_text(span)), yellow))
        previous = span
    return found


@pytest.mark.parametrize("suffix", ["docx", "odt"])
@pytest.mark.parametrize("doc", TEMPLATES, ids=lambda d: d.slug)
def test_template_opens_as_a_french_document(site: Path, opened: dict[str, lxml.etree._Element],
                                             doc: registry.KitDocument, suffix: str) -> None:
    root = opened[f"{doc.slug}.{suffix}"]
    body = paragraphs_text(root)
    headings, fields, paragraphs = expected(site, doc)
    # Text and accents, as LibreOffice reads them.
    for paragraph in paragraphs[:1] + paragraphs[-1:]:
        assert paragraph in body
    assert re.search(r"[éèàçô]", body)
    # French everywhere a language is said, and nothing else.
    languages = {(props.get(f"{FO}language"), props.get(f"{FO}country"))
                 for props in root.iter(q("style", "text-properties")) if props.get(f"{FO}language")}
    assert languages == {("fr", "FR")}
    default = root.find(".//office:styles/style:default-style[@style:family='paragraph']/style:text-properties", NS)
    assert default is not None and (default.get(f"{FO}language"), default.get(f"{FO}country")) == ("fr", "FR")
    # Real headings, with their outline level: the navigator lists them.
    read_headings = [(words(odf_text(h)), h.get(f"{TEXT}outline-level")) for h in root.iter(f"{TEXT}h")]
    assert [text for text, _ in read_headings] == headings
    assert all(level and int(level) >= 1 for _, level in read_headings)
    # Every field to fill is in the « Champ à remplir » style and shown in yellow.
    spans = field_spans(root)
    assert sorted({text for text, _ in spans}) == sorted(set(fields))
    assert all(yellow for _, yellow in spans)


def test_template_headings_exist_somewhere() -> None:
    """The check above compares headings: some template must have some, or it proves nothing."""
    sources = (Path(__file__).resolve().parents[1] / "docs" / doc.src_uri for doc in TEMPLATES)
    assert any(re.search(r"^## ", path.read_text(encoding="utf-8"), re.M) for path in sources)


# Calendar: CSV and XLSX ----------------------------------------------------------

def sheet_rows(table: lxml.etree._Element) -> list[list[lxml.etree._Element]]:
    """The cells of the calendar's columns, row by row (repeated cells expanded, empty rows left out)."""
    rows = []
    for row in table.iter(q("table", "table-row")):
        cells: list[lxml.etree._Element] = []
        for cell in row.iter(q("table", "table-cell")):
            cells.extend([cell] * min(int(cell.get(q("table", "number-columns-repeated"), "1")), len(COLUMNS)))
        cells = cells[:len(COLUMNS)]
        if any(odf_text(cell).strip() for cell in cells):
            rows.append(cells)
    return rows


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8")), delimiter=";"))


def test_calendar_csv_and_xlsx_open_in_calc(site: Path, tmp_path: Path) -> None:
    calendar = site / "calendrier"
    source_csv = calendar / "forums.csv"
    assert source_csv.read_bytes().startswith(b"\xef\xbb\xbf")
    # CSV: « ; » as separator, UTF-8 (LibreOffice's options for a French CSV); written back as UTF-8.
    [from_csv] = convert([source_csv], "csv:Text - txt - csv (StarCalc):59,34,76,1", tmp_path / "csv",
                         infilter="CSV:59,34,76,1")
    rows = _rows(from_csv)
    expected = list(csv.reader(io.StringIO(source_csv.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == expected[0] and rows[0][0] == "departement"  # the BOM is not part of the first cell
    assert len(rows) == len(expected) > 1
    column = expected[0].index("commune")
    assert [row[column] for row in rows] == [row[column] for row in expected]
    assert any(re.search(r"[éèàçô]", row[expected[0].index("lieu")]) for row in rows[1:])
    # XLSX: dates and times typed, texts as texts.
    [from_xlsx] = convert([calendar / "forums.xlsx"], "fods", tmp_path / "xlsx")
    table = lxml.etree.parse(str(from_xlsx)).getroot().find(".//table:table", NS)
    cells = sheet_rows(table)
    office = q("office", "")
    assert [words(odf_text(c)) for c in cells[0]] == [h for _, h, _ in COLUMNS]
    date_column = [name for name, _, _ in COLUMNS].index("date")
    commune_column = [name for name, _, _ in COLUMNS].index("commune")
    dates = [row[date_column].get(f"{office}date-value") for row in cells[1:]]
    assert len([d for d in dates if d]) == len(expected) - 1
    assert dates == sorted(dates) and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d or "") for d in dates)
    assert [row[date_column].get(f"{office}value-type") for row in cells[1:]] == ["date"] * len(dates)
    communes = sorted(words(odf_text(row[commune_column])) for row in cells[1:])
    assert communes == sorted(row[column] for row in expected[1:])
    times = [row[2].get(f"{office}time-value") for row in cells[1:] if row[2].get(f"{office}value-type") == "time"]
    assert times and all(re.fullmatch(r"PT\d{2}H\d{2}M\d{2}S", t or "") for t in times)


def test_xlsx_formula_text_stays_text_in_calc(tmp_path: Path) -> None:
    territory = load_territory(PROJECT.reference)
    source = Path(__file__).parent / "data" / "forums" / "formule.csv"
    forums = read_calendar(source, territory=territory, campaign=load_campaign(PROJECT.campaign_file)).forums
    path = tmp_path / "formule.xlsx"
    path.write_bytes(to_xlsx(forums, territory))
    [read] = convert([path], "fods", tmp_path / "out")
    root = lxml.etree.parse(str(read)).getroot()
    table_ns = q("table", "")
    assert not [c for c in root.iter(f"{table_ns}table-cell") if c.get(f"{table_ns}formula")]
    texts = {words(odf_text(c)) for c in root.iter(f"{table_ns}table-cell")}
    assert forums[0].lieu in texts and forums[0].lieu.startswith("=")
