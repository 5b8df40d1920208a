"""The letter's header and signature, laid out from the page's front matter (key ``lettre``).

They are part of the page's content, not of a page template, so that the
search index, the PDF and the page hold the same words: searching for the
signatory, the NOR or an addressee finds the letter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape

from kit.i18n import DEFAULT_LANGUAGE, STRINGS

# French words between guillemets in a translated header (« vos libertés… »): marked as French.
_FRENCH_QUOTE = re.compile(r"«[^«»<]*»")



def _lines(values: object) -> str:
    items = values if isinstance(values, Sequence) and not isinstance(values, str) else [values]
    return "<br>\n".join(escape(str(value)) for value in items)


def _field(label: str, value: object, *, emphasis: bool = False) -> str:
    shown = escape(str(value))
    return f"<div><dt>{escape(label)}</dt> <dd>{f'<em>{shown}</em>' if emphasis else shown}</dd></div>"


def header_html(letter: Mapping[str, object], lang: str) -> str:
    """The letter's header: ministry, office, date, references, sender, addressees, subject."""
    strings = STRINGS.get(lang, STRINGS[DEFAULT_LANGUAGE])
    t = {"entete": strings["letter_header"], "ref": strings["letter_reference"], "a": strings["letter_to"],
         "objet": strings["letter_subject"], "pj": strings["letter_enclosures"], "le": strings["letter_date"]}
    sender: list[str] = []
    if letter.get("ministere"):
        sender.append(f'<p class="kit-lettre__ministere">{_lines(letter["ministere"])}</p>')
    if letter.get("service"):
        sender.append(f'<p class="kit-lettre__service">{escape(str(letter["service"]))}</p>')
    if letter.get("bureau"):
        sender.append(f'<p class="kit-lettre__bureau"><em>{escape(str(letter["bureau"]))}</em></p>')
    refs: list[str] = []
    if letter.get("date_texte"):
        refs.append(
            f'<p class="kit-lettre__date">{escape(str(letter.get("lieu", "")))}{escape(t["le"])} '
            f'<time datetime="{escape(str(letter.get("date", "")))}"><strong>{escape(str(letter["date_texte"]))}'
            "</strong></time></p>"
        )
    fields = []
    if letter.get("reference"):
        fields.append(_field(t["ref"], letter["reference"], emphasis=True))
    if letter.get("nor"):
        fields.append(_field("NOR", letter["nor"]))
    # One field per line: the search index must not glue « SG/DICOM » to « NOR ».
    refs.append(f"<dl>{chr(10).join(fields)}</dl>")
    address: list[str] = []
    if letter.get("expediteur"):
        address.append(f'<p class="kit-lettre__expediteur">{_lines(letter["expediteur"])}</p>')
    addressees = letter.get("destinataires")
    if isinstance(addressees, Sequence) and not isinstance(addressees, str) and addressees:
        address.append(f'<p class="kit-lettre__a">{escape(t["a"])}</p>')
        address.append('<ul class="kit-lettre__destinataires">'
                       + "\n".join(f"<li>{escape(str(name))}</li>" for name in addressees) + "</ul>")
    subject = []
    if letter.get("objet"):
        subject.append(_field(t["objet"], letter["objet"]))
    if letter.get("pieces_jointes"):
        subject.append(_field(t["pj"], letter["pieces_jointes"]))
    header = (
        f'<header class="kit-lettre" aria-label="{escape(t["entete"])}">\n'
        f'<div class="kit-lettre__emetteur">{chr(10).join(sender)}</div>\n'
        f'<div class="kit-lettre__references">{chr(10).join(refs)}</div>\n'
        f'<div class="kit-lettre__adresse">{chr(10).join(address)}</div>\n'
        f'<dl class="kit-lettre__objet">{chr(10).join(subject)}</dl>\n'
        "</header>\n"
    )
    if lang != "fr":
        header = _FRENCH_QUOTE.sub(lambda m: f'<span lang="fr">{m.group(0)}</span>', header)
        header = _mark_french_terms(header, letter.get("termes_francais"))
    return header


_TAG = re.compile(r"(<[^>]*>)")


def _mark_french_terms(header: str, terms: object) -> str:
    """A translated header's French terms (front matter ``termes_francais``, e.g. « Préfet de police »)
    marked ``lang="fr"`` for screen readers (RGAA 8.7), in the text only, never in an attribute."""
    if not isinstance(terms, Sequence) or isinstance(terms, str) or not terms:
        return header
    escaped = sorted({escape(str(term)) for term in terms if str(term).strip()}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(term) for term in escaped))
    inside_french = 0
    out: list[str] = []
    for token in _TAG.split(header):
        if token.startswith("<"):
            if token.startswith('<span lang="fr"'):
                inside_french += 1
            elif token == "</span>" and inside_french:
                inside_french -= 1
            out.append(token)
        elif inside_french:
            out.append(token)
        else:
            out.append(pattern.sub(lambda m: f'<span lang="fr">{m.group(0)}</span>', token))
    return "".join(out)


def signature_html(letter: Mapping[str, object]) -> str:
    """The signature block: the signatory's office and name (never a description of the handwriting)."""
    signature = letter.get("signature")
    if not isinstance(signature, Mapping):
        return ""
    parts = []
    if signature.get("qualite"):
        parts.append(f'<p class="kit-lettre__qualite">{escape(str(signature["qualite"]))}</p>')
    if signature.get("nom"):
        parts.append(f'<p class="kit-lettre__nom">{escape(str(signature["nom"]))}</p>')
    return f'<div class="kit-lettre__signature">{chr(10).join(parts)}</div>\n' if parts else ""


def letter_content(body_html: str, letter: Mapping[str, object], lang: str) -> str:
    """The page content of a letter: header, body, signature."""
    return (header_html(letter, lang) + f'<div class="kit-lettre__corps">\n{body_html}\n</div>\n'
            + signature_html(letter))
