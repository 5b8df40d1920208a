"""How each file of :data:`kit.documents.registry.MADE_FILES` is made, and what it is made from."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kit.calendar import model
from kit.documents import calendar_template, publipostage, workbook
from kit.documents.registry import MadeFile
from kit.territory import Territory

_MAKERS: dict[tuple[str, str], Callable[[Territory], bytes]] = {
    (publipostage.GUESTS_SLUG, "xlsx"): lambda _: publipostage.guests_xlsx(),
    (publipostage.GUESTS_SLUG, "ods"): lambda _: publipostage.guests_ods(),
    (publipostage.LETTER_SLUG, "docx"): lambda _: publipostage.render_letter_docx(),
    (publipostage.LETTER_SLUG, "odt"): lambda _: publipostage.render_letter_odt(),
    (calendar_template.SLUG, "xlsx"): calendar_template.template_xlsx,
    (calendar_template.SLUG, "ods"): calendar_template.template_ods,
}


def maker(made: MadeFile, suffix: str) -> Callable[[Territory], bytes]:
    """The function that makes ``made`` in the format ``suffix`` from the territory of 2009."""
    return _MAKERS[(made.slug, suffix)]


def sources(territory: Territory) -> tuple[str, ...]:
    """What the made files depend on: their code, the calendar's model, the départements' names."""
    code = tuple(Path(module.__file__ or "").read_text(encoding="utf-8")
                 for module in (model, workbook, publipostage, calendar_template))
    return (*code, "\n".join(calendar_template.departement_choices(territory)))
