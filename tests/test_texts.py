"""The official texts of the kit, the home page and the glossary, read on the built site.

The circular of 26 February 2009 is kept, as it was received, in
tests/data/circulaire-forums-securite-2009.txt: every line of it must be found,
word for word, on the page that publishes it, and no page may add a word of its own
to the official text (the editor's notes are admonitions, set apart).
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import html as lxml_html
from lxml.html import HtmlElement

from conftest import page

# The publication gate: scripts/publish.py runs these tests before each publication.
pytestmark = pytest.mark.gate

SOURCE = Path(__file__).parent / "data" / "circulaire-forums-securite-2009.txt"
SOURCE_NAME = "tests/data/circulaire-forums-securite-2009.txt"
# What an editor does when an official text no longer matches the circular (README, « Corriger un texte »).
RESTORE = ("rétablissez le texte d'origine, mot pour mot : un texte officiel ne se corrige pas ; pour signaler "
           "une erreur, ajoutez une note de l'édition.")


def page_file(url: str) -> str:
    """The Markdown file of a page's address: ``fiche-2/`` -> ``docs/fiche-2.md``."""
    return f"docs/{url.strip('/') or 'index'}.md"
ABBREVIATIONS = Path(__file__).parents[1] / "includes" / "abbreviations.md"
NBSP, NNBSP = "\u00a0", "\u202f"

# Where each official text sits in the source (first and last line, 1-based).
OFFICIAL = {
    "lettre/": (1, 66),
    "note/": (68, 202),
    "fiche-1/": (204, 279),
    "fiche-2/": (281, 321),
}
# Line 64 describes the handwritten signature: it is not text of the letter.
SIGNATURE_DESCRIPTION_LINE = 64
# The letter header labels, set in capitals and abbreviated on paper.
HEADER_LABELS = {"O B J E T :": "Objet :", "P. JOINTES :": "Pièces jointes :"}
SUPERSCRIPTS = "¹²³⁴"


# Helpers ------------------------------------------------------------------------------

# Page furniture that templates put around the content, in the <article> (language switch,
# downloads, last change date...): not part of the page's text.
FURNITURE = {"nav", "aside", "form", "footer", "script", "style"}


def article(site: Path, url: str) -> HtmlElement:
    """The content of the page served at ``url``: from its <h1> to the furniture that follows."""
    root = lxml_html.fromstring(page(site, url))
    found = root.xpath("//article")
    assert found, f"{url}: pas d'élément <article>"
    content = lxml_html.Element("div")
    started = False
    for child in found[0]:
        started = started or child.tag == "h1"
        if not started:
            continue
        if child.tag in FURNITURE or child.get("data-search-exclude") is not None:
            break
        content.append(copy.deepcopy(child))
    assert started, f"{url}: pas de titre <h1>"
    return content


def norm(text: str) -> str:
    """Text compared as words: no-break spaces and the spaces French typography adds are ignored."""
    text = text.replace(NBSP, " ").replace(NNBSP, " ")
    text = re.sub(r"\s+([:;!?%»])", r"\1", text)
    text = re.sub(r"«\s+", "«", text)
    return re.sub(r"\s+", " ", text).strip()


def official(element: HtmlElement, *, drop_h1: bool = False) -> HtmlElement:
    """A copy of ``element`` holding only official text: no editor's notes, permalinks, footnote marks."""
    element = copy.deepcopy(element)
    xpaths = [
        ".//div[contains(concat(' ', @class, ' '), ' admonition ')]",
        ".//a[contains(concat(' ', @class, ' '), ' headerlink ')]",
        ".//a[contains(concat(' ', @class, ' '), ' footnote-backref ')]",
        ".//sup[starts-with(@id, 'fnref')]",
        ".//*[contains(concat(' ', @class, ' '), ' md-content__button ')]",
    ]
    if drop_h1:
        xpaths.append(".//h1")
    for xpath in xpaths:
        for node in element.xpath(xpath):
            node.drop_tree()
    return element


def text_of(element: HtmlElement) -> str:
    return norm(element.text_content())


def source_lines() -> list[str]:
    return SOURCE.read_text(encoding="utf-8").split("\n")


def source_passage(line: str) -> str:
    """A source line as it reads on the page: no Markdown marks, bullets or footnote numbers."""
    for label, shown in HEADER_LABELS.items():
        line = line.replace(label, shown)
    line = line.replace("**", "").replace("*", "")
    line = re.sub(r"^\s*- ", "", line)
    line = re.sub(f"[{SUPERSCRIPTS}]", "", line)
    return norm(line)


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


# Fidelity to the source ---------------------------------------------------------------

@pytest.mark.parametrize("url", list(OFFICIAL))
def test_every_source_line_is_on_its_page(site: Path, url: str) -> None:
    first, last = OFFICIAL[url]
    text = text_of(official(article(site, url)))
    lines = source_lines()
    missing = [
        f"ligne {n} de {SOURCE_NAME} : {lines[n - 1]}"
        for n in range(first, last + 1)
        if lines[n - 1].strip() and n != SIGNATURE_DESCRIPTION_LINE
        and source_passage(lines[n - 1]) not in text
    ]
    assert not missing, (f"{page_file(url)} : {len(missing)} ligne(s) de la circulaire n'y figurent plus mot pour "
                         f"mot — {RESTORE}\n" + "\n".join(missing))


@pytest.mark.parametrize("url", list(OFFICIAL))
def test_no_word_added_to_the_official_text(site: Path, url: str) -> None:
    first, last = OFFICIAL[url]
    lines = source_lines()
    source = " ".join(
        source_passage(lines[n - 1]) for n in range(first, last + 1) if n != SIGNATURE_DESCRIPTION_LINE
    )
    # The page title of the letter and of the note is the edition's, not the source's.
    shown = text_of(official(article(site, url), drop_h1=url in ("lettre/", "note/")))
    added = words(shown) - words(source)
    assert not added, (f"{page_file(url)} : mots ajoutés au texte officiel, absents de la circulaire : "
                       f"{', '.join(sorted(added))} — {RESTORE}")


# Passages, figures, odd wordings ------------------------------------------------------

PASSAGES = {
    "lettre/": [
        "le Ministre souhaite créer les conditions d'un rapprochement et d'une meilleure compréhension "
        "réciproque entre la population et les services de sécurité intérieure, police et gendarmerie, "
        "sur l'ensemble du territoire.",
        "vous devrez organiser une série de rencontres locales, par principe une par canton, entre la "
        "population et les acteurs de la sécurité, entre le 16 mars et le 18 mai.",
        "Les sous-préfets d'arrondissement auront mission de les animer",
        "vous établirez une synthèse, qui devra parvenir pour le 22 mai à la DPS et à la DICOM.",
    ],
    "note/": [
        "L'adhésion de la nation est la condition de l'efficacité de la police et de la gendarmerie, mais "
        "aussi de la légitimité des efforts qui leur sont consacrés.",
        "Le fichier automatisé des empreintes génétiques (FNAEG) a ainsi permis le rapprochement de 45.928 "
        "profils.",
        "Dans les 21 départements où des conférences de cohésion ont déjà eu lieu",
        "Dix ans après l'adoption de la loi du 15 avril 1999",
    ],
    "fiche-1/": [
        "le fichier automatisé des empreintes digitales (FAED) a permis de résoudre 8.607 affaires en 2008, "
        "et le fichier des personnes recherchées (FPR) a permis d'effectuer 47.338 interpellations.",
        "Le fichier des véhicules volés a ainsi permis de retrouver 177661 véhicules en 2008.",
        "Selon un sondage IPSOS de novembre 2007, la vidéo-protection est ainsi plébiscitée par 78% des "
        "personnes sondées.",
        "dans 11 départements pionniers",
    ],
    "fiche-2/": [
        "chacun doit en effet, à sa place, être un acteur de sa propre sécurité».",
        "les polices municipales sont des acteurs à part entière de la sécurité quotidienne.",
    ],
}

# Wordings of the source that look like slips and are kept as they are.
ODD_WORDINGS = {
    "lettre/": ["parlons en ensemble", "socio professionnels", "les modes d'actions"],
    "note/": [
        "annoncée par la Ministre",
        "dialogue avec de nos concitoyens",
        "préfetures",
        "signalement des sites pédopornographique",
        "peut être brièvement rappelés",
        "dans le domaine la police technique",
        "LA PROXIMITE VIS – A - VIS DE NOS CONCITOYENS",
        "qui a été lancée dans onze département avec",
        "la Charente-maritime",
        "deux sujets: la modernisation",
    ],
    "fiche-1/": [
        "gardes - fous",
        "La police et de la gendarmerie nationales ont développé",
        "La France, en retard par rapport à ses voisins (cf. fiche spécifique) chez qui",
        "présence et visibilité sur le terrain",
    ],
    "fiche-2/": [
        "Dix après la loi de 1999",
        "au moment se met en place un dispositif de carte professionnelle",
        "des délégués police / population, ainsi des compagnies de sécurisation",
        "à partir l'exemple du dispositif",
        "Fiche thématique N°2:",
        "Message: «",
    ],
}

FIGURES = {
    "note/": ["45.928", "21 départements", "juillet 2008", "onze département", "15 avril 1999", "2009"],
    "fiche-1/": ["45.928", "8.607", "47.338", "177661", "78%", "novembre 2007", "11 départements", "2008"],
    "fiche-2/": ["21 départements", "1999"],
    "lettre/": ["22 janvier", "16 mars", "18 mai", "22 mai", "26 FEV. 2009", "2 fiches"],
}


@pytest.mark.parametrize(
    ("url", "passage"),
    [(url, p) for url, ps in PASSAGES.items() for p in ps]
    + [(url, p) for url, ps in ODD_WORDINGS.items() for p in ps]
    + [(url, p) for url, ps in FIGURES.items() for p in ps],
)
def test_passage_kept_verbatim(site: Path, url: str, passage: str) -> None:
    assert norm(passage) in text_of(official(article(site, url))), (
        f"{page_file(url)} : le passage « {passage} » de la circulaire n'y figure plus mot pour mot — {RESTORE}")


# Paragraphs a page break had cut in two -------------------------------------------------

JOINED = [
    ("note/", "p", "Ainsi, par exemple, la gendarmerie teste, depuis le mois de juillet 2008, les « Balu » - ou "
     "boîtes aux lettres électroniques, qui a été lancée dans onze département"),
    ("note/", "p", "ces dernières doivent alimenter les rencontres avec le grand public, et la mise en place "
     "progressive annoncée par la Ministre"),
    ("note/", "p", "On peut citer par exemple la constitution de réseaux « personnes âgées » (associations "
     "d'anciens, maisons de retraite, infirmières libérales, aides à domicile, sociétés de service, employés "
     "de la poste...), ou d'un même secteur d'activité. La question des relations avec la jeunesse"),
    ("fiche-1/", "li", "Le Ministère vient de lancer une réflexion prospective sur le commissariat et la "
     "brigade « du futur ». Pour la conduire à bien, il effectue un travail d'expression des besoins"),
    ("fiche-2/", "li", "et s'appuyant sur le sens civique du « bien commun », il convient de contribuer à "
     "convaincre chacun qu'il est aussi (ou doit être) un acteur de sa propre sécurité"),
]


@pytest.mark.parametrize(("url", "tag", "sentence"), JOINED)
def test_paragraph_cut_by_a_page_break_is_whole(site: Path, url: str, tag: str, sentence: str) -> None:
    blocks = [text_of(official(b)) for b in article(site, url).iter(tag)]
    holding = [b for b in blocks if norm(sentence) in b]
    assert len(holding) == 1, f"{url}: la phrase n'est pas entière dans un seul <{tag}>"
    # The footnotes that sat in the page break were moved out of the paragraph.
    assert not re.search(r"Les (deux|onze) départements|Les citoyens peuvent, par ce moyen", holding[0])


# Footnotes --------------------------------------------------------------------------------

FOOTNOTES = {
    "note/": [
        ("L'expérimentation des pré-plaintes en ligne", "Les deux départements concernés sont les Yvelines et "
         "la Charente-maritime"),
        ("depuis le mois de juillet 2008, les « Balu »", "Les onze départements pionniers sont l'Aisne, la "
         "Dordogne, le Doubs, le Gard, la Haute-Saône, le Jura, le Loiret, la Meuse, la Sarthe, la "
         "Seine-Maritime et le Territoire de Belfort."),
        ("en facilitant l'accès direct à leurs services", "Les citoyens peuvent, par ce moyen, signaler aux "
         "gendarmes leur départ en vacances. Une fois son message déposé, l'internaute reçoit un accusé de "
         "réception qui précise le délai de traitement et la suite donnée. Il est envisagé, après bilan, de "
         "généraliser l'expérience en 2009."),
        ("mise en place par le Ministère pour lutter contre les escroqueries", "Un autre exemple pourrait être "
         "le plan « alerte-enlèvement », mis en place sous les auspices des magistrats."),
    ],
    "fiche-1/": [
        ("(lutte contre la pédopornographie sur Internet", "Rappel de l'initiative portée dans le cadre de la "
         "PFUE, sur la création d'une plate-forme de signalement des contenus illicites sur Internet."),
    ],
}


@pytest.mark.parametrize("url", list(FOOTNOTES))
def test_footnotes_are_real_footnotes_at_their_call_sites(site: Path, url: str) -> None:
    content = article(site, url)
    expected = FOOTNOTES[url]
    notes = content.xpath(".//div[contains(@class, 'footnote')]//li[starts-with(@id, 'fn:')]")
    assert [n.get("id") for n in notes] == [f"fn:{i}" for i in range(1, len(expected) + 1)]
    marked = copy.deepcopy(content)
    for sup in marked.xpath(".//sup[starts-with(@id, 'fnref:')]"):
        number = sup.get("id").split(":")[1]
        ref = sup.xpath("./a[contains(@class, 'footnote-ref')]")
        assert ref and ref[0].get("href") == f"#fn:{number}"
        # Stand-in for the call, so that its place in the sentence can be read as text.
        marker = lxml_html.Element("span")
        marker.text, marker.tail = f"[^{number}]", sup.tail
        sup.getparent().replace(sup, marker)
    body = text_of(official(marked))
    for number, (before, note_text) in enumerate(expected, start=1):
        assert norm(before) + f"[^{number}]" in body, f"{url}: appel de note {number} mal placé"
        assert norm(note_text) in text_of(official(notes[number - 1]))
        assert notes[number - 1].xpath(f".//a[@href='#fnref:{number}']"), "lien de retour vers l'appel"


# Structure: headings, emphasis, nested lists --------------------------------------------

HEADINGS = {
    "note/": [
        (2, "I) La sécurité, un devoir vis-à-vis de nos concitoyens"),
        (3, "A) LA MODERNISATION AU SERVICE DE L'EFFICACITE"),
        (4, "La modernisation des modes d'action de la police et de la gendarmerie nationales"),
        (4, "Des services et unités disposant d'équipements de pointe"),
        (4, "La gestion de l'ordre public et des manifestations"),
        (3, "B) LA PROXIMITE VIS – A - VIS DE NOS CONCITOYENS"),
        (4, "Quatre sujets concrets liés aux missions de la police et de la gendarmerie"),
        (4, "Aider les victimes et mieux accueillir les plus faibles"),
        (4, "Faciliter les démarches du public"),
        (4, "La présence et la visibilité de la police et de la gendarmerie sur le terrain"),
        (4, "L'accueil physique du public comme critère de qualité du service rendu à nos concitoyens"),
        (2, "II) La sécurité, une responsabilité partagée"),
        (3, "Le partenariat dans la prévention de la délinquance et la lutte contre les violences "
            "intrafamiliales"),
        (3, "A) LES ACTEURS LOCAUX DE LA SECURITE"),
        (4, "Les relations avec les polices municipales et les acteurs privés de la sécurité"),
        (4, "Les réseaux d'acteurs territoriaux"),
        (3, "B) LE ROLE DU CITOYEN"),
    ],
    "fiche-1/": [
        (1, "Fiche thématique N°1 : « La sécurité, un devoir vis-à-vis de nos concitoyens »"),
        (2, "I) LA MODERNISATION AU SERVICE DE L'EFFICACITE"),
        (3, "L'utilisation de la technologie sert l'intérêt commun, dans le respect des libertés "
            "individuelles et publiques"),
        (3, "Les forces de l'ordre ont investi dans des équipements et spécialisations de pointe, devenus à "
            "présent indispensables, pour améliorer la qualité et l'efficacité du service rendu"),
        (3, "La gestion de l'ordre public et des manifestations"),
        (2, "II) LA PROXIMITE AVEC NOS CONCITOYENS"),
        (3, "Quatre sujets concrets liés aux missions de la police et de la gendarmerie"),
        (3, "Ce qui est entrepris / devrait être entrepris à destination des plus faibles et des plus "
            "vulnérables :"),
        (3, "Ce qui est entrepris / devrait être entrepris pour faciliter les relations des citoyens avec "
            "leur police ou leur gendarmerie :"),
        (3, "Ce qui est entrepris / devrait être entrepris pour renforcer la présence et visibilité sur le "
            "terrain de la police et de la gendarmerie"),
        (3, "La recherche d'un accueil physique de qualité :"),
    ],
    "fiche-2/": [
        (1, "Fiche thématique N°2: « La sécurité, une responsabilité partagée »"),
        (2, "I) LES RELATIONS AVEC LES AUTRES ACTEURS DE LA SECURITE"),
        (3, "Les relations avec les polices municipales"),
        (3, "Les acteurs privés de la sécurité"),
        (3, "Le travail en réseau avec les acteurs territoriaux, s'appuyant sur une approche thématique"),
        (2, "II) LE ROLE DU CITOYEN"),
    ],
}


@pytest.mark.parametrize("url", list(HEADINGS))
def test_heading_hierarchy(site: Path, url: str) -> None:
    content = official(article(site, url))
    levels = [1, 2, 3, 4] if url.startswith("fiche") else [2, 3, 4]
    found = [
        (int(h.tag[1]), text_of(h))
        for h in content.iter(*[f"h{n}" for n in levels])
        if not h.xpath("ancestor::div[contains(@class, 'footnote')]")
    ]
    assert found == [(level, norm(title)) for level, title in HEADINGS[url]]


EMPHASIS = [
    ("fiche-1/", "strong", "logique de qualité du service rendu"),
    ("fiche-1/", "strong", "La vidéo-protection est un outil de prévention, de dissuasion, et d'élucidation, qui "
     "prouve quotidiennement son efficacité."),
    ("fiche-1/", "strong", "Le Ministère vient de lancer une réflexion prospective sur le commissariat et la "
     "brigade « du futur »."),
    ("fiche-2/", "strong", "Quelle est la place au niveau local des acteurs de la sécurité privée,"),
    ("fiche-2/", "strong", "il convient de contribuer à convaincre chacun qu'il est aussi (ou doit être) un "
     "acteur de sa propre sécurité"),
    ("note/", "em", "la police et la gendarmerie vous rendent un service. Êtes-vous aussi un acteur de votre "
     "propre sécurité ?"),
    ("lettre/", "strong", "26 FEV. 2009"),
    ("lettre/", "em", "SG/DICOM"),
    ("lettre/", "em", "Le Préfet, Directeur du Cabinet"),
]


@pytest.mark.parametrize(("url", "tag", "passage"), EMPHASIS)
def test_bold_and_italic_kept(site: Path, url: str, tag: str, passage: str) -> None:
    assert norm(passage) in [text_of(e) for e in article(site, url).iter(tag)]


@pytest.mark.parametrize(
    ("url", "parent", "children"),
    [
        ("fiche-1/", "La vidéo-protection est un outil de prévention", [
            "Un retour d'expérience des élus, bailleurs, et transporteurs, peut être organisé dans ce cadre",
            "Les attentes, mais aussi les craintes de nos concitoyens",
        ]),
        ("fiche-1/", "Une politique volontariste d'aide aux victimes", [
            "Un bilan de l'action de la délégation aux victimes (cf. fiche spécifique) peut être présenté ;",
            "La question de l'accueil des femmes victimes de violences conjugales",
            "L'avis et les propositions de la population et des élus sont recueillis",
        ]),
    ],
)
def test_nested_sub_items(site: Path, url: str, parent: str, children: list[str]) -> None:
    items = [li for li in article(site, url).iter("li") if text_of(li).startswith(norm(parent))]
    assert len(items) == 1
    nested = [text_of(li) for li in items[0].xpath("./ul/li")]
    assert len(nested) == len(children)
    for shown, expected in zip(nested, children, strict=False):
        assert shown.startswith(norm(expected))


# Editor's notes -------------------------------------------------------------------------

# Editors add, reword and remove their notes freely (README, « Ajouter une note de l'édition »):
# only their form is checked here, and the official text around them by the tests above.

@pytest.mark.parametrize("url", list(OFFICIAL))
def test_editor_notes_are_whole_boxes(site: Path, url: str) -> None:
    for note in article(site, url).xpath(".//div[contains(concat(' ', @class, ' '), ' admonition ')]"):
        title = note.xpath("./p[@class='admonition-title']")
        assert title and text_of(title[0]), f"{url}: encadré sans titre"
        body = [child for child in note if child.get("class") != "admonition-title"]
        assert body and text_of(note) != text_of(title[0]), f"{url}: encadré « {text_of(title[0])} » vide"


# The letter: header and signature --------------------------------------------------------

def test_letter_header_from_front_matter(site: Path) -> None:
    content = article(site, "lettre/")
    header = content.xpath("./header[contains(@class, 'kit-lettre')]")
    assert len(header) == 1
    header = header[0]
    fields = {text_of(div.find("dt")): text_of(div.find("dd")) for div in header.xpath(".//dl/div")}
    assert fields == {
        "Réf.:": "SG/DICOM",
        "NOR": "INT17A0190101417C",
        "Objet:": 'Forums et assises " vos libertés, votre sécurité: parlons en ensemble"',
        "Pièces jointes:": "Note et 2 fiches sur les thèmes du débat",
    }
    date = header.xpath(".//time")[0]
    assert date.get("datetime") == "2009-02-26"
    assert text_of(date.getparent()) == "Paris, le 26 FEV. 2009"
    assert text_of(header.xpath(".//*[contains(@class, 'kit-lettre__expediteur')]")[0]) == (
        "Le Directeur de Cabinet du Ministre de l'Intérieur, de l'Outre-mer et des Collectivités territoriales"
    )
    assert [text_of(li) for li in header.xpath(".//ul[contains(@class, 'destinataires')]/li")] == [
        "Monsieur le préfet de police",
        "Mesdames et messieurs les préfets",
    ]
    assert text_of(header.xpath(".//*[contains(@class, 'kit-lettre__ministere')]")[0]) == (
        "MINISTÈRE DE L'INTÉRIEUR, DE L'OUTRE-MER ET DES COLLECTIVITÉS TERRITORIALES"
    )
    # Title, header, body, signature: nothing else, in that order.
    assert [child.get("class", child.tag) for child in content] == [
        "h1", "kit-lettre", "kit-lettre__corps", "kit-lettre__signature"
    ]


def test_letter_header_has_french_typography(site: Path) -> None:
    html = page(site, "lettre/")
    assert f"<dt>Objet{NBSP}:</dt>" in html
    assert f"<dt>Réf.{NBSP}:</dt>" in html
    assert f"votre sécurité{NBSP}: parlons en ensemble" in html


def test_signature_is_text_and_its_description_is_not(site: Path) -> None:
    signature = article(site, "lettre/").xpath(".//div[contains(@class, 'kit-lettre__signature')]")[0]
    assert [text_of(p) for p in signature.iter("p")] == ["Le Préfet, Directeur du Cabinet", "Michel DELPUECH"]
    root = lxml_html.fromstring(page(site, "lettre/"))
    assert root.xpath("//meta[@name='author']/@content") == ["Michel DELPUECH, préfet, directeur du cabinet"]
    description = source_lines()[SIGNATURE_DESCRIPTION_LINE - 1]
    assert "handwritten signature" in description
    for path in site.rglob("*"):
        if path.suffix in {".html", ".json", ".xml", ".txt"}:
            text = path.read_text(encoding="utf-8", errors="replace").lower()
            for clue in ("handwritten", "black ink", "stylized"):
                assert clue not in text, f"{path.relative_to(site)}: description de la signature"


# Home page --------------------------------------------------------------------------------

def test_home_timeline(site: Path) -> None:
    timeline = article(site, "").xpath(".//div[contains(@class, 'kit-timeline')]/ol")
    assert len(timeline) == 1, "la frise est une liste ordonnée"
    steps = timeline[0].xpath("./li")
    dates = [[t.get("datetime") for t in step.iter("time")] for step in steps]
    assert dates == [["2009-01-22"], ["2009-02-26"], ["2009-03-16", "2009-05-18"], ["2009-05-22"], []]
    texts = [text_of(step) for step in steps]
    assert texts[0].startswith("22 janvier 2009") and "préfets" in texts[0]
    assert texts[2].startswith("Du 16 mars au 18 mai 2009")
    assert texts[3].startswith("22 mai 2009") and "DPS" in texts[3] and "DICOM" in texts[3]
    assert "Assises nationales présidées par le ministre" in texts[4]


def test_home_roles_and_documents(site: Path) -> None:
    content = article(site, "")
    cards = [text_of(li) for li in content.xpath(".//div[contains(@class, 'grid') and contains(@class, 'cards')]/ul/li")]
    for role in ("Le préfet", "Les sous-préfets d'arrondissement", "Policiers et gendarmes", "Les élus",
                 "La DICOM", "La DPS", "La DGPN, la DGGN et la DMAT", "Le ministre"):
        assert any(card.startswith(role) for card in cards), role
    links = {a.get("href") for a in content.iter("a")}
    assert {"lettre/", "note/", "fiche-1/", "fiche-2/", "glossaire/"} <= links
    for url in ("lettre/", "note/", "fiche-1/", "fiche-2/", "glossaire/"):
        assert (site / url / "index.html").is_file()


# Glossary and tooltips ----------------------------------------------------------------------

def read_abbreviations(path: Path = ABBREVIATIONS) -> dict[str, str]:
    """The tooltips editors maintain (``*[SIGLE]: développement``): acronym -> expansion."""
    return dict(re.findall(r"^\*\[([^\]]+)\]: (.+)$", path.read_text(encoding="utf-8"), re.M))


def glossary_terms(site: Path) -> list[str]:
    return [text_of(dt) for dt in article(site, "glossaire/").xpath(".//dl/dt")]


def test_glossary_entries(site: Path) -> None:
    check_glossary(site, read_abbreviations())


def check_glossary(site: Path, tooltips: dict[str, str]) -> None:
    """Glossary in alphabetical order, each term with its anchor, its expansion and an explanation."""
    terms = article(site, "glossaire/").xpath(".//dl/dt")
    names = [text_of(dt) for dt in terms]
    assert names == sorted(names, key=str.lower), "ordre alphabétique"
    assert sorted(names) == sorted(tooltips), "info-bulles et glossaire listent les mêmes sigles"
    for dt in terms:
        acronym = text_of(dt)
        assert dt.get("id") == acronym.lower()
        definition = dt.getnext()
        assert definition.tag == "dd"
        expansion = text_of(definition.find("strong")).rstrip(".")
        assert tooltips[acronym].startswith(expansion), (acronym, expansion, tooltips[acronym])
        assert len(text_of(definition)) > len(expansion) + 20, f"{acronym}: pas d'explication"


@pytest.mark.parametrize(
    ("url", "acronyms"),
    [
        ("", ["DICOM", "DPS", "DGPN", "DGGN", "DMAT"]),
        ("lettre/", ["DICOM", "DPS"]),
        ("note/", ["FNAEG", "CLS", "Balu"]),
        ("fiche-1/", ["FNAEG", "FAED", "FPR", "IPSOS", "PFUE", "Balu"]),
        ("fiche-2/", ["CLSPD"]),
        ("glossaire/", None),
    ],
)
def test_tooltips_on_pages(site: Path, url: str, acronyms: list[str] | None) -> None:
    tooltips = read_abbreviations()
    shown = {text_of(a): a.get("title") for a in article(site, url).iter("abbr")}
    for acronym in tooltips if acronyms is None else acronyms:
        assert acronym in shown, f"{url}: pas d'info-bulle pour {acronym}"
        assert shown[acronym] == tooltips[acronym], shown[acronym]
    assert set(shown) <= set(glossary_terms(site)), "info-bulle sur un mot absent du glossaire"


@pytest.mark.parametrize("url", list(OFFICIAL))
def test_every_acronym_of_the_texts_is_in_the_glossary(site: Path, url: str) -> None:
    content = official(article(site, url))
    for node in content.xpath(".//h1 | .//h2 | .//h3 | .//h4 | .//header | .//div[contains(@class, 'signature')]"):
        node.drop_tree()  # headings and letterhead are set in capitals, not acronyms
    tokens = set(re.findall(r"\b[A-Z][A-Z]+\b", text_of(content)))
    assert tokens, "aucun sigle trouvé : le test ne lit plus le texte"
    assert tokens - set(glossary_terms(site)) == set(), f"{url}: sigles sans entrée au glossaire"


# French typography --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("fiche-1/", f"plébiscitée par 78{NNBSP}% des personnes"),
        ("fiche-1/", f"«{NBSP}la technique pour la technique{NBSP}»"),
        ("fiche-2/", f"Message{NBSP}:"),
        ("fiche-2/", f"sa propre sécurité{NBSP}»"),
        ("note/", f"deux sujets{NBSP}: la modernisation"),
        ("note/", f"un service à la personne{NNBSP}?{NBSP}»"),
        ("note/", f"des victimes{NNBSP}; la facilitation"),
        ("lettre/", f"propres à la sécurité{NBSP}: «{NBSP}la sécurité"),
        ("", f"Vos libertés, votre sécurité{NBSP}: parlons-en ensemble"),
    ],
)
def test_french_typography(site: Path, url: str, expected: str) -> None:
    assert expected in page(site, url)


@pytest.mark.parametrize("url", ["", *OFFICIAL, "glossaire/"])
def test_typography_never_inside_attributes_or_urls(site: Path, url: str) -> None:
    root = lxml_html.fromstring(page(site, url))
    attributes = [(el.tag, name, value) for el in root.iter() if isinstance(el.tag, str)
                  for name, value in el.attrib.items()]
    touched = [a for a in attributes if NBSP in a[2] or NNBSP in a[2]]
    assert not touched, touched
    # The description keeps the plain spaces of the front matter, and it has a colon to keep.
    description = root.xpath("//meta[@name='description']/@content")
    assert description and " :" in description[0]
    for code in root.xpath("//code | //pre"):
        assert NBSP not in code.text_content() and NNBSP not in code.text_content()


# No link to the internet in the texts ------------------------------------------------------------

@pytest.mark.parametrize("url", ["", *OFFICIAL, "glossaire/"])
def test_texts_link_only_inside_the_site(site: Path, url: str) -> None:
    hrefs = [a.get("href") or "" for a in article(site, url).iter("a")]
    external = [h for h in hrefs if re.match(r"^([a-z][a-z0-9+.-]*:|//)", h, re.I)]
    assert not external, external
