"""Languages of the kit: French pages (``page.md``) and their English versions (``page.en.md``).

Pure helpers used by the kit-i18n plugin (``kit.site.i18n``) to put right, around the
mkdocs-i18n 0.4.6 plugin, what it gets wrong: the list of links it writes
above every H1, the language links of untranslated pages, the interface
strings of English pages.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from html import escape as html_escape

DEFAULT_LANGUAGE = "fr"
LANGUAGE_NAMES: dict[str, str] = {"fr": "Français", "en": "English"}

# mkdocs-i18n 0.4.6 prepends, for each other language, either
#   - [English](../lettre.en/)
#   {: .i18n-link .i18n-link-found .i18n-link-en }
# or, when ``no_translation`` is configured,
#   - English: text
#   {: .i18n-link .i18n-link-not-found .i18n-link-en }
# then a blank line before the page's own Markdown.
_INJECTED_ITEM = re.compile(r"- [^\n]*\n\{: \.i18n-link [^\n]*\}\n")
_INJECTED_END = re.compile(r"\n\n")

# Interface strings that Material does not translate, per language: for Python and, through the
# kit-i18n plugin's ``kit_strings()``, for the templates (overrides/), which print them as HTML.
STRINGS: dict[str, dict[str, str]] = {
    "fr": {
        "switch_label": "Langue de la page",
        "untranslated_home": "page d'accueil\u00a0: cette page n'est pas traduite",
        "untranslated": "cette page n'est pas traduite",
        # Names of the links Markdown writes (kit.html.theme_markup): heading permalinks, footnote calls
        # and back-links. Markdown's own titles (toc, footnotes) are replaced on every page.
        "permalink_title": "Lien vers cette section",
        "footnote_ref": "Note {n}",
        "footnote_back": "Revenir à l'appel de note {n}",
        "updated": "Page de cette édition du kit mise à jour le",
        # Before the date of the page, on an official text and its translation (overrides/partials/source-file.html).
        "official_dated": 'Texte officiel daté du <time datetime="2009-02-26">26&nbsp;février 2009</time>.',
        "changed_in": "Modifié dans la version {version}",
        "new_in": "Nouveau dans la version {version}",
        "changelog": "nouveautes.md",
        "separator": "\u00a0: ",
        "outdated": "Vous consultez une ancienne version du kit ({version}).",
        "outdated_link": "Aller à la dernière version",
        "footer_label": "À propos du site",
        "shortcuts_switch": "Raccourcis clavier à une touche (n, p, s, f, /)",
        "accessibility": "Accessibilité&nbsp;: partiellement conforme",
        "accessibility_in_french": "Accessibilité&nbsp;: partiellement conforme",
        "letter_header": "En-tête de la lettre",
        "letter_reference": "Réf. :",
        "letter_to": "à",
        "letter_subject": "Objet :",
        "letter_enclosures": "Pièces jointes :",
        "letter_date": ", le",
        # Where the page's text comes from (overrides/partials/kit-provenance.html), by the front
        # matter's « provenance: ». The label is bold; the detail follows it in the same sentence.
        "provenance_officiel_label": "Texte officiel du 26&nbsp;février 2009",
        "provenance_officiel_detail": (", reproduit mot pour mot, tel que le ministère l'a diffusé aux préfets. "
                                       "Les encadrés «&nbsp;Note de l'édition&nbsp;» sont ajoutés par cette "
                                       "édition du kit."),
        "provenance_traduction_label": "Traduction rédigée pour cette édition du kit",
        "provenance_traduction_detail": (". L'original est l'un des textes officiels du ministère du "
                                         "26&nbsp;février 2009, et seul ce texte original fait foi."),
        "provenance_edition_label": "Rédigé pour cette édition du kit",
        "provenance_edition_detail": ("&nbsp;: ce n'est pas un texte officiel du 26&nbsp;février 2009. "
                                      "Les passages cités de ces textes sont entre guillemets, avec leur source."),
        # The « Films » page (kit.films.catalogue).
        # The download buttons of a kit document (overrides/partials/kit-documents.html), before its label.
        "download": "Télécharger",
        "film_theme": "Thème",
        "film_duration": "Durée",
        "film_transcript": "Transcription du film",
        "film_download": "Télécharger le film",
        "film_download_ad": "Télécharger la version audiodécrite",
        "film_download_captions": "Télécharger les sous-titres",
        "film_ad": "Version audiodécrite",
        "film_ad_intro": "Le même film, avec la description des images dite entre les dialogues.",
        "film_fallback": "Votre navigateur ne lit pas cette vidéo\u00a0: téléchargez le film avec le lien ci-dessous.",
        "film_label": "Français",
        "preparer_documents": "Documents du forum",
        "preparer_blank": "Les documents à remplir à la main",
        "preparer_format": "Format de l'affiche",
        "preparer_print": "Imprimer",
        # The page's title once a forum is filled: that of the printed PDF, and its file name.
        "preparer_title": "{document} du {forum}",
        "preparer_odt": "Télécharger pour LibreOffice ou OpenOffice.org (ODT)",
        "preparer_docx": "Télécharger pour Word (DOCX)",
        "preparer_loading": "Préparation des documents du forum…",
        "preparer_not_found": ("Ce forum ne figure pas au calendrier de cette version du kit\u00a0: ouvrez la page de "
                               "son département depuis le calendrier des forums."),
        "preparer_failed": ("Les données du forum n'ont pas pu être lues. Rechargez la page ; si le problème "
                            "persiste, utilisez les documents à remplir ci-dessous."),
        "preparer_withdrawn": "Attention\u00a0: ce forum est {statut}. L'affiche est remplacée par un avis.",
        "preparer_fields": "Les passages surlignés restent à remplir\u00a0: le calendrier ne les connaît pas.",
        "preparer_merge": ("Les deux fichiers ci-dessus sont la lettre à fusionner de ce forum, déjà remplie avec ce "
                           "que le calendrier en sait\u00a0; l'adresse, la formule d'appel et la formule de politesse "
                           "de chaque invité restent des champs de fusion. Complétez les passages surlignés, puis "
                           "fusionnez-la avec la liste des invités comme l'explique la suite de cette page."),
        "preparer_download_failed": ("Ce navigateur n'a pas pu remplir le fichier\u00a0: imprimez le document "
                                     "depuis cette page, ou téléchargez le document à remplir ci-dessous."),
        "films_none": ("Aucun film n'est encore publié sur cette page\u00a0: les films du kit y paraîtront dès que la "
                       "DICOM les aura reçus, chacun avec ses sous-titres, sa transcription et un lien pour le "
                       "télécharger."),
    },
    "en": {
        "switch_label": "Page language",
        "untranslated_home": "home page: this page is not translated",
        "untranslated": "this page is not translated",
        "permalink_title": "Link to this section",
        "footnote_ref": "Note {n}",
        "footnote_back": "Back to note {n} in the text",
        "updated": "Page of this edition of the kit last updated on",
        "official_dated": 'Original French text dated <time datetime="2009-02-26">26 February 2009</time>.',
        "changed_in": "Changed in version {version}",
        "new_in": "New in version {version}",
        "changelog": "nouveautes.en.md",
        "separator": ": ",
        "outdated": "You are reading an older version of the kit ({version}).",
        "outdated_link": "Go to the latest version",
        "footer_label": "About this site",
        "shortcuts_switch": "Single-key shortcuts (n, p, s, f, /)",
        "accessibility": "Accessibility: partially compliant",
        "accessibility_in_french": "Accessibility: partially compliant (statement in French)",
        "letter_header": "Letter header",
        "letter_reference": "Ref.:",
        "letter_to": "to",
        "letter_subject": "Subject:",
        "letter_enclosures": "Enclosures:",
        "letter_date": ",",
        "provenance_officiel_label": "Official text of 26 February 2009",
        "provenance_officiel_detail": (", reproduced word for word, as the ministry sent it to the prefects. "
                                       "The “editor’s note” boxes are added by this edition of the kit."),
        "provenance_traduction_label": "Translation written for this edition of the kit",
        "provenance_traduction_detail": (". The original is one of the ministry’s official French texts of "
                                         "26 February 2009, and only the French text is authoritative."),
        "provenance_edition_label": "Written for this edition of the kit",
        "provenance_edition_detail": (": not one of the ministry’s texts of 26 February 2009. Passages quoted "
                                      "from those texts are in quotation marks, with their source."),
        "download": "Download",
        "film_theme": "Theme",
        "film_duration": "Length",
        "film_transcript": "Transcript of the film (in French)",
        "film_download": "Download the film",
        "film_download_ad": "Download the audio-described version",
        "film_download_captions": "Download the captions",
        "film_ad": "Audio-described version",
        "film_ad_intro": "The same film, with the pictures described between the lines of dialogue.",
        "film_fallback": "Your browser cannot play this video: download the film with the link below.",
        "film_label": "French",
        "preparer_documents": "The forum's documents",
        "preparer_blank": "The documents to fill in by hand",
        "preparer_format": "Poster size",
        "preparer_print": "Print",
        "preparer_title": "{document} du {forum} (in French)",
        "preparer_odt": "Download for LibreOffice or OpenOffice.org (ODT)",
        "preparer_docx": "Download for Word (DOCX)",
        "preparer_loading": "Preparing the forum's documents…",
        "preparer_not_found": ("This forum is not in the calendar of this version of the kit: open its "
                               "département's page from the forum calendar."),
        "preparer_failed": ("The forum's data could not be read. Reload the page; if the problem persists, use "
                            "the documents to fill in below."),
        "preparer_withdrawn": "Please note: this forum is {statut}. The poster is replaced by a notice.",
        "preparer_fields": "The highlighted passages are still to fill in: the calendar does not know them.",
        "preparer_merge": ("The two files above are this forum's letter to merge, already filled in with what the "
                           "calendar knows; each guest's address, form of address and closing formula stay merge "
                           "fields. Fill in the highlighted passages, then merge it with the guest list as the rest "
                           "of this page explains (in French)."),
        "preparer_download_failed": ("This browser could not fill in the file: print the document from this "
                                     "page, or download the document to fill in below."),
        "films_none": ("No film is published on this page yet: the kit’s films will appear here as soon as the "
                       "DICOM receives them, each with its captions, its transcript and a link to download it."),
    },
}


# A file's size, the way each language writes it (« 1,2 Mo », "1.2 MB").
SIZE_UNITS = {"fr": ("octets", "Ko", "Mo", "Go"), "en": ("bytes", "KB", "MB", "GB")}


def human_size(size: int, lang: str = "fr") -> str:
    """A file size as a reader reads it: « 840 octets », « 84 Ko », « 1,2 Mo » (« 84 KB » in English)."""
    units = SIZE_UNITS[lang]
    if size < 1024:
        return f"{size}\u00a0{units[0]}"
    kib = size / 1024
    if kib < 1000:
        return f"{max(1, round(kib))}\u00a0{units[1]}"
    value, unit = kib / 1024, 2
    if value >= 1000:
        value, unit = value / 1024, 3
    text = f"{value:.1f}".removesuffix(".0")
    return f"{text.replace('.', ',') if lang == 'fr' else text}\u00a0{units[unit]}"


def language_of(src_uri: str) -> str:
    """The language of a Markdown source: ``en`` for ``*.en.md``, French otherwise."""
    stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
    suffix = stem.rsplit(".", 1)[-1] if "." in posixpath.basename(stem) else ""
    return suffix if suffix in LANGUAGE_NAMES and suffix != DEFAULT_LANGUAGE else DEFAULT_LANGUAGE


def base_source(src_uri: str) -> str:
    """The French source of a page: ``lettre.en.md`` -> ``lettre.md``."""
    lang = language_of(src_uri)
    if lang == DEFAULT_LANGUAGE:
        return src_uri
    return src_uri[: -len(f".{lang}.md")] + ".md"


def source_in(src_uri: str, lang: str) -> str:
    """The source of the same page in ``lang``: ``lettre.md`` -> ``lettre.en.md``."""
    base = base_source(src_uri)
    if lang == DEFAULT_LANGUAGE:
        return base
    return base[: -len(".md")] + f".{lang}.md"


def home_source(lang: str) -> str:
    """The home page of a language: ``index.md`` or ``index.en.md``."""
    return source_in("index.md", lang)


def strip_injected_links(markdown: str) -> str:
    """Remove the list of language links that mkdocs-i18n puts before the page's Markdown.

    The plugin's list would otherwise come before the H1 (so MkDocs takes the
    file name as title), land in the search index and use links that strict
    mode rejects. Markdown that does not start with that list is returned as is.
    """
    pos = 0
    while match := _INJECTED_ITEM.match(markdown, pos):
        pos = match.end()
    # The plugin always writes "\n\n" after its (possibly empty) list.
    end = _INJECTED_END.match(markdown, pos)
    if end is None:
        return markdown
    return markdown[end.end():]


def relative_url(target: str, current: str) -> str:
    """URL of the page served at ``target`` seen from the page served at ``current``.

    Both are MkDocs page URLs (``""``, ``"lettre/"``, ``"calendrier/ain/"``);
    the result is always relative, so it works under any sub-path and version.
    """
    if target == current:
        return "./"
    return "../" * current.count("/") + target or "./"


@dataclass(frozen=True)
class LanguageLink:
    """One entry of the language switch of a page."""

    lang: str
    name: str
    href: str
    current: bool
    translated: bool
    # Said in the target language when the link leads to its home page instead.
    note: str | None = None


def language_links(src_uri: str, page_url: str, urls: dict[str, str]) -> list[LanguageLink]:
    """The language switch of the page ``src_uri`` served at ``page_url``.

    ``urls`` maps every page source (``lettre.en.md``) to its URL. A language
    in which the page has no version links to that language's home page (or,
    without one, to the page itself): the link never leads to a missing page.
    """
    current = language_of(src_uri)
    links: list[LanguageLink] = []
    for lang, name in LANGUAGE_NAMES.items():
        if lang == current:
            links.append(LanguageLink(lang, name, relative_url(page_url, page_url), True, True))
            continue
        target = urls.get(source_in(src_uri, lang))
        note = None
        if target is None:
            home = urls.get(home_source(lang))
            target = page_url if home is None else home
            note = STRINGS[lang]["untranslated" if home is None else "untranslated_home"]
        translated = note is None
        links.append(LanguageLink(lang, name, relative_url(target, page_url), False, translated, note))
    return links


def alternate_links(src_uri: str, urls: dict[str, str]) -> dict[str, str]:
    """Site-relative links for Material's language selector (``extra.alternate``).

    Same rule as :func:`language_links`, in the form the theme's ``url`` filter
    expects (``lettre.en/``, ``""`` for the home page).
    """
    page_url = urls.get(src_uri, "")
    result: dict[str, str] = {}
    for lang in LANGUAGE_NAMES:
        target = urls.get(source_in(src_uri, lang))
        if target is None:
            target = urls.get(home_source(lang), page_url)
        result[lang] = target
    return result


_HEAD_ALTERNATE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')


def drop_head_alternates(html: str) -> str:
    """Remove the ``<link rel="alternate" hreflang>`` tags Material puts in the head.

    Material's script fetches ``sitemap.xml`` beside each of them, expecting one
    folder per language; here both languages share one folder and the links
    point at pages, so every page view made two requests answered 404. The
    visible language switch and Material's selector keep the per-page links.
    """
    head_end = html.find("</head>")
    if head_end < 0:
        return html
    return _HEAD_ALTERNATE.sub("", html[:head_end]) + html[head_end:]


_ABBR_DEFINITION = re.compile(r"^\*\[([^\]]+)\]:\s*(.+?)\s*$", re.M)
_ABBR = re.compile(r'<abbr title="[^"]*">([^<]+)</abbr>')


def read_abbreviations(text: str) -> dict[str, str]:
    """The ``*[SIGLE]: expansion`` lines of an abbreviations file, as a table."""
    return {match.group(1): match.group(2) for match in _ABBR_DEFINITION.finditer(text)}


def translate_abbreviations(html: str, expansions: dict[str, str]) -> str:
    """Give the tooltips of an English page their English expansion.

    Markdown's abbr extension gives every page the French expansions
    (includes/abbreviations.md); on English pages each ``<abbr>`` takes its expansion from
    ``expansions``, or is marked French when it has none there.
    """
    def english(match: re.Match[str]) -> str:
        term = match.group(1)
        if term in expansions:
            return f'<abbr title="{html_escape(expansions[term], quote=True)}">{term}</abbr>'
        return match.group(0).replace("<abbr ", '<abbr lang="fr" ', 1)

    return _ABBR.sub(english, html)

