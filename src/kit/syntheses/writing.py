"""The compilation written out: one HTML body, then ODT and DOCX to edit, PDF/UA to read.

The body is plain HTML (headings, paragraphs, lists, tables) that the kit's
own writers turn into files (:mod:`kit.documents.odt`,
:mod:`kit.documents.docx`, :mod:`kit.documents.pdf` with its PDF/UA
finishing). Every text from a synthesis is escaped and placed once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape
from pathlib import Path

from kit.documents.registry import AUTHOR, KIT_SUBTITLE, KIT_TITLE, MINISTRY, STATE, KitDocument, PrintPage
from kit.french import french_date, number, percent
from kit.syntheses.compilation import Compilation, Quote
from kit.syntheses.model import SCOPE_NAMES
from kit.syntheses.similarity import MIN_SHARED, THRESHOLD

TITLE = "Synthèse nationale des forums : compilation des synthèses départementales"
SLUG = "compilation-syntheses-departementales"
_THEMES = (("rencontres", "Les rencontres : couverture, participation, déroulement"),
           ("theme1", "Thème 1 : « La sécurité, un devoir vis-à-vis de nos concitoyens »"),
           ("theme2", "Thème 2 : « La sécurité, une responsabilité partagée »"),
           ("local", "Sujets propres aux départements"))
_PART_SHORT = {"rencontres": "partie 1", "theme1": "thème 1", "theme2": "thème 2", "local": "sujets propres"}


def _text(text: str) -> str:
    """A prefecture's text, escaped, its line breaks kept."""
    return "<br>".join(escape(line) for line in text.split("\n"))


def _quotes(compilation: Compilation, quotes: list[Quote], part_name: str) -> Iterable[str]:
    current = None
    for quote in quotes:
        if quote.departement != current:
            current = quote.departement
            yield f"<h3>{escape(compilation.names[current])} ({escape(current)}), {escape(part_name)}</h3>"
        label = f"<strong>{escape(quote.passage.label)} :</strong> " if quote.passage.label else ""
        yield f"<p>{label}{_text(quote.passage.text)}</p>"


def _figures(compilation: Compilation, when: date) -> str:
    f = compilation.figures
    rows = [
        ("Forums tenus (calendrier)", number(f.forums_tenus)),
        ("Forums encore prévus ou reportés", number(f.forums_prevus)),
        ("Forums annulés", number(f.forums_annules)),
        ("Participants comptés (calendrier)",
         f"{number(f.participants)} sur {number(f.forums_comptes)} forums comptés" if f.forums_comptes
         else "aucun forum compté"),
        ("Participants par forum compté (médiane)",
         number(round(f.participants_median)) if f.participants_median is not None else "–"),
        ("Participants déclarés dans les tableaux des synthèses", number(f.participants_declares)),
        ("Synthèses reçues", f"{number(f.recues)} sur {number(f.departements)} départements "
                             f"({percent(f.recues, f.departements)})"),
        ("dont à temps (enregistrées)", number(f.a_temps)),
        ("dont en retard (enregistrées)", number(f.en_retard)),
        ("dont lues automatiquement", number(f.lues)),
        ("dont non lues (PDF ou illisibles)", number(f.non_lues)),
        ("Synthèses manquantes", number(f.manquantes)),
        ("Comptes rendus annexés", number(f.comptes_rendus)),
    ]
    deadline = (f" La date limite était le {french_date(compilation.deadline)}." if compilation.deadline else "")
    body = "".join(f"<tr><th scope=\"row\">{escape(label)}</th><td>{escape(value)}</td></tr>" for label, value in rows)
    return (f"<h2>1. Chiffres de la campagne</h2><p>Au {french_date(when)}, d'après le calendrier des forums et "
            f"le suivi des synthèses reçues.{deadline}</p>"
            f"<table><thead><tr><th>Indicateur</th><th>Valeur</th></tr></thead><tbody>{body}</tbody></table>")


def _diagnosis(compilation: Compilation, groups: list[list[tuple[str, str]]], title: str) -> Iterable[str]:
    yield f"<h3>{escape(title)}</h3>"
    if not groups:
        yield "<p>Aucun.</p>"
        return
    yield "<ul>"
    for group in groups:
        deps = list(dict.fromkeys(dep for dep, _ in group))
        if len(group) == 1:
            dep, text = group[0]
            yield f"<li>{_text(text)} <em>({escape(compilation.names[dep])})</em></li>"
            continue
        names = ", ".join(compilation.names[d] for d in deps)
        yield (f"<li>Relevé par {len(deps)} département{'s' if len(deps) > 1 else ''} ({escape(names)}) :<ul>"
               + "".join(f"<li>{_text(text)} <em>({escape(compilation.names[dep])})</em></li>" for dep, text in group)
               + "</ul></li>")
    yield "</ul>"


def _proposals(compilation: Compilation) -> Iterable[str]:
    yield "<h2>4. Propositions</h2>"
    yield (f"<p>{number(len(compilation.proposals))} propositions, classées par portée (nationale d'abord, puis "
           "départementale, locale et non précisée). Les propositions voisines, venues de plusieurs départements, "
           "se suivent dans le tableau ; la colonne « Voisines » donne leur groupe (R1, R2…), détaillé après le tableau. Deux propositions sont "
           "jugées voisines quand les mots qui portent leur sens (sans accents ni majuscules, au singulier, sans "
           f"les petits mots) sont communs pour au moins {round(THRESHOLD * 100)} % de l'ensemble de leurs mots, "
           f"et au moins {MIN_SHARED} mots ; chaque proposition reste citée telle que le département l'a écrite."
           "</p>")
    yield ("<table><thead><tr><th>N°</th><th>Proposition</th><th>Portée</th><th>Département</th>"
           "<th>Acteurs concernés</th><th>Voisines</th></tr></thead><tbody>")
    for item in compilation.proposals:
        proposal = item.proposal
        scope = SCOPE_NAMES[proposal.scope]
        if proposal.scope_text and not proposal.scope:
            scope += f" (écrit : {proposal.scope_text})"
        alike = ""
        if item.group >= 0:
            alike = f"R{item.group + 1} ({len(compilation.recurring[item.group])} propositions)"
        yield (f"<tr><td>P{item.number}</td><td>{_text(proposal.text)}</td><td>{escape(scope)}</td>"
               f"<td>{escape(compilation.names[item.departement])}</td><td>{_text(proposal.actors)}</td>"
               f"<td>{escape(alike)}</td></tr>")
    yield "</tbody></table>"
    yield "<h3>Propositions qui reviennent dans plusieurs départements</h3>"
    if not compilation.recurring:
        yield "<p>Aucune.</p>"
        return
    by_number = {item.number: item for item in compilation.proposals}
    yield "<ul>"
    for index, group in enumerate(compilation.recurring, start=1):
        deps = list(dict.fromkeys(compilation.names[by_number[n].departement] for n in group))
        scopes = sorted({SCOPE_NAMES[by_number[n].proposal.scope] for n in group})
        yield (f"<li>R{index} : {', '.join(f'P{n}' for n in group)} ; {len(deps)} départements "
               f"({escape(', '.join(deps))}) ; portée {escape(', '.join(scopes))}</li>")
    yield "</ul>"


def _arrivals(compilation: Compilation) -> Iterable[str]:
    yield "<h2>5. Synthèses en retard, manquantes ou non lues</h2>"
    yield "<h3>En retard</h3>"
    if compilation.late:
        yield ("<table><thead><tr><th>Département</th><th>Reçue le</th><th>Retard</th></tr></thead><tbody>"
               + "".join(f"<tr><td>{escape(compilation.names.get(code, code))}</td>"
                         f"<td>{french_date(arrival.recue_le)}</td><td>{days} j</td></tr>"
                         for code, arrival, days in compilation.late) + "</tbody></table>")
    else:
        yield "<p>Aucune.</p>"
    yield "<h3>Manquantes</h3>"
    yield (f"<p>{escape(', '.join(compilation.names[code] for code in compilation.missing))}.</p>"
           if compilation.missing else "<p>Aucune.</p>")
    yield "<h3>Reçues, non lues automatiquement</h3>"
    if compilation.unread:
        yield "<ul>" + "".join(
            f"<li>{escape(compilation.names.get(code, 'département non reconnu'))} : {escape(Path(file).name)}</li>"
            for code, file in compilation.unread) + "</ul>"
    else:
        yield "<p>Aucune.</p>"


def _forums(compilation: Compilation) -> Iterable[str]:
    """The forums each synthesis lists, one paragraph per département (a long table is slow to lay out)."""
    yield "<h3>Rencontres déclarées dans les synthèses</h3>"
    rows: dict[str, list[str]] = {}
    for synthesis in compilation.syntheses:
        for row in synthesis.forums:
            rows.setdefault(synthesis.departement, []).append(" ; ".join(row.text))
    if not rows:
        yield "<p>Aucune.</p>"
        return
    for dep, forums in rows.items():
        yield (f"<p><strong>{escape(compilation.names[dep])}</strong> ({len(forums)}) : "
               + " | ".join(escape(forum) for forum in forums) + "</p>")


def _index(compilation: Compilation) -> Iterable[str]:
    yield "<h2>7. Index par département</h2>"
    yield ("<table><thead><tr><th>Département</th><th>Synthèse</th><th>Cité dans</th><th>Propositions</th>"
           "<th>Autres éléments</th><th>Comptes rendus annexés</th></tr></thead><tbody>")
    for entry in compilation.index:
        yield (f"<tr><td>{escape(compilation.names[entry.departement])} ({escape(entry.departement)})</td>"
               f"<td>{escape(entry.status)}</td>"
               f"<td>{escape(', '.join(_PART_SHORT[p] for p in entry.parts)) or '–'}</td>"
               f"<td>{escape(', '.join(f'P{n}' for n in entry.proposals)) or '–'}</td>"
               f"<td>{entry.others or '–'}</td><td>{entry.minutes or '–'}</td></tr>")
    yield "</tbody></table>"


def body_html(compilation: Compilation, when: date) -> str:
    """The compilation as an HTML fragment, its title first."""
    parts: list[str] = [
        f"<h1>{escape(TITLE)}</h1>",
        "<p><strong>Document interne, non publié.</strong> Chaque passage est cité tel que la préfecture l'a "
        "écrit, sous le nom de son département et de la partie de sa synthèse ; rien n'est reformulé.</p>",
        _figures(compilation, when),
        "<h2>2. Ce qu'ont écrit les départements</h2>",
    ]
    for part, name in _THEMES:
        parts.append(f"<h2>2.{_THEMES.index((part, name)) + 1}. {escape(name)}</h2>")
        quotes = compilation.quotes[part]
        parts.extend(_quotes(compilation, quotes, _PART_SHORT[part]) if quotes else ["<p>Aucun texte.</p>"])
        if part == "rencontres":
            parts.extend(_forums(compilation))
    parts.append("<h2>3. Diagnostic : points forts et faiblesses</h2>")
    parts.extend(_diagnosis(compilation, compilation.strengths, "Points forts"))
    parts.extend(_diagnosis(compilation, compilation.weaknesses, "Faiblesses"))
    parts.extend(_proposals(compilation))
    parts.extend(_arrivals(compilation))
    parts.append("<h2>6. Autres éléments</h2>")
    parts.append("<p>Ce que la lecture automatique n'a pas su placer dans le plan du modèle (texte hors des champs, "
                 "titres inconnus, commentaires), cité tel quel avec son département.</p>")
    parts.extend(_quotes(compilation, compilation.others, "autres éléments") if compilation.others
                 else ["<p>Aucun.</p>"])
    parts.extend(_index(compilation))
    return "".join(parts)


def _page(body: str) -> PrintPage:
    return PrintPage(doc=KitDocument("", SLUG, "la compilation", "compilation"), title=TITLE, url="", html=body)


def to_odt(body: str) -> bytes:
    from kit.documents import odt

    return odt.render_odt(odt.OdtPage(title=TITLE, html=body, header_lines=(STATE.upper(), MINISTRY),
                                      footer_text=f"{TITLE} – document interne",
                                      subject=f"{KIT_TITLE} – {KIT_SUBTITLE}", author=AUTHOR))


def to_docx(body: str) -> bytes:
    from kit.documents.docx import render_docx

    return render_docx(_page(body), keywords="forums sécurité 2009; synthèse nationale; document interne",
                       comments="Compilation des synthèses départementales : document interne, non publié.")


def to_pdf(body: str, folder: Path) -> bytes:
    from kit.documents.fetch import LocalOnlyFetcher
    from kit.documents.pdf import render_pdf

    html = ('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
            f"<title>{escape(TITLE)}</title>"
            f'<meta name="author" content="{escape(AUTHOR)}">'
            f'<meta name="description" content="{escape(KIT_TITLE)} – document interne"></head>'
            '<body class="kit-document kit-document--compilation">'
            '<div class="kit-entete" aria-hidden="true">'
            f'<span class="kit-entete__etat">{escape(STATE)}</span>'
            f'<span class="kit-entete__ministere">{escape(MINISTRY)}</span></div>'
            f'<div class="kit-titre-courant" aria-hidden="true">{escape(KIT_TITLE)}</div>'
            f'<article class="kit-doc" id="debut">{body}</article></body></html>')
    # No table of contents, hence no dot leaders to look for in the finishing.
    return render_pdf(html, base_url=folder.resolve().as_uri() + "/", fetcher=LocalOnlyFetcher([folder]),
                      leaders=False)
