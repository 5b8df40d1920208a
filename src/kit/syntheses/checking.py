"""A received file checked: read, its parts recognised, its forums and figures set against the calendar."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from kit.calendar.model import Forum
from kit.calendar.text import fold_key
from kit.french import french_date
from kit.syntheses.model import REQUIRED, Problem, Received, Synthesis
from kit.syntheses.parts import DepartementNames, recognise
from kit.syntheses.reading import Unreadable, read_document
from kit.territory import Territory

READABLE = (".docx", ".odt")
NOT_READ = (".pdf",)  # recorded as received, never read


def participants_of(forum: Forum) -> int | None:
    """The calendar's ``participants`` of a held forum, when the calendar has that column."""
    value = getattr(forum, "participants", None)
    return value if isinstance(value, int) else None


def read_received(path: Path, territory: Territory, forums: Sequence[Forum], *, shown: str = "") -> Received:
    """Read and check one received file; every problem is in the result."""
    path = Path(path)
    name = shown or str(path)
    names = DepartementNames(territory)
    suffix = path.suffix.lower()
    if suffix in NOT_READ:
        received = Received(name, read=False)
        code = names.find(path.stem)
        where = f" ({territory.departements[code].nom})" if code else ""
        received.problems.append(Problem(name, "", f"PDF reçu{where}, non lu automatiquement : il est enregistré "
                                         "comme reçu ; sa relecture se fait à la main (demandez si possible la "
                                         "version .docx ou .odt)", "information"))
        return received
    if suffix not in READABLE:
        received = Received(name, read=False)
        received.problems.append(Problem(name, "", f"format « {suffix or 'sans extension'} » non lu : enregistrez "
                                         "la synthèse au format .docx (Word) ou .odt (OpenOffice.org)"))
        return received
    try:
        document = read_document(path)
    except Unreadable as exc:
        received = Received(name, read=False)
        received.problems.append(Problem(name, "", str(exc)))
        return received
    except OSError as exc:
        from kit.cli.oserrors import french_os_error

        received = Received(name, read=False)
        received.problems.append(Problem(name, "", f"lecture impossible ({french_os_error(exc)})"))
        return received
    received = recognise(document, name, names)
    file_code = names.find(path.stem)
    by_departement: dict[str, list[Forum]] = {}
    for forum in forums:
        by_departement.setdefault(forum.departement, []).append(forum)
    for index, synthesis in enumerate(received.syntheses):
        _check_synthesis(received, synthesis, territory, by_departement,
                         file_code if index == 0 else "", len(received.syntheses) > 1)
    return received


def _check_synthesis(received: Received, synthesis: Synthesis, territory: Territory,
                     forums: dict[str, list[Forum]], file_code: str, several: bool) -> None:
    problems = received.problems
    file = received.file

    def add(part: str, message: str, severity: str = "avertissement", where: str = "") -> None:
        problems.append(Problem(file, part, message, severity, where))

    who = f"synthèse de « {synthesis.departement_text} » : " if several and synthesis.departement_text else ""
    if not synthesis.departement:
        if synthesis.departement_text:
            add("identification", f"département « {synthesis.departement_text} » inconnu : écrivez son nom ou "
                "son numéro (« Loire-Atlantique » ou « 44 »)", "erreur")
        elif file_code and not several:
            synthesis.departement = file_code
            add("identification", "champ « Département » non rempli : département pris du nom du fichier "
                f"({territory.departements[file_code].nom})")
        else:
            add("identification", "département introuvable : remplissez le champ « Département »", "erreur")
    elif file_code and file_code != synthesis.departement:
        add("identification", f"le champ « Département » dit {territory.departements[synthesis.departement].nom} "
            f"mais le nom du fichier désigne {territory.departements[file_code].nom} : vérifiez lequel est juste",
            "erreur")
    missing = [part for part in REQUIRED if part not in synthesis.parts_found]
    for part in missing:
        add(part, f"{who}partie absente (ni son titre ni son tableau n'ont été trouvés)")
    if len(missing) == len(REQUIRED):
        add("", f"{who}aucune partie du modèle reconnue : ce fichier ne semble pas être une synthèse "
            "départementale faite du modèle du kit", "erreur")
    for proposal in synthesis.proposals:
        if not proposal.scope:
            written = f" (« {proposal.scope_text} » non reconnue)" if proposal.scope_text else ""
            add("propositions", f"{who}proposition sans portée{written} : indiquez locale, départementale ou "
                f"nationale (« {_short(proposal.text)} »)", where=proposal.where)
    if synthesis.departement:
        _check_forums(add, who, synthesis, forums.get(synthesis.departement, []))


def _check_forums(add: Callable[..., None], who: str, synthesis: Synthesis, calendar: list[Forum]) -> None:
    listed = [row for row in synthesis.forums if row.date or row.commune]
    expected = [forum for forum in calendar if forum.statut != "annulé"]
    unmatched = list(expected)
    for row in listed:
        if row.date is None:
            add("rencontres", f"{who}date illisible pour la rencontre de « {row.commune or '?'} »", where=row.where)
        match = next((f for f in unmatched if f.date == row.date and fold_key(f.commune) == fold_key(row.commune)),
                     None)
        if match is None:
            same_place = next((f for f in unmatched if fold_key(f.commune) == fold_key(row.commune)), None)
            same_day = next((f for f in unmatched if row.date and f.date == row.date), None)
            if same_place is not None:
                add("rencontres", f"{who}{row.commune} : le calendrier donne le forum le "
                    f"{french_date(same_place.date)}, la synthèse le "
                    f"{french_date(row.date) if row.date else '?'}", where=row.where)
                match = same_place
            elif same_day is not None and row.commune:
                add("rencontres", f"{who}le {french_date(same_day.date)}, le calendrier donne le forum à "
                    f"{same_day.commune}, la synthèse à {row.commune}", where=row.where)
                match = same_day
            else:
                when = french_date(row.date) if row.date else "date illisible"
                add("rencontres", f"{who}rencontre absente du calendrier : {row.commune or '?'}, {when}",
                    where=row.where)
        if match is not None:
            unmatched.remove(match)
            if match.statut != "tenu":
                add("rencontres", f"{who}{match.commune}, {french_date(match.date)} : le calendrier le dit "
                    f"« {match.statut} », la synthèse le compte parmi les rencontres", where=row.where)
            counted = participants_of(match)
            if counted is not None and row.participants is not None and counted != row.participants:
                add("rencontres", f"{who}{match.commune}, {french_date(match.date)} : {row.participants} "
                    f"participants dans la synthèse, {counted} dans le calendrier", where=row.where)
    for forum in unmatched:
        add("rencontres", f"{who}forum du calendrier absent de la synthèse : {forum.commune}, "
            f"{french_date(forum.date)} ({forum.statut})")


def _short(text: str, size: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size - 1].rstrip() + "…"
