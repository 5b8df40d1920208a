"""The « Suivi de la campagne » page (suivi/): figures, charts, the table by département, its exports.

Pure: never imports MkDocs. The page is a short Markdown text with the
figures the search index should see and placeholders; the tables and charts
are HTML fragments put in place by the calendar's plugin, like the calendar's
own (see :mod:`kit.calendar.pages`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache, partial
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from kit.calendar.exports import neutralise
from kit.calendar.locations import SECTION
from kit.calendar.map import map_layout
from kit.calendar.xlsx import FIXED_DATE, without_clock
from kit.campaign.charts import BLUE, GREEN, RED, Chart, Series, bar_chart, legend
from kit.campaign.progress import (
    FORUM_STATES,
    SYNTHESIS_LABELS,
    SYNTHESIS_STATES,
    DepartementProgress,
    Progress,
)
from kit.french import decimal, french_date, number, percent, plural
from kit.html.typography import french_text
from kit.territory import Territory

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
PROGRESS_SECTION = "suivi"
PROGRESS_URI = f"{PROGRESS_SECTION}/index.md"
EXPORT_NAME = "suivi-campagne"
PLACEHOLDER = "<!-- kit-calendar:{} -->"

# The table by département and its exports: (key, header).
TABLE_COLUMNS = (
    ("departement", "Département"),
    ("calendrier", "Calendrier reçu le"),
    ("calendrier_modifie", "Dernière modification"),
    ("forums", "Forums"),
    ("prevus", "Prévus"),
    ("a_confirmer", "À confirmer"),
    ("tenus", "Tenus"),
    ("annules", "Annulés"),
    ("reportes", "Reportés"),
    ("participants", "Participants comptés"),
    ("forums_comptes", "Forums comptés"),
    ("synthese", "Synthèse"),
    ("synthese_recue", "Synthèse reçue le"),
    ("jours", "Jours de retard ou restants"),
    ("comptes_rendus", "Comptes rendus annexés"),
    ("remarque", "Remarque"),
)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(number=number, plural=plural, percent=percent, french_date=french_date, french=french_text,
                       long_date=partial(french_date, weekday=True))
    env.globals.update(placeholder=lambda name: Markup(PLACEHOLDER.format(name)), FORUM_STATES=FORUM_STATES,
                       SYNTHESIS_LABELS=SYNTHESIS_LABELS, SYNTHESIS_STATES=SYNTHESIS_STATES)
    return env


def _render(name: str, **context: object) -> str:
    return _environment().get_template(name).render(**context)


def days_text(row: DepartementProgress) -> str:
    """« 3 jours de retard », « 4 jours restants », « – »."""
    if row.synthesis_state in ("en retard", "manquante"):
        return plural(row.days, "jour de retard", "jours de retard")
    if row.synthesis_state == "attendue":
        return plural(row.days, "jour restant", "jours restants")
    return "–"


def row_values(row: DepartementProgress) -> dict[str, str | int | date | None]:
    """One département's cells, typed (the page formats them; the exports keep them as they are)."""
    receipt, synthesis = row.receipt, row.synthesis
    days: int | None = None
    if row.synthesis_state in ("en retard", "manquante"):
        days = row.days
    elif row.synthesis_state == "attendue":
        days = -row.days
    return {
        "departement": f"{row.departement.nom} ({row.departement.code})",
        "calendrier": receipt.premiere_reception if receipt else None,
        "calendrier_modifie": receipt.last_change if receipt else None,
        "forums": row.forums,
        "prevus": row.states["prévu"],
        "a_confirmer": row.states["à confirmer"],
        "tenus": row.states["tenu"],
        "annules": row.states["annulé"],
        "reportes": row.states["reporté"],
        "participants": row.participants,
        "forums_comptes": row.counted,
        "synthese": SYNTHESIS_LABELS[row.synthesis_state],
        "synthese_recue": synthesis.recue_le if synthesis else None,
        "jours": days,
        "comptes_rendus": synthesis.comptes_rendus if synthesis else None,
        "remarque": " ; ".join(text for text in (receipt.remarque if receipt else "",
                                                 synthesis.remarque if synthesis else "") if text),
    }


def to_csv(progress: Progress) -> bytes:
    """The table by département as CSV for Excel (UTF-8 with BOM, « ; »); days late positive, left negative."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([header for _, header in TABLE_COLUMNS])
    for row in progress.departements:
        values = row_values(row)
        writer.writerow([neutralise(_cell_text(values[key])) for key, _ in TABLE_COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell_text(value: str | int | date | None) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def to_xlsx(progress: Progress) -> bytes:
    """The table by département as a workbook: dates and numbers in real cells, no formula."""
    # Imported here: a build that takes its workbook back from the cache never loads openpyxl (0.13 s).
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Suivi"
    for column, (_, header) in enumerate(TABLE_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.data_type = "s"
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEEEF8")
    for index, row in enumerate(progress.departements, start=2):
        values = row_values(row)
        for column, (key, _) in enumerate(TABLE_COLUMNS, start=1):
            value = values[key]
            if value is None:
                continue
            cell = sheet.cell(row=index, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            elif isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
    for column, (_, header) in enumerate(TABLE_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(12, min(len(header) + 2, 34))
    sheet.column_dimensions["A"].width = 34
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(TABLE_COLUMNS))}{len(progress.departements) + 1}"
    properties = workbook.properties
    properties.title = "Suivi de la campagne des forums sécurité 2009"
    properties.language = "fr-FR"
    properties.creator = properties.lastModifiedBy = "Ministère de l'Intérieur"
    properties.created = properties.modified = FIXED_DATE
    out = io.BytesIO()
    workbook.save(out)
    return without_clock(out.getvalue())


def week_chart(progress: Progress) -> Chart:
    return _typographed(Chart(
        id="kit-suivi-semaines", title="Forums par semaine : annoncés et tenus",
        description=("Pour chaque semaine de la campagne (du lundi au dimanche), le nombre de forums annoncés, "
                     "hors forums annulés ou reportés, et, parmi eux, le nombre de forums tenus. Le tableau qui "
                     "suit donne les mêmes chiffres."),
        row_header="Semaine du",
        series=(Series("Forums annoncés", BLUE), Series("dont tenus", GREEN)),
        rows=tuple((french_date(w.monday, year=False), (w.planned, w.held)) for w in progress.weeks)))


def arrival_chart(progress: Progress) -> Chart:
    marker = None
    if progress.deadline is not None:
        for index, day in enumerate(progress.arrival_days):
            if day.day == progress.deadline:
                marker = index
    deadline = french_date(progress.deadline) if progress.deadline else ""
    return _typographed(Chart(
        id="kit-suivi-arrivees", title="Synthèses départementales reçues par jour",
        description=(f"Nombre de synthèses reçues chaque jour, à temps (au plus tard le {deadline}, en plein) ou en "
                     "retard (hachuré) ; la ligne pointillée marque la date limite. Le tableau qui suit donne "
                     "les mêmes chiffres, avec le cumul."),
        row_header="Jour",
        series=(Series("À temps", BLUE), Series("En retard", RED, pattern=True)),
        rows=tuple((french_date(d.day, year=False), (d.on_time, d.late)) for d in progress.arrival_days),
        marker=marker, marker_label=f"date limite : {deadline}" if deadline else ""))


def _typographed(chart: Chart) -> Chart:
    """The chart's texts with French no-break spaces (its fragment is put in place after the page's typography)."""
    return replace(chart, title=french_text(chart.title), description=french_text(chart.description),
                   marker_label=french_text(chart.marker_label))


MAP_STATES = {  # synthesis state -> fill, pattern
    "à temps": (BLUE, False),
    "en retard": (RED, True),
    "attendue": ("#ffffff", False),
    "manquante": (RED, False),
}


@dataclass
class ProgressPage:
    """The page's Markdown, its fragments (name -> HTML) and its downloads (site path -> bytes)."""

    markdown: str
    fragments: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)


def render_progress(progress: Progress, territory: Territory, *, index_file: str = "") -> ProgressPage:
    """The « Suivi de la campagne » page of ``progress``."""
    weeks, arrivals = week_chart(progress), arrival_chart(progress)
    rows = [(row, row_values(row), days_text(row)) for row in progress.departements]
    calendar_base = f"../{SECTION}/"
    median = progress.median_attendance
    common = dict(p=progress, index_file=index_file, calendar_base=calendar_base, export=EXPORT_NAME,
                  SYNTHESIS_LABELS=SYNTHESIS_LABELS,
                  median="" if median is None else number(int(median)) if median == int(median) else decimal(median))
    markdown = _render("suivi.md.j2", **common)
    layout = map_layout(territory, set(territory.departements))
    state_of = {row.departement.code: row.synthesis_state for row in progress.departements if row.expected
                or row.synthesis is not None}
    fragments = {
        "weeks": _render("chart.html.j2", chart=weeks, svg=bar_chart(weeks), legend=legend(weeks.series, weeks.id)),
        "arrivals": _render("chart.html.j2", chart=arrivals, svg=bar_chart(arrivals, stacked=True),
                            legend=legend(arrivals.series, arrivals.id), cumulative=progress.arrival_days)
        if progress.arrival_days else "",
        "map": _render("map.html.j2", layout=layout, state_of=state_of, MAP_STATES=MAP_STATES,
                       rows={r.departement.code: r for r in progress.departements}, **common),
        "table": _render("table.html.j2", rows=rows, columns=TABLE_COLUMNS, **common),
    }
    files = {f"{PROGRESS_SECTION}/{EXPORT_NAME}.csv": to_csv(progress),
             f"{PROGRESS_SECTION}/{EXPORT_NAME}.xlsx": to_xlsx(progress)}
    return ProgressPage(markdown=markdown, fragments=fragments, files=files)
