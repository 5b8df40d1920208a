"""What the calendar knows of a forum, written as the kit writes it, for its documents.

The « Préparer un forum » page fills each forum's documents in the reader's
browser from these facts (one small JSON file per département, made with the
calendar's other downloads): a fact the calendar does not know is left out,
so that its field stays to fill in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from kit.calendar.model import Forum
from kit.calendar.pages import _text, at_commune
from kit.french import french_date, french_time
from kit.territory import Territory

# Under calendrier/<code>/: the facts of the département's forums.
FACTS_NAME = "documents.json"


def forum_facts(forum: Forum, territory: Territory) -> dict[str, str]:
    """The facts of ``forum`` by name (``date``, ``heure_debut``, ``lieu``…), known ones only.

    Times are local to the forum's territory, as everywhere in the kit.
    """
    dep = territory.departements[forum.departement]
    day = french_date(forum.date, weekday=True)
    commune = _text(forum.commune)
    facts = {
        "id": forum.uid,
        "statut": forum.statut,
        "titre": f"forum du {day} {at_commune(commune)}",
        "date": day,
        "commune": commune,
        "a_commune": at_commune(commune),  # « à Rouen », « au Havre »
        "departement": dep.nom,
        "le_departement": dep.with_article,  # « la Loire-Atlantique »
        "du_departement": dep.of,  # « de la Loire-Atlantique »
        "heure_debut": french_time(forum.heure_debut) if forum.heure_debut else "",
        "heure_fin": french_time(forum.heure_fin) if forum.heure_fin else "",
        "lieu": _text(forum.lieu),
        "adresse": _text(forum.adresse),
        "animateur": _text(forum.animateur),
    }
    return {name: value for name, value in facts.items() if value}


def facts_json(forums: Iterable[Forum], territory: Territory) -> bytes:
    """The facts of ``forums`` as one JSON document: ``{"forums": {uid: facts}}``."""
    document = {"forums": {forum.uid: forum_facts(forum, territory) for forum in forums}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
