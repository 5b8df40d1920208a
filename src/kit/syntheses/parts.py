"""The template's parts found in a read document, however it was filled.

Parts are recognised by the words of their headings, not by whole lines (a
heading may be renamed, renumbered or reworded), and, when a heading was
deleted, by the header row of the part's table. What is typed outside the
fields, tables pasted as text, comments and a second département's synthesis
pasted below the first are dealt with here; whatever is not understood goes
to « Autres éléments » with a problem saying so: nothing written is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from kit.syntheses.model import ForumRow, Minutes, Passage, Problem, Proposal, Received, Synthesis
from kit.syntheses.reading import Block, Document
from kit.territory import Territory, normalise

# Heading words → part, tried in order (themes before part 2, whose heading they may share).
_HEADING_PARTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("identification", re.compile(r"synthese (des forums|departementale)|^identification")),
    ("theme1", re.compile(r"\btheme\s*(n\s*o?\s*)?(1|un)\b|premier theme|un devoir")),
    ("theme2", re.compile(r"\btheme\s*(n\s*o?\s*)?(2|deux)\b|second theme|deuxieme theme|responsabilite partagee")),
    ("local", re.compile(r"sujets? (propres?|locaux|departementaux)|propres? au departement|problematiques? locales?")),
    ("rencontres", re.compile(r"rencontres|forums? (organises|tenus)|reunions organisees")),
    ("eclairage", re.compile(r"eclairage|problematiques degagees")),
    ("diagnostic", re.compile(r"diagnostic|points? forts?|faiblesses")),
    ("propositions", re.compile(r"propositions?\b")),
    ("annexes", re.compile(r"^annexes?\b|comptes? rendus")),
)
# A plain paragraph is taken for a heading (typed without the heading style) only when it starts so.
_TYPED_HEADING = re.compile(r"^(?:[1-4][.)]?\s|partie\s|theme\s|annexes?\b|synthese des forums|sujets propres|"
                            r"diagnostic|propositions\s*$|eclairage)")
# Template sentences that are not the prefecture's (the part's instruction).
_BOILERPLATE = (
    "la lettre du 26 fevrier 2009 demande que la synthese",
    "propositions de nature a renforcer le lien de confiance",
    "remplacez chaque",
    "mode d emploi",
)
_PART1_LABELS = (("couverture", "Couverture du département"), ("participation", "Participation"),
                 ("accessibilite", "Accessibilité, presse et déroulement"))
_FIELD = re.compile(r"\[[^\[\]]{1,400}\]")
_CELLS = re.compile(r" *(?:\t|\|| ; ) *")
_MONTHS = {"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
           "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12}
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WORD_DATE = re.compile(r"\b(\d{1,2})(?:er)?\s+(" + "|".join(_MONTHS) + r")(?:\s+(\d{4}))?\b")
CAMPAIGN_YEAR = 2009


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: what headings and labels are compared on."""
    return " ".join(re.sub(r"[^\w\s]", " ", normalise(text)).split())


def heading_part(text: str) -> str:
    """The part a heading names, or ""."""
    folded = fold(text)
    for part, pattern in _HEADING_PARTS:
        if pattern.search(folded):
            return part
    return ""


def table_part(rows: tuple[tuple[str, ...], ...]) -> str:
    """The part a table belongs to, from its header row (or its first column for the identification)."""
    if not rows:
        return ""
    header = fold(" ".join(rows[0]))
    if re.search(r"points? forts?|faiblesses?", header):
        return "diagnostic"
    if re.search(r"propositions?|portee", header):
        return "propositions"
    if "date" in header and re.search(r"lieu|commune", header):
        return "rencontres"
    firsts = [fold(row[0]) for row in rows if row]
    if "rubrique" in header or "departement" in firsts:
        return "identification"
    return ""


def parse_date(text: str) -> date | None:
    """« 14/04/2009 », « 14 avril 2009 », « 2009-04-14 », « 14/04 » (2009 assumed)."""
    folded = fold(text.replace("/", " / "))
    try:
        if match := _ISO_DATE.search(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _NUMERIC_DATE.search(text):
            year = int(match[3]) if match[3] else CAMPAIGN_YEAR
            return date(year + 2000 if year < 100 else year, int(match[2]), int(match[1]))
        if match := _WORD_DATE.search(folded):
            return date(int(match[3] or CAMPAIGN_YEAR), _MONTHS[match[2]], int(match[1]))
    except ValueError:
        return None
    return None


def parse_scope(text: str) -> str:
    """The scope a « Portée » cell gives, broadest first; "" when none is recognised."""
    folded = fold(text)
    if re.search(r"nation", folded):
        return "nationale"
    if re.search(r"depart|prefect", folded):
        return "départementale"
    if re.search(r"local|commun|canton|quartier|intercommunal|ville", folded):
        return "locale"
    return ""


def unfilled(text: str) -> list[str]:
    """The « [ … ] » fields left in ``text``."""
    return _FIELD.findall(text)


def bare(text: str) -> str:
    """``text`` without its unfilled fields: what the prefecture wrote of its own."""
    return " ".join(_FIELD.sub(" ", text).split()).strip(" ,;:.()–-")


class DepartementNames:
    """Finds a département in a field or a file name: its code, or its name."""

    def __init__(self, territory: Territory) -> None:
        self.territory = territory
        self.names = sorted(((fold(d.nom), code) for code, d in territory.departements.items()),
                            key=lambda item: -len(item[0]))

    def find(self, text: str) -> str:
        folded = fold(text)
        for name, code in self.names:
            if re.search(rf"(?:^|\s){re.escape(name)}(?:\s|$)", folded):
                return code
        for match in re.finditer(r"(?<![\w])(\d{2,3}|2[ab])(?![\w])", folded):
            found = self.territory.departement(match.group(1).upper())
            if found is not None:
                return found.code
        return ""


class _Reader:
    """Walks the blocks of one document and fills its syntheses."""

    def __init__(self, document: Document, file: str, names: DepartementNames) -> None:
        self.document = document
        self.file = file
        self.names = names
        self.result = Received(file)
        self.synthesis = Synthesis(file)
        self.result.syntheses.append(self.synthesis)
        self.part = "identification"
        self.label = ""
        self.minutes: Minutes | None = None
        self.minutes_index = 0
        self.unfilled: dict[tuple[int, str], list[str]] = {}

    # helpers --------------------------------------------------------------------

    def problem(self, part: str, message: str, severity: str = "avertissement", where: str = "") -> None:
        self.result.problems.append(Problem(self.file, part, message, severity, where))

    def keep(self, part: str, text: str, label: str = "") -> None:
        self.synthesis.passages.append(Passage(part, text, label))

    def other(self, text: str, why: str, where: str) -> None:
        """Keep ``text`` in « Autres éléments » and say so."""
        self.keep("autres", text, self.label or why)
        self.problem(self.part, f"{why} : gardé dans « Autres éléments » (« {_short(text)} »)", where=where)

    def own_text(self, text: str) -> str:
        """``text`` if the prefecture wrote something of its own in it, else "" (fields noted)."""
        fields = unfilled(text)
        if fields:
            self.unfilled.setdefault((len(self.result.syntheses), self.part), []).extend(fields)
        return text if bare(text) else ""

    def start_new_synthesis(self, where: str) -> None:
        self.finish_synthesis()
        previous = self.synthesis
        self.synthesis = Synthesis(self.file)
        self.result.syntheses.append(self.synthesis)
        self.minutes = None
        self.problem("identification", "une deuxième synthèse commence ici, après celle de "
                     f"« {previous.departement_text or 'département inconnu'} » : elle est lue à part",
                     severity="information", where=where)

    def has_content(self) -> bool:
        s = self.synthesis
        return bool(s.passages or s.forums or s.proposals or s.strengths or s.weaknesses
                    or s.parts_found - {"identification"})

    def enter(self, part: str, where: str, *, label: str = "") -> None:
        if part == "identification" and self.has_content():
            self.start_new_synthesis(where)
        self.part = part
        self.label = label
        self.synthesis.parts_found.add(part)
        if part in ("theme1", "theme2", "local"):
            self.synthesis.parts_found.add("eclairage")
        if part != "annexes":
            self.minutes = None

    # blocks -----------------------------------------------------------------------

    def run(self) -> Received:
        for block in self.document.blocks:
            if block.kind == "table":
                self.table(block)
            elif block.kind == "heading" or self.typed_heading(block):
                self.heading(block)
            else:
                self.paragraph(block)
        self.finish_synthesis()
        if self.document.comments:
            for comment in self.document.comments:
                self.synthesis_for_comments().passages.append(Passage("autres", comment, "commentaire"))
            count = len(self.document.comments)
            self.problem("", f"{_count(count, 'commentaire laissé', 'commentaires laissés')} dans le document : "
                         f"{'gardé' if count == 1 else 'gardés'} dans « Autres éléments »")
        if self.document.tracked_changes:
            count = self.document.tracked_changes
            self.problem("", f"{_count(count, 'modification suivie non acceptée', 'modifications suivies non acceptées')}"
                         " : le texte est lu comme si elles l'étaient (ajouts gardés, suppressions écartées)")
        return self.result

    def synthesis_for_comments(self) -> Synthesis:
        return self.result.syntheses[0]

    def typed_heading(self, block: Block) -> bool:
        folded = fold(block.text)
        return (not block.list_item and len(block.text) <= 90 and "\n" not in block.text
                and not block.text.rstrip().endswith((".", ":", ";")) and "[" not in block.text
                and bool(_TYPED_HEADING.match(folded)) and bool(heading_part(block.text)))

    def heading(self, block: Block) -> None:
        part = heading_part(block.text)
        if part:
            self.enter(part, block.place)
            if part == "annexes" and fold(block.text).startswith("compte"):
                self.annex_paragraph(block)
            return
        if self.part == "annexes" and self.minutes is not None:
            self.start_minutes(block.text)
            return
        self.part = "autres"
        self.label = block.text
        self.problem("autres", f"titre non reconnu « {_short(block.text)} » : ce qui le suit est gardé dans "
                     "« Autres éléments »", where=block.place)

    def paragraph(self, block: Block) -> None:
        text = block.text
        folded = fold(text)
        if any(folded.startswith(start) for start in _BOILERPLATE):
            return
        part = self.part
        if part == "annexes":
            self.annex_paragraph(block)
            return
        own = self.own_text(text)
        if not own:
            return
        if part == "identification":
            if not self.identification_line(text, block.place):
                self.other(text, "texte hors des champs de l'identification", block.place)
        elif part == "rencontres":
            for start, label in _PART1_LABELS:
                if folded.startswith(start) and ":" in text:
                    value = text.split(":", 1)[1].strip()
                    if self.own_text(value):
                        self.keep(part, value, label)
                    return
            cells = _split_cells(text)
            if len(cells) >= 3 and parse_date(text):
                columns = ["date", "commune", "cantons", "participants"]
                if cells[0].strip().isdigit():
                    columns.insert(0, "numero")
                self.forum_row(cells, columns + ["autre"] * len(cells), block.place)
                self.problem(part, "tableau des rencontres écrit comme du texte : ligne lue comme une rencontre",
                             severity="information", where=block.place)
                return
            self.keep(part, text)
        elif part in ("theme1", "theme2", "local"):
            self.keep(part, text)
        elif part == "eclairage":
            self.other(text, "texte de la partie 2 hors des thèmes", block.place)
        elif part == "diagnostic":
            self.diagnostic_paragraph(text, block.place)
        elif part == "propositions":
            self.proposal_paragraph(text, block.place)
        else:
            self.keep("autres", text, self.label or "hors des parties du modèle")
            if not self.label:
                self.problem(part, f"texte hors des parties du modèle : gardé dans « Autres éléments » "
                             f"(« {_short(text)} »)", where=block.place)

    def identification_line(self, text: str, where: str) -> bool:
        """« Département : Ain » typed as a line (the table pasted as text)."""
        if ":" not in text:
            return False
        label, value = (part.strip() for part in text.split(":", 1))
        return self.identification_row(label, value, where)

    def identification_row(self, label: str, value: str, where: str) -> bool:
        key = fold(label)
        synthesis = self.synthesis
        if key.startswith("departement"):
            if synthesis.departement_text and self.has_content():
                self.start_new_synthesis(where)
                synthesis = self.synthesis
            synthesis.departement_text = value if bare(value) else ""
            synthesis.departement = self.names.find(value) if bare(value) else ""
            if not bare(value):
                self.own_text(value)
            synthesis.parts_found.add("identification")
            return True
        if key.startswith("etabli"):
            synthesis.etablie_par = self.own_text(value)
            return True
        if re.search(r"\bdate\b|envoi|envoy|transmi", key):
            synthesis.date_envoi = self.own_text(value)
            return True
        return key.startswith(("destinataire", "rubrique"))

    def annex_paragraph(self, block: Block) -> None:
        folded = fold(block.text)
        if re.match(r"(\d+\s*)?(compte\s*rendu|cr\b)", folded):
            if unfilled(block.text):
                self.own_text(block.text)
                return
            self.start_minutes(block.text)
        elif self.minutes is not None:
            self.minutes = Minutes(self.minutes.title, self.minutes.paragraphs + 1)
            self.synthesis.minutes[self.minutes_index] = self.minutes
        elif self.own_text(block.text):
            self.other(block.text, "texte des annexes avant tout compte rendu", block.place)

    def start_minutes(self, title: str) -> None:
        """A forum's minutes begin; the list of the annexes first, then each under its title again: one each."""
        titles = [fold(m.title) for m in self.synthesis.minutes]
        if fold(title) in titles:
            self.minutes_index = titles.index(fold(title))
        else:
            self.synthesis.minutes.append(Minutes(title))
            self.minutes_index = len(self.synthesis.minutes) - 1
        self.minutes = self.synthesis.minutes[self.minutes_index]

    def diagnostic_paragraph(self, text: str, where: str) -> None:
        folded = fold(text)
        if re.match(r"points? forts?\b", folded) and ":" in text:
            self.synthesis.strengths.append(text.split(":", 1)[1].strip())
            return
        if re.match(r"faiblesses?\b", folded) and ":" in text:
            self.synthesis.weaknesses.append(text.split(":", 1)[1].strip())
            return
        cells = _split_cells(text)
        if len(cells) == 2:
            self.diagnostic_row(cells, ("fort", "faible"), where)
            self.problem("diagnostic", "tableau écrit comme du texte : ligne lue comme « point fort | faiblesse »",
                         severity="information", where=where)
            return
        self.other(text, "texte hors du tableau des points forts et faiblesses", where)

    def proposal_paragraph(self, text: str, where: str) -> None:
        cells = _split_cells(text)
        if len(cells) >= 2:
            self.proposal_row(cells, ("proposition", "portee", "acteurs"), where)
            self.problem("propositions", "tableau écrit comme du texte : ligne lue comme une proposition",
                         severity="information", where=where)
            return
        self.other(text, "texte hors du tableau des propositions", where)

    # tables -----------------------------------------------------------------------

    def table(self, block: Block) -> None:
        found = table_part(block.rows)
        if found == "identification" and self.synthesis.departement_text and self.has_content():
            self.start_new_synthesis(block.place)
        if found and found != self.part:
            if found not in self.synthesis.parts_found:
                self.problem(found, "titre de la partie absent ou non reconnu : partie reconnue à son tableau",
                             severity="information", where=block.place)
            self.enter(found, block.place)
        part = self.part
        rows = block.rows
        header: tuple[str, ...] = ()
        if found and found != "identification":
            header, rows = rows[0], rows[1:]
        for index, row in enumerate(rows, start=2 if header else 1):
            where = f"{block.place}, ligne {index}"
            cells = tuple(cell for cell in row)
            numbers = [i for i, c in enumerate(_columns(header, part, len(cells))) if c == "numero"] \
                if part == "rencontres" else []
            if not any(bare(cell) for i, cell in enumerate(cells) if i not in numbers):
                for cell in cells:
                    self.own_text(cell)
                continue
            if part == "identification" and len(cells) >= 2:
                if not self.identification_row(cells[0], " ".join(c for c in cells[1:] if c), where):
                    self.other(" | ".join(c for c in cells if c), "ligne inconnue dans l'identification", where)
            elif part == "rencontres":
                self.forum_row(cells, _columns(header, "rencontres", len(cells)), where)
            elif part == "diagnostic":
                self.diagnostic_row(cells, _columns(header, "diagnostic", len(cells)), where)
            elif part == "propositions":
                self.proposal_row(cells, _columns(header, "propositions", len(cells)), where)
            elif part in ("theme1", "theme2", "local"):
                self.keep(part, " | ".join(c for c in cells if c))
            else:
                self.other(" | ".join(c for c in cells if c), "tableau hors des parties du modèle", where)

    def forum_row(self, cells: Iterable[str], columns: Iterable[str], where: str) -> None:
        values: dict[str, str] = {}
        written = []
        for cell, column in zip(cells, columns, strict=False):
            if bare(cell):
                written.append(cell)
                values[column] = values.get(column, "") + cell
            else:
                self.own_text(cell)
        participants = re.search(r"\d[\d\s\u00a0\u202f]*", values.get("participants", ""))
        self.synthesis.forums.append(ForumRow(
            date=parse_date(values.get("date", "")), commune=values.get("commune", ""),
            cantons=values.get("cantons", ""),
            participants=int(re.sub(r"\D", "", participants.group(0))) if participants else None,
            text=tuple(written), where=where))

    def diagnostic_row(self, cells: Iterable[str], columns: Iterable[str], where: str) -> None:
        for cell, column in zip(cells, columns, strict=False):
            if not self.own_text(cell):
                continue
            if column == "fort":
                self.synthesis.strengths.append(cell)
            elif column == "faible":
                self.synthesis.weaknesses.append(cell)
            else:
                self.other(cell, "colonne ajoutée au tableau des points forts et faiblesses", where)

    def proposal_row(self, cells: Iterable[str], columns: Iterable[str], where: str) -> None:
        values: dict[str, list[str]] = {}
        for cell, column in zip(cells, columns, strict=False):
            if self.own_text(cell):
                values.setdefault(column, []).append(cell)
        text = "\n".join(values.get("proposition", []))
        scope_text = " ".join(values.get("portee", []))
        actors = "\n".join(values.get("acteurs", []) + values.get("autre", []))
        if not text:
            self.other(" | ".join(v for vs in values.values() for v in vs),
                       "ligne de propositions sans proposition", where)
            return
        self.synthesis.proposals.append(Proposal(text, parse_scope(scope_text), scope_text, actors, where))

    def finish_synthesis(self) -> None:
        """Nothing to close yet: a synthesis is complete when the next one starts."""

    def report(self) -> Received:
        for (number, part), fields in self.unfilled.items():
            unique = list(dict.fromkeys(fields))
            shown = ", ".join(f"« {_short(f, 40)} »" for f in unique[:4]) + (" …" if len(unique) > 4 else "")
            prefix = f"synthèse n° {number} : " if len(self.result.syntheses) > 1 else ""
            self.problem(part, f"{prefix}{_count(len(fields), 'champ non rempli', 'champs non remplis')} "
                         f"({shown})")
        return self.result


def _columns(header: tuple[str, ...], part: str, width: int) -> list[str]:
    """The column of each cell, from the header row, or the template's order when there is none."""
    defaults = {"rencontres": ["numero", "date", "commune", "cantons", "participants"],
                "diagnostic": ["fort", "faible"],
                "propositions": ["proposition", "portee", "acteurs"]}[part]
    if not header or not any(bare(h) for h in header):
        return defaults + ["autre"] * max(0, width - len(defaults))
    columns = []
    for cell in header:
        folded = fold(cell)
        if part == "rencontres":
            column = next((name for word, name in (("date", "date"), ("lieu", "commune"), ("commune", "commune"),
                                                   ("canton", "cantons"), ("particip", "participants"),
                                                   ("n", "numero")) if re.search(rf"\b{word}", folded)), "autre")
        elif part == "diagnostic":
            column = "fort" if "fort" in folded else "faible" if "faibl" in folded else "autre"
        else:
            column = next((name for word, name in (("proposition", "proposition"), ("portee", "portee"),
                                                   ("acteur", "acteurs")) if word in folded), "autre")
        columns.append(column)
    return columns + ["autre"] * max(0, width - len(columns))


def _split_cells(text: str) -> list[str]:
    """The cells of a table row typed as text; an empty cell between two others is kept."""
    cells = [cell.strip() for cell in _CELLS.split(text)]
    while cells and not cells[-1]:
        cells.pop()
    while cells and not cells[0]:
        cells.pop(0)
    return cells if sum(1 for cell in cells if cell) >= 2 else [text]


def _short(text: str, size: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size - 1].rstrip() + "…"


def _count(value: int, singular: str, plural: str) -> str:
    return f"{value} {singular if value < 2 else plural}"


def recognise(document: Document, file: str, names: DepartementNames) -> Received:
    """The syntheses ``document`` holds, with every problem of their reading."""
    reader = _Reader(document, file, names)
    reader.run()
    return reader.report()
