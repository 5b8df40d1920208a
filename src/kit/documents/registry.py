"""The documents to take away: which pages, under which names, and the files a page offers."""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html

from kit.i18n import human_size

# Bump when the way documents are made changes, so that cached files are redone.
FORMAT_VERSION = "4"
STATE = "République française"
MINISTRY = "Ministère de l'Intérieur, de l'Outre-mer et des Collectivités territoriales"
KIT_TITLE = "Vos libertés, votre sécurité : parlons-en ensemble"
KIT_SUBTITLE = "Kit des forums de la sécurité intérieure – 2009"
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
    editable: bool = False  # also offered as DOCX and ODT, to fill in
    paper: str = "A4"  # the PDF's page size: "A4", or "A3" for a poster
    blank: bool = False  # its [fields] highlighted, like a template's, though offered as PDF only

    @property
    def has_fields(self) -> bool:
        return self.editable or self.blank


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
    KitDocument("modeles/annonce-falc.md", "modele-annonce-falc",
                "le modèle d'annonce en facile à lire et à comprendre", "modeles", editable=True),
    # Each forum's documents: blank here, filled from the calendar by the « Préparer un forum » page.
    KitDocument("forum/affiche.md", "affiche-forum", "l'affiche d'un forum", "forum", editable=True),
    KitDocument("forum/affiche-a3.md", "affiche-forum-a3", "l'affiche d'un forum au format A3", "forum",
                paper="A3", blank=True),
    KitDocument("forum/avis.md", "avis-annulation-report-forum", "l'avis d'annulation ou de report d'un forum",
                "forum", editable=True),
    KitDocument("forum/communique.md", "communique-presse-forum", "le communiqué de presse d'un forum", "forum",
                editable=True),
    KitDocument("forum/invitation-presse.md", "invitation-presse-forum", "l'invitation de la presse", "forum",
                editable=True),
    KitDocument("forum/emargement.md", "feuille-emargement-forum", "la feuille d'émargement", "forum",
                editable=True),
    KitDocument("forum/cartes-questions.md", "cartes-questions-ecrites", "les cartes pour les questions écrites",
                "forum", editable=True),
    KitDocument("forum/comptage.md", "fiche-comptage-forum", "la fiche de comptage", "forum", editable=True),
)
# Files made from code rather than from a page: the mail merge and the calendar template. Each is listed
# on « Documents à imprimer » in its group, and on the page that explains it (``page``).
@dataclass(frozen=True)
class MadeFile:
    slug: str  # file name without extension, under documents/
    title: str  # the row's title in the lists
    label: str  # « Télécharger {label} (XLSX, 12 Ko) »
    group: str
    page: str  # the Markdown page that explains it
    suffixes: tuple[str, ...]


MADE_FILES: tuple[MadeFile, ...] = (
    MadeFile("liste-des-invites", "Liste des invités (publipostage)", "la liste des invités", "publipostage",
             "publipostage.md", ("xlsx", "ods")),
    MadeFile("invitation-publipostage", "Lettre d'invitation à fusionner (publipostage)",
             "la lettre d'invitation à fusionner", "publipostage", "publipostage.md", ("docx", "odt")),
    MadeFile("modele-calendrier-forums", "Modèle de calendrier à envoyer à la DICOM",
             "le modèle de calendrier", "envoi-calendrier", "envoi-calendrier.md", ("xlsx", "ods")),
)
MADE_GROUPS = frozenset(made.group for made in MADE_FILES)


WHOLE_KIT_SLUG = "kit-complet-forums-securite-2009"
WHOLE_KIT_LABEL = "le kit complet"
FORMATS = {"pdf": "PDF", "docx": "DOCX", "odt": "ODT", "xlsx": "XLSX", "ods": "ODS"}


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


def plain_title(text: str) -> str:
    """Text of a title that may hold HTML (entities, tags)."""
    if "<" not in text and "&" not in text:
        return text
    return lxml.html.fragment_fromstring(text, create_parent="span").text_content()
