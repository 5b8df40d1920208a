"""Each forum's documents: which ones, under which names, and the « Préparer un forum » page's tools.

The documents themselves are the kit's blank templates (pages of the site,
with their PDF, ODT and DOCX files); the « Préparer un forum » page fills them
in the reader's browser with the facts of one forum (:mod:`kit.documents.facts`).
Nothing here is made per forum at build time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape

from kit.documents.publipostage import LETTER_SLUG
from kit.documents.registry import OUTPUT_DIR, document_for
from kit.i18n import STRINGS

PREPARER_PAGES = ("preparer.md", "preparer.en.md")
# Where the page's tools go, in preparer.md and preparer.en.md.
PLACEHOLDER = '<div class="kit-preparer" data-kit-preparer-ici></div>'


@dataclass(frozen=True)
class ForumDocument:
    """One of a forum's documents."""

    slug: str  # in the page's address: preparer/?dep=44&forum=…&doc=affiche
    name: str  # « Affiche », the start of each link's name: « Affiche du forum du … »
    src_uri: str  # the blank template, a page of the kit
    withdrawn_name: str = ""  # its name for a cancelled or postponed forum, if it changes
    withdrawn_src_uri: str = ""  # and the template that takes its place then
    # The files (ODT, DOCX) when they are not the page's own, under documents/: the mail-merge letter, whose
    # page is the one that says how to merge it.
    file_slug: str = ""

    @property
    def printable(self) -> bool:
        """Whether the page shown is the document itself (printed as it is), not the way to use its files."""
        return not self.file_slug


FORUM_DOCUMENTS: tuple[ForumDocument, ...] = (
    ForumDocument("affiche", "Affiche", "forum/affiche.md", "Avis d'annulation ou de report", "forum/avis.md"),
    ForumDocument("communique", "Communiqué de presse", "forum/communique.md"),
    ForumDocument("invitation-presse", "Invitation de la presse", "forum/invitation-presse.md"),
    ForumDocument("invitation", "Invitation", "modeles/invitation.md"),
    ForumDocument("invitation-publipostage", "Invitation à fusionner", "publipostage.md", file_slug=LETTER_SLUG),
    ForumDocument("compte-rendu", "Compte rendu", "modeles/compte-rendu.md"),
    ForumDocument("emargement", "Feuille d'émargement", "forum/emargement.md"),
    ForumDocument("cartes-questions", "Cartes pour les questions écrites", "forum/cartes-questions.md"),
    ForumDocument("comptage", "Fiche de comptage", "forum/comptage.md"),
)


def page_url(src_uri: str, directory_urls: bool = True) -> str:
    """The site address of the page ``src_uri``, from the site's root: « forum/affiche/ »."""
    stem = src_uri.removesuffix(".md")
    return f"{stem}/" if directory_urls else f"{stem}.html"


def preparer_html(lang: str, root: str, directory_urls: bool = True) -> str:
    """The tools of the « Préparer un forum » page; ``root`` leads from the page to the site's root.

    Without JavaScript only the list of blank documents shows; preparer.js fills a
    forum's documents when the address names one (``?dep=…&forum=…&doc=…``).
    """
    strings = STRINGS[lang]
    def files(src_uri: str, file_slug: str = "") -> dict[str, str]:
        """Where the page and the files (without their suffix) of the template ``src_uri`` are."""
        if not src_uri:
            return {}
        kit_doc = document_for(src_uri)
        slug = file_slug or (kit_doc.slug if kit_doc is not None else "")
        return {"page": root + page_url(src_uri, directory_urls),
                "fichier": f"{root}{OUTPUT_DIR}/{slug}" if slug else ""}

    documents: list[dict[str, str | bool]] = []
    blank_pages = []
    for doc in FORUM_DOCUMENTS:
        own, withdrawn = files(doc.src_uri, doc.file_slug), files(doc.withdrawn_src_uri)
        documents.append({"slug": doc.slug, "nom": doc.name, "retire": doc.withdrawn_name, **own,
                          **({} if doc.printable else {"fusion": True}),
                          **{f"retire_{key}": value for key, value in withdrawn.items()}})
        blank_pages.append((doc.name, own["page"]))
        if withdrawn:
            blank_pages.append((doc.withdrawn_name, withdrawn["page"]))
    messages = {key.removeprefix("preparer_"): value for key, value in strings.items() if key.startswith("preparer_")}
    # The documents are in French, whatever the page's language.
    french = ' lang="fr"' if lang != "fr" else ""
    blank = "".join(f'<li><a href="{escape(page)}"{french}>{escape(name)}</a></li>' for name, page in blank_pages)
    return (
        f'<div class="kit-preparer" data-kit-preparer data-racine="{escape(root)}" '
        f"data-documents='{escape(json.dumps(documents, ensure_ascii=False))}' "
        f"data-messages='{escape(json.dumps(messages, ensure_ascii=False))}'>"
        f'<link rel="stylesheet" href="{escape(root)}assets/stylesheets/preparer.css">'
        '<div class="kit-preparer__outils" data-kit-preparer-outils hidden>'
        '<h2 id="kit-preparer-titre" data-kit-preparer-titre></h2>'
        f'<nav aria-labelledby="kit-preparer-titre"><ul class="kit-preparer__liste" data-kit-preparer-liste></ul></nav>'
        f'<fieldset class="kit-preparer__format" data-kit-preparer-format hidden><legend>{strings["preparer_format"]}'
        '</legend><label><input type="radio" name="kit-format" value="a4" checked> A4</label> '
        '<label><input type="radio" name="kit-format" value="a3"> A3</label></fieldset>'
        '<p class="kit-preparer__actions">'
        f'<button type="button" class="md-button md-button--primary" data-kit-preparer-imprimer>'
        f'{strings["preparer_print"]}</button> '
        f'<button type="button" class="md-button" data-kit-preparer-odt>{strings["preparer_odt"]}</button> '
        f'<button type="button" class="md-button" data-kit-preparer-docx>{strings["preparer_docx"]}</button></p>'
        '</div>'
        '<p class="kit-preparer__etat" role="status" data-kit-preparer-etat></p>'
        '<div class="kit-preparer__document" data-kit-preparer-document></div>'
        f'<div class="kit-preparer__vierges"><h2 id="kit-preparer-vierges">{strings["preparer_blank"]}</h2>'
        f'<ul>{blank}</ul></div>'
        f'<script src="{escape(root)}assets/javascripts/preparer.js" defer></script>'
        '</div>'
    )
