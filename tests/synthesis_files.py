"""Departmental syntheses made as prefectures make them: the kit's own template, filled in.

The blank template is made by the kit's documents pipeline in-process (the
Markdown of docs/modeles/synthese.md rendered with the site's extensions,
its fields marked, then the DOCX and ODT writers), then filled with
python-docx or lxml on the ODT's XML, the way a prefecture's officer types over the
highlighted fields, adds rows and writes paragraphs. Used by the tests and by
``tools/kitdev/bench.py --syntheses``.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import docx
import lxml.etree
import markdown

from kit.documents import odt
from kit.documents.docx import render_docx
from kit.documents.fields import mark_fields
from kit.documents.registry import PrintPage, document_for

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "docs" / "modeles" / "synthese.md"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
DC = "http://purl.org/dc/elements/1.1/"
NS = {"text": TEXT, "table": TABLE, "office": OFFICE}


@lru_cache(maxsize=1)
def template_page() -> PrintPage:
    """The synthesis template's page as the site renders it (front matter left out, fields marked)."""
    source = TEMPLATE.read_text(encoding="utf-8")
    body = re.sub(r"\A---\n.*?\n---\n", "", source, flags=re.S)
    html = markdown.markdown(body, extensions=["admonition", "attr_list", "md_in_html", "tables", "def_list"])
    doc = document_for("modeles/synthese.md")
    assert doc is not None
    return PrintPage(doc=doc, title="Modèle : synthèse départementale", url="modeles/synthese/",
                     html=mark_fields(html))


def template_docx() -> bytes:
    return render_docx(template_page())


def template_odt() -> bytes:
    return odt.render_kit_odt(template_page())


@dataclass
class Filling:
    """What a prefecture writes in its synthesis."""

    departement: str  # as typed in the field: « Loire-Atlantique »
    etablie_par: str = "Préfet de département, cabinet"
    date_envoi: str = "20 mai 2009"
    forums: list[tuple[str, str, str, str]] = field(default_factory=list)  # date, commune, cantons, participants
    couverture: str = ""
    participation: str = ""
    deroulement: str = ""
    theme1: list[str] = field(default_factory=list)
    theme2: list[str] = field(default_factory=list)
    local: list[str] = field(default_factory=list)
    strengths: list[str] = field(default_factory=list)
    weaknesses: list[str] = field(default_factory=list)
    proposals: list[tuple[str, str, str]] = field(default_factory=list)  # text, scope, actors
    minutes: list[str] = field(default_factory=list)  # titles of the annexed minutes

    def sentences(self) -> list[str]:
        """Every text the prefecture wrote, each of which the compilation must quote once."""
        found = [self.couverture, self.participation, self.deroulement, *self.theme1, *self.theme2, *self.local,
                 *self.strengths, *self.weaknesses, *(p[0] for p in self.proposals), *(p[2] for p in self.proposals)]
        return [text for text in found if text]


# DOCX -------------------------------------------------------------------------

def _set_text(paragraph, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type over a paragraph: its runs replaced by one run of ``text`` (the highlight goes with them)."""
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    paragraph.add_run(text)


def _after(paragraph, text: str):  # type: ignore[no-untyped-def]
    """A new paragraph after ``paragraph`` holding ``text``: what pressing Enter and typing does."""
    new = copy.deepcopy(paragraph._p)
    paragraph._p.addnext(new)
    from docx.text.paragraph import Paragraph

    made = Paragraph(new, paragraph._parent)
    _set_text(made, text)
    return made


def _fill_rows(table, rows: list[tuple[str, ...]], first: int = 1) -> None:  # type: ignore[no-untyped-def]
    """Fill the template's rows from ``first``, adding rows as Word's Tab key does, removing unused ones."""
    while len(table.rows) - first < len(rows):
        new = copy.deepcopy(table.rows[-1]._tr)
        table.rows[-1]._tr.addnext(new)
    for index, values in enumerate(rows):
        row = table.rows[first + index]
        for cell, value in zip(row.cells, values, strict=False):
            _set_text(cell.paragraphs[0], value)
    for row in list(table.rows)[first + len(rows):]:
        row._tr.getparent().remove(row._tr)


def fill_docx(filling: Filling, template: bytes | None = None) -> docx.document.Document:
    """The template filled with ``filling``, as a python-docx document (to be messed up further, then saved)."""
    document = docx.Document(io.BytesIO(template or template_docx()))
    tables = document.tables
    ident = tables[0]
    for row in ident.rows:
        label = row.cells[0].text
        if label.startswith("Département"):
            _set_text(row.cells[1].paragraphs[0], filling.departement)
        elif label.startswith("Établie"):
            _set_text(row.cells[1].paragraphs[0], filling.etablie_par)
        elif not label.startswith(("Rubrique", "Destinataires")):
            # The date of sending, whatever its line is called.
            _set_text(row.cells[1].paragraphs[0], filling.date_envoi)
    _fill_rows(tables[1], [(str(i), *forum) for i, forum in enumerate(filling.forums, 1)])
    _fill_rows(tables[2], [(s, w) for s, w in _pairs(filling.strengths, filling.weaknesses)])
    _fill_rows(tables[3], filling.proposals)
    part = ""
    paragraphs = list(document.paragraphs)
    for paragraph in paragraphs:
        text = paragraph.text
        if paragraph.style.name.startswith("Heading"):
            part = text
            continue
        if text.startswith("Couverture du département"):
            _set_text(paragraph, f"Couverture du département : {filling.couverture}")
        elif text.startswith("Participation :"):
            _set_text(paragraph, f"Participation : {filling.participation}")
        elif text.startswith("Accessibilité, presse"):
            _set_text(paragraph, f"Accessibilité, presse et déroulement : {filling.deroulement}")
        elif text.startswith("[") and part:
            texts = (filling.theme1 if part.startswith("Thème 1") else filling.theme2 if part.startswith("Thème 2")
                     else filling.local if part.startswith("Sujets") else [])
            _write_paragraphs(paragraph, texts)
        elif text.startswith("Compte rendu du forum"):
            if paragraph._p.getparent() is None:
                continue
            siblings = [p for p in paragraphs if p.text.startswith("Compte rendu du forum")]
            _write_paragraphs(siblings[0], filling.minutes)
            for other in siblings[1:]:
                other._p.getparent().remove(other._p)
            break
    return document


def _write_paragraphs(paragraph, texts: list[str]) -> None:  # type: ignore[no-untyped-def]
    if not texts:
        paragraph._p.getparent().remove(paragraph._p)
        return
    _set_text(paragraph, texts[0])
    last = paragraph
    for text in texts[1:]:
        last = _after(last, text)


def _pairs(first: list[str], second: list[str]) -> list[tuple[str, str]]:
    size = max(len(first), len(second))
    return [(first[i] if i < len(first) else "", second[i] if i < len(second) else "") for i in range(size)]


def docx_bytes(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ODT --------------------------------------------------------------------------

def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def _odt_set(element: lxml.etree._Element, text: str) -> None:
    for child in list(element):
        element.remove(child)
    element.text = text


def _odt_fill_rows(table: lxml.etree._Element, rows: list[tuple[str, ...]]) -> None:
    body = [r for r in table.iter(_q("table", "table-row")) if r.getparent().tag != _q("table", "table-header-rows")]
    last = body[-1]
    while len(body) < len(rows):
        new = copy.deepcopy(last)
        last.addnext(new)
        last = new
        body.append(new)
    for row, values in zip(body, rows, strict=False):
        cells = row.findall(_q("table", "table-cell"))
        for cell, value in zip(cells, values, strict=False):
            paragraph = cell.find(_q("text", "p"))
            _odt_set(paragraph, value)
    for row in body[len(rows):]:
        row.getparent().remove(row)


def _odt_write(paragraph: lxml.etree._Element, texts: list[str]) -> None:
    if not texts:
        paragraph.getparent().remove(paragraph)
        return
    _odt_set(paragraph, texts[0])
    last = paragraph
    for text in texts[1:]:
        new = copy.deepcopy(paragraph)
        _odt_set(new, text)
        last.addnext(new)
        last = new


def fill_odt_content(filling: Filling, content: lxml.etree._Element) -> None:
    """Fill the template's content.xml in place."""
    office_text = content.find(f"{_q('office', 'body')}/{_q('office', 'text')}")
    tables = office_text.findall(_q("table", "table"))
    for row in tables[0].iter(_q("table", "table-row")):
        cells = row.findall(_q("table", "table-cell"))
        label = "".join(cells[0].itertext())
        value = {"Département": filling.departement, "Établie par": filling.etablie_par}.get(label)
        if value is None and not label.startswith(("Rubrique", "Destinataires")):
            value = filling.date_envoi  # the date of sending, whatever its line is called
        if value is not None:
            _odt_set(cells[1].find(_q("text", "p")), value)
    _odt_fill_rows(tables[1], [(str(i), *forum) for i, forum in enumerate(filling.forums, 1)])
    _odt_fill_rows(tables[2], _pairs(filling.strengths, filling.weaknesses))
    _odt_fill_rows(tables[3], filling.proposals)
    part = ""
    for element in list(office_text):
        text = "".join(element.itertext())
        if element.tag == _q("text", "h"):
            part = text
        elif element.tag == _q("text", "p"):
            if text.startswith("Couverture du département"):
                _odt_set(element, f"Couverture du département : {filling.couverture}")
            elif text.startswith("Participation :"):
                _odt_set(element, f"Participation : {filling.participation}")
            elif text.startswith("Accessibilité, presse"):
                _odt_set(element, f"Accessibilité, presse et déroulement : {filling.deroulement}")
            elif text.startswith("[") and part:
                texts = (filling.theme1 if part.startswith("Thème 1") else filling.theme2
                         if part.startswith("Thème 2") else filling.local if part.startswith("Sujets") else [])
                _odt_write(element, texts)
        elif element.tag == _q("text", "list") and part.startswith("Annexes"):
            items = element.findall(_q("text", "list-item"))
            for item in items[1:]:
                element.remove(item)
            first = items[0]
            for index, title in enumerate(filling.minutes):
                item = first if index == 0 else copy.deepcopy(first)
                _odt_set(item.find(_q("text", "p")), title)
                if index:
                    element.append(item)
            if not filling.minutes:
                element.getparent().remove(element)


def odt_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def odt_from_parts(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), parts["mimetype"], compress_type=zipfile.ZIP_STORED)
        for name, data in parts.items():
            if name != "mimetype":
                archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def fill_odt(filling: Filling, template: bytes | None = None,
             mess=None) -> bytes:  # type: ignore[no-untyped-def]
    """The ODT template filled with ``filling``; ``mess(content)`` may change the XML before it is saved."""
    parts = odt_parts(template or template_odt())
    content = lxml.etree.fromstring(parts["content.xml"])
    fill_odt_content(filling, content)
    if mess is not None:
        mess(content)
    parts["content.xml"] = lxml.etree.tostring(content, xml_declaration=True, encoding="UTF-8")
    return odt_from_parts(parts)


def sample(departement: str, communes: list[tuple[str, str]], seed: str = "") -> Filling:
    """A plausible filling whose every sentence names its département (so a test can trace it)."""
    tag = seed or departement
    return Filling(
        departement=departement,
        forums=[(day, commune, f"canton de {commune}", str(40 + 10 * i)) for i, (day, commune) in enumerate(communes)],
        couverture=f"Tous les cantons ont été couverts en {tag} par des forums regroupés.",
        participation=f"Les participants de {tag} ont été comptés à l'entrée par les services.",
        deroulement=f"La presse locale de {tag} a rendu compte de chaque réunion.",
        theme1=[f"En {tag}, les habitants demandent plus de vidéo-protection près des gares.",
                f"En {tag}, les cambriolages inquiètent les communes rurales."],
        theme2=[f"En {tag}, les maires veulent mieux travailler avec la police municipale."],
        local=[f"En {tag}, la sécurité des transports scolaires a été évoquée."],
        strengths=[f"Une gendarmerie présente et connue des habitants ({tag})."],
        weaknesses=[f"Des délais d'attente trop longs pour porter plainte ({tag}).",
                    f"Un éclairage public insuffisant dans les quartiers ({tag})."],
        proposals=[(f"Généraliser la pré-plainte en ligne pour les victimes ({tag}).", "nationale",
                    f"Direction générale de la police nationale ({tag})"),
                   (f"Créer un référent sûreté dans chaque commune de plus de 5 000 habitants ({tag}).",
                    "départementale", f"Maires et gendarmerie ({tag})")],
        minutes=[f"Compte rendu du forum de {commune}, le {day}" for day, commune in communes],
    )


# Messy variants, as they come back ------------------------------------------------

def _heading(document: docx.document.Document, start: str):  # type: ignore[no-untyped-def]
    return next(p for p in document.paragraphs if p.style.name.startswith("Heading") and p.text.startswith(start))


def rename_heading(document: docx.document.Document, start: str, new: str) -> None:
    _set_text(_heading(document, start), new)


def delete_heading(document: docx.document.Document, start: str) -> None:
    paragraph = _heading(document, start)
    paragraph._p.getparent().remove(paragraph._p)


def add_after_table(document: docx.document.Document, index: int, text: str) -> None:
    """A paragraph typed just after a table, outside any field."""
    from docx.oxml import OxmlElement

    table = document.tables[index]._tbl
    paragraph = OxmlElement("w:p")
    table.addnext(paragraph)
    from docx.text.paragraph import Paragraph

    Paragraph(paragraph, document._body).add_run(text)


def add_heading_with_text(document: docx.document.Document, before: str, heading: str, text: str) -> None:
    """An extra part the template does not have (« Remerciements »), before the heading ``before``."""
    target = _heading(document, before)
    target.insert_paragraph_before(heading, style=target.style)
    target.insert_paragraph_before(text)


def proposals_as_text(document: docx.document.Document, proposals: list[tuple[str, str, str]]) -> None:
    """The proposals' table replaced by lines « proposition | portée | acteurs » (a table pasted as text)."""
    table = document.tables[3]._tbl
    from docx.oxml import OxmlElement
    from docx.text.paragraph import Paragraph

    anchor = table
    for text, scope, actors in proposals:
        paragraph = OxmlElement("w:p")
        anchor.addnext(paragraph)
        Paragraph(paragraph, document._body).add_run(f"{text}\t{scope}\t{actors}")
        anchor = paragraph
    table.getparent().remove(table)


def tracked_and_commented(document: docx.document.Document, inserted: str, deleted: str, comment: str) -> None:
    """A paragraph inserted with track changes on, a deleted one left as a tracked deletion, a comment."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    theme2 = _heading(document, "Thème 2")
    after = theme2._p.getnext()
    for kind, text in (("w:ins", inserted), ("w:del", deleted)):
        paragraph = OxmlElement("w:p")
        change = OxmlElement(kind)
        change.set(qn("w:id"), "90" if kind == "w:ins" else "91")
        change.set(qn("w:author"), "Préfecture")
        change.set(qn("w:date"), "2009-05-19T10:00:00Z")
        run = OxmlElement("w:r")
        text_element = OxmlElement("w:t" if kind == "w:ins" else "w:delText")
        text_element.text = text
        run.append(text_element)
        change.append(run)
        paragraph.append(change)
        after.addprevious(paragraph)
    target = next(p for p in document.paragraphs if p.text and not p.style.name.startswith("Heading")
                  and p.runs)
    document.add_comment(target.runs, text=comment, author="Cabinet", initials="CAB")


def append_document(first: docx.document.Document, second: docx.document.Document) -> None:
    """A second synthesis pasted below the first."""
    body = first.element.body
    last = body[-1]  # the section properties stay last
    for element in list(second.element.body):
        if element.tag.endswith("}sectPr"):
            continue
        last.addprevious(copy.deepcopy(element))


def odt_tracked_and_commented(inserted: str, deleted: str, comment: str):  # type: ignore[no-untyped-def]
    """A ``mess`` for :func:`fill_odt`: a tracked insertion and deletion, a comment on a theme paragraph."""

    def mess(content: lxml.etree._Element) -> None:
        office_text = content.find(f"{_q('office', 'body')}/{_q('office', 'text')}")
        tracked = lxml.etree.Element(_q("text", "tracked-changes"))
        for name, kind in (("ct1", "insertion"), ("ct2", "deletion")):
            region = lxml.etree.SubElement(tracked, _q("text", "changed-region"), {_q("text", "id"): name})
            change = lxml.etree.SubElement(region, _q("text", kind))
            info = lxml.etree.SubElement(change, _q("office", "change-info"))
            lxml.etree.SubElement(info, f"{{{DC}}}creator").text = "Préfecture"
            lxml.etree.SubElement(info, f"{{{DC}}}date").text = "2009-05-19T10:00:00"
            if kind == "deletion":
                lxml.etree.SubElement(change, _q("text", "p")).text = deleted
        office_text.insert(0, tracked)
        headings = office_text.findall(_q("text", "h"))
        theme2 = next(h for h in headings if "".join(h.itertext()).startswith("Thème 2"))
        paragraph = lxml.etree.Element(_q("text", "p"))
        lxml.etree.SubElement(paragraph, _q("text", "change-start"), {_q("text", "change-id"): "ct1"}).tail = inserted
        lxml.etree.SubElement(paragraph, _q("text", "change-end"), {_q("text", "change-id"): "ct1"})
        theme2.addnext(paragraph)
        deletion = lxml.etree.Element(_q("text", "p"))
        lxml.etree.SubElement(deletion, _q("text", "change"), {_q("text", "change-id"): "ct2"})
        paragraph.addnext(deletion)
        target = paragraph.getnext().getnext()
        annotation = lxml.etree.Element(_q("office", "annotation"))
        lxml.etree.SubElement(annotation, f"{{{DC}}}creator").text = "Cabinet"
        lxml.etree.SubElement(annotation, _q("text", "p")).text = comment
        target.insert(0, annotation)
        annotation.tail = target.text
        target.text = None

    return mess


def odt_rename_and_delete(renamed: dict[str, str], deleted: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """A ``mess``: headings renamed (by their start) and deleted."""

    def mess(content: lxml.etree._Element) -> None:
        for heading in list(content.iter(_q("text", "h"))):
            text = "".join(heading.itertext())
            for start, new in renamed.items():
                if text.startswith(start):
                    _odt_set(heading, new)
            if text.startswith(deleted) if deleted else False:
                heading.getparent().remove(heading)

    return mess


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF, as a prefecture's scanned or exported synthesis."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Title"] = text
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


# A season's syntheses, for tools/kitdev/bench.py --syntheses ----------------------------

_SUBJECTS = ("la vidéo-protection", "les cambriolages", "la sécurité routière", "les violences intrafamiliales",
             "les stupéfiants", "l'accueil des victimes", "la police municipale", "la sécurité privée",
             "la jeunesse", "les transports", "les incivilités", "la cybercriminalité")


def _prose(rng, tag: str, sentences: int) -> str:  # type: ignore[no-untyped-def]
    return " ".join(
        f"Les participants de {tag} ont longuement évoqué {rng.choice(_SUBJECTS)} et souhaitent que "
        f"{rng.choice(_SUBJECTS)} fasse l'objet d'un suivi régulier avec les élus (point {index})."
        for index in range(sentences))


def season_filling(name: str, rng, *, forums: list[tuple[str, str]]) -> Filling:  # type: ignore[no-untyped-def]
    """About ten printed pages: four of synthesis, the rest the minutes annexed (see :func:`with_minutes`)."""
    filling = sample(name, forums, f"dossier {name}")
    filling.theme1 = [_prose(rng, name, 5) for _ in range(4)]
    filling.theme2 = [_prose(rng, name, 5) for _ in range(3)]
    filling.local = [_prose(rng, name, 4) for _ in range(2)]
    filling.strengths = [f"{rng.choice(_SUBJECTS).capitalize()} : un partenariat qui fonctionne ({name}, {i})."
                         for i in range(4)]
    filling.weaknesses = [f"{rng.choice(_SUBJECTS).capitalize()} : des moyens jugés insuffisants ({name}, {i})."
                          for i in range(4)]
    common = [("Généraliser la pré-plainte en ligne pour toutes les victimes", "nationale", "Police et gendarmerie"),
              ("Créer un référent sûreté dans chaque commune de plus de 5 000 habitants", "départementale",
               "Maires et gendarmerie"),
              ("Renforcer les patrouilles pédestres dans les centres-villes le soir", "locale", "Police municipale")]
    own = [(f"Étudier {rng.choice(_SUBJECTS)} avec les bailleurs sociaux de {name} (idée {i})",
            rng.choice(("nationale", "départementale", "locale", "")), f"Préfecture de {name}") for i in range(5)]
    filling.proposals = [*rng.sample(common, 2), *own]
    return filling


def with_minutes(document: docx.document.Document, filling: Filling, rng) -> None:  # type: ignore[no-untyped-def]
    """Each forum's minutes pasted after the list of the annexes: its title again, then its text."""
    for title in filling.minutes:
        document.add_paragraph(title)
        for _ in range(4):
            document.add_paragraph(_prose(rng, "la réunion", 3))


def odt_with_minutes(filling: Filling, rng):  # type: ignore[no-untyped-def]
    """A ``mess`` for :func:`fill_odt`: each forum's minutes pasted at the end, as :func:`with_minutes`."""

    def mess(content: lxml.etree._Element) -> None:
        office_text = content.find(f"{_q('office', 'body')}/{_q('office', 'text')}")
        for title in filling.minutes:
            lxml.etree.SubElement(office_text, _q("text", "p")).text = title
            for _ in range(4):
                lxml.etree.SubElement(office_text, _q("text", "p")).text = _prose(rng, "la réunion", 3)

    return mess
