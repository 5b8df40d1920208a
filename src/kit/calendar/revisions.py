"""Each forum's revision: what tells a subscribed calendar that an event changed.

The calendar file keeps, for every forum, a ``sequence`` (0 when first
published) and ``modifie`` (UTC time of its last change). ``merge`` keeps
them: a new date, new times, a new place or a new status is a new version
of the event (iCalendar SEQUENCE grows, RFC 5545 3.8.7.4); any other
published change only moves ``modifie``. The exports read both from the
data, never from the clock, so that two builds of the same data give the
same bytes.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kit.calendar.limits import quoted
from kit.calendar.values import BadValue

if TYPE_CHECKING:
    from kit.calendar.model import Forum

# A change of these makes a new version of the event (SEQUENCE + 1).
SIGNIFICANT = ("date", "heure_debut", "heure_fin", "commune", "lieu", "adresse", "statut")
# A change of these is published (LAST-MODIFIED moves); « contact » never is.
PUBLISHED = SIGNIFICANT + ("departement", "cantons", "animateur", "source", "annonce", "id")


_SEQUENCE = re.compile(r"[0-9]{1,6}")


def now() -> datetime:
    """The current UTC time to the second: a revision's time."""
    return datetime.now(UTC).replace(microsecond=0)


def format_modified(moment: datetime | None) -> str:
    """« 2009-04-10T08:00:00Z », or an empty string."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_revision(sequence: str, modified: Any) -> tuple[int, datetime | None]:
    """The ``sequence`` and ``modifie`` cells of the calendar file."""
    number = 0
    if sequence.strip():
        if not _SEQUENCE.fullmatch(sequence.strip()):  # not str.isdigit(): « ¹ » is a digit there
            raise BadValue(f"séquence « {quoted(str(sequence))} » invalide : un nombre entier positif "
                           "(tenu par la fusion)")
        number = int(sequence)
    moment = None
    if isinstance(modified, datetime):
        moment = modified if modified.tzinfo else modified.replace(tzinfo=UTC)
    elif modified is not None and str(modified).strip():
        try:
            moment = datetime.fromisoformat(str(modified).strip())
        except ValueError:
            raise BadValue(f"date de modification « {quoted(str(modified))} » illisible (attendu : "
                           "2009-04-10T08:00:00Z, tenue par la fusion)") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
    return number, (moment.astimezone(UTC) if moment else None)


def revised(old: Forum, new: Forum, moment: datetime) -> Forum:
    """``new`` (``old`` updated) with its revision: sequence and time moved as its changes require."""
    if any(getattr(old, name) != getattr(new, name) for name in SIGNIFICANT):
        return replace(new, sequence=old.sequence + 1, modifie=moment)
    if any(getattr(old, name) != getattr(new, name) for name in PUBLISHED):
        return replace(new, sequence=old.sequence, modifie=moment)
    return replace(new, sequence=old.sequence, modifie=old.modifie)


def first_revision(forum: Forum, moment: datetime) -> Forum:
    """A forum added by a merge: version 0, made now."""
    return replace(forum, sequence=0, modifie=moment)
