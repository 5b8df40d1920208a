"""The one walk of a page's HTML (kit.documents.walk): the DOCX and the ODT of a page say the same thing."""

from __future__ import annotations

import io
import zipfile

import docx
import lxml.etree
import lxml.html

from kit.documents import odt
from kit.documents.docx import render_docx
from kit.documents.registry import KitDocument, PrintPage
from kit.documents.walk import PLAIN, OfficeWalker, ParagraphKind, Run

HTML = """<h1>Modèle : essai</h1>
<p class="kit-droite">À Caen, le <mark class="kit-champ">[date]</mark></p>
<h2>Objet <a class="headerlink" href="#objet">#</a></h2>
<p>Un <strong>mot <em>fort</em></strong>, une ligne<br>  puis l'autre, et <a href="https://www.interieur.gouv.fr/x">un lien</a>.</p>
<div class="admonition note"><p class="admonition-title">À savoir</p><p>Dans l'encadré.</p></div>
<ul><li>un<ul><li>deux</li></ul></li><li><p>trois</p><p>quatre</p></li></ul>
<table><thead><tr><th>Rubrique</th><th>Valeur</th></tr></thead>
<tbody><tr><td>Lieu</td><td><mark class="kit-champ">[salle]</mark></td></tr><tr><td>Seul</td></tr></tbody></table>
<dl><dt>Terme</dt><dd>Sa définition</dd></dl>
<hr>
<div class="kit-ecran"><p>Pour l'écran seulement</p></div>
<script>var x = "<p>rien</p>";</script>
<details><summary>Résumé</summary><p>Le détail.</p></details>"""

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _squeeze(text: str) -> str:
    return "".join(text.split())  # spaces aside (ODF writes some as <text:s/>)


def docx_paragraphs(data: bytes) -> list[str]:
    body = docx.Document(io.BytesIO(data)).element.body
    texts = ("".join(t.text or "" for t in p.iter(f"{W}t")) for p in body.iter(f"{W}p"))
    return [_squeeze(text) for text in texts if text.strip()]


def odt_paragraphs(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = lxml.etree.fromstring(archive.read("content.xml"))
    body = content.find(f".//{{{'urn:oasis:names:tc:opendocument:xmlns:office:1.0'}}}text")
    assert body is not None
    texts = ("".join(p.itertext()) for p in body.iter(f"{{{TEXT}}}p", f"{{{TEXT}}}h"))
    return [_squeeze(text) for text in texts if text.strip()]


def test_docx_and_odt_carry_the_same_paragraphs() -> None:
    page = PrintPage(doc=KitDocument("essai.md", "essai", "l'essai", "modeles", editable=True),
                     title="Modèle : essai", url="essai/", html=HTML)
    in_docx, in_odt = docx_paragraphs(render_docx(page)), odt_paragraphs(odt.render_kit_odt(page))
    assert in_docx == in_odt
    assert in_docx == [_squeeze(text) for text in (
        "À Caen, le [date]", "Objet", "Un mot fort, une ligne puis l'autre, et un lien "
        "(https://www.interieur.gouv.fr/x).", "À savoir", "Dans l'encadré.", "un", "deux", "trois", "quatre",
        "Rubrique", "Valeur", "Lieu", "[salle]", "Seul", "Terme", "Sa définition", "———", "Résumé",
        "Le détail.")]


class _Outline(OfficeWalker[list[str], list[str]]):
    """A writer that only notes what the walk asks for: the walk itself, without a file format."""

    def __init__(self) -> None:
        super().__init__(skip_classes={"kit-ecran"}, skip_tags={"script"}, field_class="kit-champ")

    def paragraph(self, container: list[str], kind: ParagraphKind = "body") -> list[str]:
        container.append(f"p:{kind}")
        return container

    def heading(self, container: list[str], tag: str) -> list[str]:
        container.append(tag)
        return container

    def text(self, paragraph: list[str], text: str, run: Run) -> None:
        marks = "".join(mark for mark, on in (("b", run.bold), ("i", run.italic), ("f", run.field)) if on)
        paragraph.append(f"{marks}|{text}" if marks else text)

    def line_break(self, paragraph: list[str]) -> None:
        paragraph.append("br")

    def rule(self, container: list[str]) -> None:
        container.append("hr")

    def start_list(self, container: list[str], ordered: bool, depth: int) -> list[str]:
        container.append(f"list:{depth}")
        return container

    def start_item(self, listing: list[str]) -> list[str]:
        return listing

    def item_paragraph(self, listing: list[str], item: list[str]) -> list[str]:
        return self.paragraph(item)

    def start_table(self, container: list[str], width: int) -> list[str]:
        container.append(f"table:{width}")
        return container

    def start_row(self, table: list[str], index: int, header: bool) -> list[str]:
        table.append("th-row" if header else "row")
        return table

    def cell(self, row: list[str], column: int, header: bool) -> list[str]:
        return row

    def cell_paragraph(self, cell: list[str]) -> list[str]:
        return self.paragraph(cell)


def test_the_walk_reads_styles_fields_and_furniture() -> None:
    root = lxml.html.fragment_fromstring(HTML, create_parent="div")
    outline: list[str] = []
    _Outline().blocks(outline, root)
    assert outline[:5] == ["h1", "Modèle : essai", "p:right", "À Caen, le ", "f|[date]"]
    assert outline[5:7] == ["h2", "Objet "]  # the permalink « # » is left out
    assert outline[7:16] == ["p:body", "Un ", "b|mot ", "bi|fort", ", une ligne", "br", "puis l'autre, et ",
                             "un lien", " (https://www.interieur.gouv.fr/x)"]
    assert "Pour l'écran seulement" not in outline and not any("rien" in entry for entry in outline)
    assert outline.count("list:0") == 1 and outline.count("list:1") == 1
    assert "th-row" in outline and "b|Rubrique" in outline and "b|Terme" in outline and "b|Résumé" in outline
    assert PLAIN == Run()
