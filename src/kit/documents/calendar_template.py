"""The calendar template a prefecture fills in and sends to the DICOM (XLSX and ODS).

Its columns are the calendar's own (:data:`kit.calendar.model.COLUMNS`, less the
columns that ``merge`` fills itself, :data:`kit.calendar.model.MERGE_COLUMNS`), in the model's order and under the
model's names, so that ``forums.py check`` reads the template back as it reads
any calendar file, and a column added to the model appears here with nothing
else to change. Each column carries its input help; the département and the
status are chosen from drop-down lists. One example row, a forum of the 2009
calendar, shows how a row is written; ``check`` reads it as one valid forum.
"""

from __future__ import annotations

from datetime import date, time

from kit.calendar.model import COLUMNS, MERGE_COLUMNS, REQUIRED_COLUMNS, STATUTS
from kit.documents.workbook import Choices, Column, NamedRange, Sheet, Value, Workbook, to_ods, to_xlsx
from kit.territory import Territory

SLUG = "modele-calendrier-forums"
SHEET = "Forums"
LISTS_SHEET = "Listes"
DEPARTEMENTS_NAME = "Departements"

# What each column holds, as the input help shows it and the page « Envoyer le calendrier » lists it.
HELP: dict[str, str] = {
    "departement": "Choisissez dans la liste (« 44 - Loire-Atlantique »), ou tapez le code (« 44 ») ou le nom.",
    "date": "Le jour du forum : 14/04/2009.",
    "heure_debut": "Heure de début : 18:30 (ou 18h30). Laissez vide si elle n'est pas encore fixée.",
    "heure_fin": "Heure de fin prévue : 20:30. Facultative.",
    "commune": "Le nom officiel de la commune où se tient le forum (« Saint-Herblain »).",
    "lieu": "La salle : « salle de la Bernardière ». Laissez vide si elle n'est pas encore choisie.",
    "adresse": "Numéro et voie de la salle. Facultative.",
    "cantons": "Les cantons que couvre le forum, séparés par des virgules (noms ou codes). Forum "
                "regroupé : tous les cantons du regroupement.",
    "animateur": "Qui anime : « sous-préfet de Saint-Nazaire », « directeur de cabinet ». Facultatif.",
    "statut": "prévu, annulé, reporté ou tenu : choisissez dans la liste (vide : prévu).",
    "participants": "Pour un forum tenu seulement : le nombre de personnes comptées, en chiffres (« 70 »). "
                    "Laissez vide tant que le forum n'a pas eu lieu.",
    "contact": "Le correspondant à la préfecture (nom, téléphone). Jamais publié.",
    "source": "Adresse d'une annonce du forum (site de la préfecture, presse). Facultative.",
    "id": "Laissez vide : l'identifiant est donné par la DICOM. Pour modifier un forum déjà publié, "
          "recopiez son identifiant.",
    "annonce": "Le jour où le forum a été annoncé au public (14/03/2009). Facultative.",
}
_GENERIC_HELP = "Voir la page « Envoyer le calendrier à la DICOM » du kit."
_KINDS = {"date": "date", "annonce": "date", "heure_debut": "time", "heure_fin": "time"}
_WIDTHS = {"departement": 24, "date": 12, "heure_debut": 10, "heure_fin": 10, "commune": 22, "lieu": 28,
           "adresse": 28, "cantons": 30, "animateur": 26, "statut": 10, "contact": 26, "source": 30}

# A forum of the 2009 calendar (data/forums.csv), as the example row.
EXAMPLE: dict[str, Value] = {
    "departement": "44 - Loire-Atlantique", "date": date(2009, 4, 14), "heure_debut": time(17, 30),
    "commune": "Saint-Herblain", "lieu": "salle de la Bernardière", "cantons": "Saint-Herblain",
    "statut": "prévu",
}


# Columns a row cannot do without (the others may stay empty): the model's required columns whose cell
# must be filled; « heure_debut » and « lieu » must be there, but their cells may wait.
MANDATORY = frozenset(name for name in REQUIRED_COLUMNS if name not in ("heure_debut", "lieu"))


def template_columns() -> list[str]:
    """The template's columns: the calendar's, less those ``merge`` keeps itself."""
    return [name for name in COLUMNS if name not in MERGE_COLUMNS]


def help_for(name: str) -> str:
    return HELP.get(name, _GENERIC_HELP)


def departement_choices(territory: Territory) -> list[str]:
    """« 44 - Loire-Atlantique », in the order of the codes (a form ``forums.py check`` reads)."""
    return [f"{code} - {dep.nom}" for code, dep in sorted(territory.departements.items())]


def template_workbook(territory: Territory) -> Workbook:
    departements = departement_choices(territory)
    columns = []
    for name in template_columns():
        required = " (obligatoire)" if name in MANDATORY else ""
        choices = (Choices(name=DEPARTEMENTS_NAME) if name == "departement" else
                   Choices(STATUTS) if name == "statut" else None)
        columns.append(Column(name, _WIDTHS.get(name, 16), help_title=f"{name}{required}"[:32],
                              help=help_for(name), choices=choices, kind=_KINDS.get(name, "text")))
    example: list[Value] = [EXAMPLE.get(name) for name in template_columns()]
    forums = Sheet(SHEET, columns, [example], input_rows=1000)
    lists = Sheet(LISTS_SHEET, [Column("departement", 34), Column("statut", 12)],
                  [[dep, STATUTS[i] if i < len(STATUTS) else None] for i, dep in enumerate(departements)],
                  input_rows=len(departements))
    return Workbook([forums, lists],
                    [NamedRange(DEPARTEMENTS_NAME, LISTS_SHEET, 0, 2, len(departements) + 1)],
                    title="Forums sécurité 2009 : calendrier à envoyer à la DICOM")


def template_xlsx(territory: Territory) -> bytes:
    return to_xlsx(template_workbook(territory))


def template_ods(territory: Territory) -> bytes:
    return to_ods(template_workbook(territory))
