"""Invitations by mail merge (« publipostage »): the guest list and the letter that merges it.

The guest list is a workbook (XLSX and ODS, :mod:`kit.documents.workbook`)
whose « Invités » sheet has one row per guest: civilité and qualité are chosen
from drop-down lists, and two columns are computed from them by formulas over
the « Qualités » sheet, the form of address (« Madame la Sénatrice ») and the
closing formula (« Je vous prie d'agréer, Madame la Sénatrice, l'expression de
ma haute considération. »). The letter, in DOCX and ODT, carries real mail-merge
fields bound to those columns: MERGEFIELD fields for Word (``w:fldSimple``),
``text:database-display`` fields bound to the « Invités » table of the
guest-list data source for OpenOffice.org and LibreOffice. What the guest list
cannot know (the forum's date, place, the prefect's name) stays a [field to
fill], highlighted, typed once before merging.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from kit.calendar.xlsx import without_clock
from kit.documents import docx_french
from kit.documents.registry import AUTHOR
from kit.documents.workbook import (
    Choices,
    Column,
    Formula,
    NamedRange,
    Sheet,
    Value,
    Workbook,
    to_ods,
    to_xlsx,
)
from kit.html.typography import french_text

GUESTS_SLUG = "liste-des-invites"  # also the data source's name in OpenOffice.org (the file's name)
LETTER_SLUG = "invitation-publipostage"
GUESTS_SHEET = "Invités"
QUALITIES_SHEET = "Qualités"
QUALITIES_NAME = "Qualites"  # the named range of the qualités, for the drop-down list
CIVILITES = ("Madame", "Monsieur")


@dataclass(frozen=True)
class Quality:
    """A guest's quality, how a letter from the prefect addresses them and how it closes."""

    label: str  # as chosen in the list
    monsieur: str  # form of address for a man
    madame: str  # for a woman
    regard: str  # « l'expression de … »


HIGH = "ma haute considération"
DISTINGUISHED = "ma considération distinguée"
FEELINGS = "mes sentiments distingués"

# In the order of precedence of the décret n° 89-655 du 13 septembre 1989 where it ranks them,
# then the other guests the letter of 26 February 2009 names (associations, socio-professionnels).
QUALITIES: tuple[Quality, ...] = (
    Quality("Député", "Monsieur le Député", "Madame la Députée", HIGH),
    Quality("Sénateur", "Monsieur le Sénateur", "Madame la Sénatrice", HIGH),
    Quality("Représentant au Parlement européen", "Monsieur le Député", "Madame la Députée", HIGH),
    Quality("Président du conseil régional", "Monsieur le Président", "Madame la Présidente", HIGH),
    Quality("Président du conseil général", "Monsieur le Président", "Madame la Présidente", HIGH),
    Quality("Maire", "Monsieur le Maire", "Madame la Maire", DISTINGUISHED),
    Quality("Adjoint au maire", "Monsieur le Maire adjoint", "Madame la Maire adjointe", DISTINGUISHED),
    Quality("Conseiller régional", "Monsieur le Conseiller régional", "Madame la Conseillère régionale",
            DISTINGUISHED),
    Quality("Conseiller général", "Monsieur le Conseiller général", "Madame la Conseillère générale",
            DISTINGUISHED),
    Quality("Conseiller municipal", "Monsieur le Conseiller municipal", "Madame la Conseillère municipale",
            DISTINGUISHED),
    Quality("Président d'intercommunalité", "Monsieur le Président", "Madame la Présidente", DISTINGUISHED),
    Quality("Président d'association", "Monsieur le Président", "Madame la Présidente", FEELINGS),
    Quality("Chef d'entreprise", "Monsieur le Directeur", "Madame la Directrice", FEELINGS),
    Quality("Chef d'établissement scolaire", "Monsieur le Principal", "Madame la Principale", FEELINGS),
    Quality("Bailleur, transporteur", "Monsieur le Directeur", "Madame la Directrice", FEELINGS),
    Quality("Autre", "Monsieur", "Madame", FEELINGS),
)
_FIRST, _LAST = 2, 1 + len(QUALITIES) + 20  # rows of the qualités, with room for the prefecture's own


@dataclass(frozen=True)
class GuestColumn:
    field: str  # the column's header, which is also the merge field's name (no space, no apostrophe)
    width: int
    help: str
    computed: bool = False


GUEST_COLUMNS: tuple[GuestColumn, ...] = (
    GuestColumn("Civilité", 11, "Madame ou Monsieur : choisissez dans la liste."),
    GuestColumn("Prénom", 14, "Le prénom de l'invité."),
    GuestColumn("Nom", 18, "Le nom de l'invité, tel qu'il l'écrit."),
    GuestColumn("Qualité", 28, "Choisissez dans la liste : elle donne la formule d'appel et la formule de "
                               "politesse. Autre qualité : ajoutez-la à la feuille « Qualités »."),
    GuestColumn("Fonction", 34, "Comme sur l'enveloppe : « Maire de Saint-Herblain », « Président de "
                                "l'association des commerçants »…"),
    GuestColumn("Organisme", 24, "Mairie, conseil général, association, entreprise… (facultatif)."),
    GuestColumn("Adresse", 34, "Numéro et voie, sur une ligne."),
    GuestColumn("Code_postal", 11, "Cinq chiffres."),
    GuestColumn("Commune", 20, "La commune de l'adresse."),
    GuestColumn("Formule_appel", 30, "Calculée d'après la qualité et la civilité : ne pas la taper. "
                                     "Pour ajouter un invité, recopiez vers le bas la dernière ligne remplie.",
                computed=True),
    GuestColumn("Formule_politesse", 60, "Calculée d'après la qualité et la civilité : ne pas la taper.",
                computed=True),
)
FIELDS = tuple(column.field for column in GUEST_COLUMNS)


def _letter(name: str) -> str:
    return chr(ord("A") + FIELDS.index(name))


def appel_formula(row: int) -> Formula:
    """« Monsieur le Maire »: the form of address for the guest of ``row``, from the « Qualités » sheet."""
    civ, qual = f"{_letter('Civilité')}{row}", f"{_letter('Qualité')}{row}"
    table_x = f"'{QUALITIES_SHEET}'!$A${_FIRST}:$D${_LAST}"
    keys_x = f"'{QUALITIES_SHEET}'!$A${_FIRST}:$A${_LAST}"
    table_o = f"$'{QUALITIES_SHEET}'.$A${_FIRST}:.$D${_LAST}"
    keys_o = f"$'{QUALITIES_SHEET}'.$A${_FIRST}:.$A${_LAST}"
    excel = (f'IF({civ}="","Madame, Monsieur",IF(ISNA(MATCH({qual},{keys_x},0)),{civ},'
             f'IF({civ}="Madame",VLOOKUP({qual},{table_x},3,0),VLOOKUP({qual},{table_x},2,0))))')
    open_formula = (f'IF([.{civ}]="";"Madame, Monsieur";IF(ISNA(MATCH([.{qual}];[{keys_o}];0));[.{civ}];'
                    f'IF([.{civ}]="Madame";VLOOKUP([.{qual}];[{table_o}];3;0);VLOOKUP([.{qual}];[{table_o}];2;0))))')
    return Formula(excel, open_formula)


def politesse_formula(row: int) -> Formula:
    """The closing formula, with the form of address of the same row and the regard due to the quality."""
    appel, qual = f"{_letter('Formule_appel')}{row}", f"{_letter('Qualité')}{row}"
    table_x = f"'{QUALITIES_SHEET}'!$A${_FIRST}:$D${_LAST}"
    keys_x = f"'{QUALITIES_SHEET}'!$A${_FIRST}:$A${_LAST}"
    table_o = f"$'{QUALITIES_SHEET}'.$A${_FIRST}:.$D${_LAST}"
    keys_o = f"$'{QUALITIES_SHEET}'.$A${_FIRST}:.$A${_LAST}"
    excel = (f'"Je vous prie d\'agréer, "&{appel}&", l\'expression de "&IF(ISNA(MATCH({qual},{keys_x},0)),'
             f'"{FEELINGS}",VLOOKUP({qual},{table_x},4,0))&"."')
    open_formula = (f'"Je vous prie d\'agréer, "&[.{appel}]&", l\'expression de "&IF(ISNA(MATCH([.{qual}];'
                    f'[{keys_o}];0));"{FEELINGS}";VLOOKUP([.{qual}];[{table_o}];4;0))&"."')
    return Formula(excel, open_formula)


# Three guests to show how the list is filled; the prefecture writes over them.
EXAMPLES: tuple[tuple[str, ...], ...] = (
    ("Monsieur", "[Prénom]", "[NOM]", "Maire", "Maire de [commune]", "Mairie", "[adresse]", "[code]", "[commune]"),
    ("Madame", "[Prénom]", "[NOM]", "Sénateur", "Sénatrice de [département]", "Sénat",
     "15, rue de Vaugirard", "75291", "Paris Cedex 06"),
    ("Madame", "[Prénom]", "[NOM]", "Président d'association", "Présidente de l'association [nom]",
     "Association [nom]", "[adresse]", "[code]", "[commune]"),
)


def guests_workbook(examples: tuple[tuple[str, ...], ...] = EXAMPLES) -> Workbook:
    """The guest list: one row per guest (``examples`` first), the qualités on their own sheet."""
    quality_list = Choices(name=QUALITIES_NAME)
    columns = [Column(c.field, c.width, help_title=c.field.replace("_", " "), help=c.help,
                      choices=(Choices(CIVILITES) if c.field == "Civilité" else
                               quality_list if c.field == "Qualité" else None))
               for c in GUEST_COLUMNS]
    rows: list[list[Value]] = [[*guest, appel_formula(row), politesse_formula(row)]
                               for row, guest in enumerate(examples, start=2)]
    guests = Sheet(GUESTS_SHEET, columns, rows, input_rows=500)
    qualities = Sheet(QUALITIES_SHEET, [
        Column("Qualité", 34, help="Ajoutez une qualité sur une ligne vide : elle apparaîtra dans la liste."),
        Column("Appel (Monsieur)", 32), Column("Appel (Madame)", 34),
        Column("L'expression de…", 30, help="La fin de la formule de politesse : « ma haute considération », "
                                           "« ma considération distinguée », « mes sentiments distingués »."),
    ], [[q.label, q.monsieur, q.madame, q.regard] for q in QUALITIES], input_rows=_LAST - 1)
    return Workbook([guests, qualities], [NamedRange(QUALITIES_NAME, QUALITIES_SHEET, 0, _FIRST, _LAST)],
                    title="Forums sécurité 2009 : liste des invités (publipostage)")


def guests_xlsx() -> bytes:
    return to_xlsx(guests_workbook())


def guests_ods() -> bytes:
    return to_ods(guests_workbook())


# The letter ---------------------------------------------------------------------------------------------
# A paragraph is a list of pieces: text, ("field", "[à remplir]") or ("merge", "Nom").
Piece = str | tuple[str, str]


@dataclass(frozen=True)
class Para:
    pieces: tuple[Piece, ...]
    kind: str = "body"  # "body", "head", "right", "address", "signature", "subject"


def _p(*pieces: Piece, kind: str = "body") -> Para:
    """A paragraph, its text with French no-break spaces (before « : », inside « »)."""
    typeset: list[Piece] = []
    before = ""
    for piece in pieces:
        if isinstance(piece, str):
            piece = french_text(piece, before)
            before = piece or before
        else:
            before = piece[1]
        typeset.append(piece)
    return Para(tuple(typeset), kind)


def F(text: str) -> tuple[str, str]:  # a field to fill, in the letter below
    return ("field", text)


def M(name: str) -> tuple[str, str]:  # a merge field
    assert name in FIELDS, name
    return ("merge", name)


LETTER: tuple[Para, ...] = (
    _p("PRÉFECTURE ", F("[DE LA LOIRE-ATLANTIQUE / DU CALVADOS / DE L'AIN : le département avec son article]"),
       kind="head"),
    _p("Cabinet du préfet", kind="head"),
    _p("Affaire suivie par : ", F("[prénom et nom]"), ", ", F("[téléphone]"), ", ", F("[courriel]"), kind="head"),
    _p(F("[Ville]"), ", le ", F("[date]"), kind="right"),
    _p(M("Civilité"), " ", M("Prénom"), " ", M("Nom"), kind="address"),
    _p(M("Fonction"), kind="address"),
    _p(M("Organisme"), kind="address"),
    _p(M("Adresse"), kind="address"),
    _p(M("Code_postal"), " ", M("Commune"), kind="address"),
    _p("Objet : forum « Vos libertés, votre sécurité : parlons-en ensemble » du ", F("[date du forum]"),
       kind="subject"),
    _p(M("Formule_appel"), ","),
    _p("Le ministre de l'Intérieur, de l'Outre-mer et des Collectivités territoriales souhaite créer les "
       "conditions d'un rapprochement et d'une meilleure compréhension réciproque entre la population et les "
       "services de sécurité intérieure, police et gendarmerie. Des forums se tiennent à cette fin dans toute "
       "la France, entre le 16 mars et le 18 mai 2009, pour présenter les missions et les modes d'action des "
       "forces de sécurité, et pour écouter les attentes et les besoins de nos concitoyens et répondre à leurs "
       "questions."),
    _p("J'ai le plaisir de vous inviter au forum qui se tiendra le ", F("[jour et date]"), " à ", F("[heure]"),
       ", à ", F("[salle, adresse, commune]"), ", pour ", F("[les cantons de … / la communauté de communes de …]"),
       "."),
    _p("Animé par ", F("[prénom et nom, sous-préfet de … / directeur de cabinet / secrétaire général]"),
       ", ce forum réunira les responsables de la police et de la gendarmerie de ", F("[territoire]"),
       " et les élus du territoire. Il est ouvert au public. Deux thèmes y seront abordés : « la sécurité, "
       "un devoir vis-à-vis de nos concitoyens » et « la sécurité, une responsabilité partagée »."),
    _p("Les avis et les propositions exprimés lors de ce forum nourriront la synthèse que je transmettrai au "
       "ministère, en vue des Assises nationales de la sécurité intérieure."),
    _p("Accessibilité : ", F("[ce que la salle offre vraiment : accès de plain-pied ou par une rampe / boucle "
                             "magnétique / interprète en langue des signes française / documents en gros "
                             "caractères et en facile à lire et à comprendre ; supprimez ce qui n'est pas prévu]"),
       ". Si vous avez besoin d'un aménagement pour participer, je vous remercie de le signaler avant le ",
       F("[date]"), " auprès de ", F("[service]"), ", au ", F("[téléphone]"), " ou à l'adresse ", F("[courriel]"),
       "."),
    _p("Je vous serais obligé de bien vouloir confirmer votre présence avant le ", F("[date de réponse]"),
       " auprès de ", F("[service]"), ", au ", F("[téléphone]"), " ou à l'adresse ", F("[courriel]"), "."),
    _p(M("Formule_politesse")),
    _p("Le préfet,", kind="signature"),
    _p(F("[signature]"), kind="signature"),
    _p(F("[prénom et nom du préfet]"), kind="signature"),
)


def merge_fields() -> list[str]:
    """The merge fields of the letter, in order."""
    return [name for para in LETTER for kind, name in (p for p in para.pieces if isinstance(p, tuple))
            if kind == "merge"]


# DOCX ---------------------------------------------------------------------------------------------------

def _docx_merge_field(paragraph: Paragraph, name: str) -> None:
    """A MERGEFIELD, as Word writes a simple field: its result shows the field's name in « »."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" MERGEFIELD {name} \\* MERGEFORMAT ")
    run = OxmlElement("w:r")
    r_pr = OxmlElement("w:rPr")
    r_pr.append(OxmlElement("w:noProof"))
    run.append(r_pr)
    text = OxmlElement("w:t")
    text.text = f"«{name}»"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def render_letter_docx() -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    highlight = docx_french.field_style(document)
    for para in LETTER:
        paragraph = document.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.space_after = Pt(0 if para.kind in ("head", "address") else 8)
        if para.kind == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif para.kind in ("address", "signature"):
            fmt.left_indent = Cm(9)
        elif para.kind == "body":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if para.kind == "address" and para is LETTER[4]:
            fmt.space_before = Pt(24)
        if para.kind == "subject":
            fmt.space_before = Pt(18)
            fmt.space_after = Pt(18)
        for piece in para.pieces:
            if isinstance(piece, str):
                run = paragraph.add_run(piece)
                run.bold = para.kind in ("head", "subject") and piece.startswith(("PRÉFECTURE", "Objet"))
            elif piece[0] == "field":
                # The style names the field in Word; LibreOffice shows a highlight only when the run has it.
                paragraph.add_run(piece[1], style=highlight).font.highlight_color = WD_COLOR_INDEX.YELLOW
            else:
                _docx_merge_field(paragraph, piece[1])
    core = document.core_properties
    core.title, core.author, core.language = "Lettre d'invitation à un forum (publipostage)", AUTHOR, "fr-FR"
    core.created = core.modified = datetime(2009, 2, 26)
    core.revision = 1
    docx_french.make_french(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return without_clock(buffer.getvalue())


# ODT ----------------------------------------------------------------------------------------------------

_ODT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
           'xmlns:dc="http://purl.org/dc/elements/1.1/" '
           'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"')
_ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"
_ODT_STYLES = {"body": "Corps", "head": "En-tete_20_lettre", "right": "Date_20_lettre",
               "address": "Destinataire", "signature": "Signature_20_lettre", "subject": "Objet"}


def _odt_piece(piece: Piece) -> str:
    if isinstance(piece, str):
        return escape(piece)
    kind, value = piece
    if kind == "field":
        return f'<text:span text:style-name="Champ_20_a_20_remplir">{escape(value)}</text:span>'
    # As OpenOffice.org writes a mail-merge field: bound to a table of a registered data source.
    return (f'<text:database-display text:table-name={quoteattr(GUESTS_SHEET)} text:table-type="table" '
            f'text:column-name={quoteattr(value)} text:database-name="{GUESTS_SLUG}">'
            f"&lt;{escape(value)}&gt;</text:database-display>")


def render_letter_odt() -> bytes:
    body = "".join(f'<text:p text:style-name="{_ODT_STYLES[para.kind]}">'
                   + "".join(_odt_piece(piece) for piece in para.pieces) + "</text:p>" for para in LETTER)
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODT_NS} office:version="1.2">'
               "<office:body><office:text>"
               # The data source the fields come from, as OpenOffice.org records it.
               f'<text:variable-decls/>{body}</office:text></office:body></office:document-content>')

    def paragraph_style(name: str, display: str, properties: str, text: str = "") -> str:
        return (f'<style:style style:name="{name}" style:display-name={quoteattr(display)} style:family="paragraph" '
                f'style:parent-style-name="Standard"><style:paragraph-properties {properties}/>{text}</style:style>')

    styles = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_ODT_NS} office:version="1.2">'
        "<office:styles>"
        '<style:default-style style:family="paragraph"><style:text-properties style:font-name="Arial" '
        'fo:font-family="Arial" fo:font-size="11pt" fo:language="fr" fo:country="FR"/></style:default-style>'
        '<style:style style:name="Standard" style:family="paragraph" style:class="text"/>'
        + paragraph_style("Corps", "Corps de lettre", 'fo:margin-bottom="0.28cm" fo:text-align="justify"')
        + paragraph_style("En-tete_20_lettre", "En-tête de lettre", 'fo:margin-bottom="0cm"',
                          '<style:text-properties fo:font-weight="bold"/>')
        + paragraph_style("Date_20_lettre", "Date de lettre", 'fo:margin-top="0.5cm" fo:text-align="end"')
        + paragraph_style("Destinataire", "Destinataire", 'fo:margin-left="9cm" fo:margin-bottom="0cm"')
        + paragraph_style("Objet", "Objet", 'fo:margin-top="0.6cm" fo:margin-bottom="0.6cm"',
                          '<style:text-properties fo:font-weight="bold"/>')
        + paragraph_style("Signature_20_lettre", "Signature", 'fo:margin-left="9cm" fo:margin-bottom="0.2cm"')
        + '<style:style style:name="Champ_20_a_20_remplir" style:display-name="Champ à remplir" '
          'style:family="text"><style:text-properties fo:background-color="#ffff00"/></style:style>'
        "</office:styles><office:automatic-styles>"
        '<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" '
        'fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="2.5cm" '
        'fo:margin-right="2.5cm"/></style:page-layout></office:automatic-styles>'
        '<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"/>'
        "</office:master-styles></office:document-styles>")
    meta = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {_ODT_NS} office:version="1.2">'
            "<office:meta><dc:title>Lettre d'invitation à un forum (publipostage)</dc:title>"
            f"<dc:language>fr-FR</dc:language><meta:initial-creator>{escape(AUTHOR)}</meta:initial-creator>"
            "<meta:creation-date>2009-02-26T00:00:00</meta:creation-date></office:meta></office:document-meta>")
    # The data source the letter is bound to, as OpenOffice.org records it in the settings.
    settings = ('<?xml version="1.0" encoding="UTF-8"?><office:document-settings '
                'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" office:version="1.2">'
                '<office:settings><config:config-item-set config:name="ooo:configuration-settings">'
                f'<config:config-item config:name="CurrentDatabaseDataSource" config:type="string">{GUESTS_SLUG}'
                "</config:config-item>"
                '<config:config-item config:name="CurrentDatabaseCommand" config:type="string">'
                f"{escape(GUESTS_SHEET)}</config:config-item>"
                '<config:config-item config:name="CurrentDatabaseCommandType" config:type="int">0'
                "</config:config-item></config:config-item-set></office:settings></office:document-settings>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                f'<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
                f'manifest:media-type="{_ODT_MIMETYPE}"/>'
                + "".join(f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type="text/xml"/>'
                          for name in ("content.xml", "styles.xml", "meta.xml", "settings.xml"))
                + "</manifest:manifest>")
    out = io.BytesIO()
    date = (2009, 2, 26, 0, 0, 0)
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype", date), _ODT_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        for name, text in (("content.xml", content), ("styles.xml", styles), ("meta.xml", meta),
                           ("settings.xml", settings), ("META-INF/manifest.xml", manifest)):
            archive.writestr(zipfile.ZipInfo(name, date), text.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
