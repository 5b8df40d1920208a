"""Public exports of the forum calendar: iCalendar, JSON (schema.org), CSV.

No export ever carries the ``contact`` column (intranet only). Every export
is deterministic: the same forums give the same bytes, whatever the day of
the build.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from kit.calendar.datafile import forum_cells
from kit.calendar.model import (
    COLUMNS,
    REVISION_COLUMNS,
    Forum,
    day_span,
    default_forum_duration,
    end_assumed,
    in_calendar_order,
)
from kit.french import END_UNKNOWN, french_duration, french_time
from kit.territory import Departement, Territory

if TYPE_CHECKING:
    import icalendar

UID_DOMAIN = "forums-securite-2009.interieur.gouv.fr"
PRODID = "-//Ministère de l'Intérieur//Forums sécurité 2009//FR"
OPERATION = "Vos libertés, votre sécurité : parlons-en ensemble"
DEFAULT_NAME = "Forums sécurité 2009"
CALENDAR_DESCRIPTION = f"Forums « {OPERATION} » (circulaire du 26 février 2009)"
# DTSTAMP of forums whose announcement date is unknown: the circular's date,
# so that two builds of the same data give the same bytes.
CIRCULAR_DATE = date(2009, 2, 26)
PUBLIC_COLUMNS = tuple(c for c in COLUMNS if c != "contact" and c not in REVISION_COLUMNS)

_ICS_STATUS = {"prévu": "CONFIRMED", "tenu": "CONFIRMED", "reporté": "TENTATIVE", "annulé": "CANCELLED"}
_SCHEMA_STATUS = {
    "prévu": "https://schema.org/EventScheduled",
    "tenu": "https://schema.org/EventScheduled",
    "reporté": "https://schema.org/EventPostponed",
    "annulé": "https://schema.org/EventCancelled",
}
_TITLE_PREFIX = {"annulé": "Annulé : ", "reporté": "Reporté : "}
# Characters that make a spreadsheet read a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def title(forum: Forum) -> str:
    """« Forum sécurité – Saint-Herblain », « Annulé : Forum sécurité – Rouen »."""
    return f"{_TITLE_PREFIX.get(forum.statut, '')}Forum sécurité – {forum.commune}"


def location_text(forum: Forum) -> str:
    """Place, street address and commune, comma-separated."""
    return ", ".join(part for part in (forum.lieu, forum.adresse, forum.commune) if part)


def canton_names(forum: Forum, territory: Territory) -> list[str]:
    """Names of the cantons a forum covers (the text as given when unknown)."""
    names = []
    for code in forum.cantons:
        canton = territory.find_canton(forum.departement, code)
        names.append(canton.libelle if canton is not None and canton.code == code else code)
    return names


def description(forum: Forum, territory: Territory) -> str:
    """Plain-text description of a forum, in French, one fact a line."""
    departement = territory.departements.get(forum.departement)
    lines = [f"Forum « {OPERATION} »."]
    if departement is not None:
        lines.append(f"Département : {departement.nom} ({departement.code})")
    if forum.heure_debut is None:
        lines.append("Heure non communiquée.")
    elif end_assumed(forum):
        lines.append(f"Début à {french_time(forum.heure_debut)} ; {END_UNKNOWN} (durée indiquée par défaut : "
                     f"{french_duration(forum_duration(territory))}).")
    cantons = canton_names(forum, territory)
    if cantons:
        label = "Canton concerné" if len(cantons) == 1 else "Cantons concernés"
        lines.append(f"{label} : {', '.join(cantons)}")
    if forum.animateur:
        lines.append(f"Animation : {forum.animateur}")
    lines.append(f"Statut : {forum.statut}")
    if forum.participants is not None:
        lines.append(f"Participants : {forum.participants}")
    provenance = f"Provenance : {forum.provenance_label}"
    lines.append(f"{provenance} (source : {forum.source})" if forum.source else provenance)
    return "\n".join(lines)


def forum_duration(territory: Territory) -> timedelta:
    """The campaign's default duration of a forum without end time.

    The campaign file is the one of the project the territory was read from
    (``data/campagne.toml`` beside ``data/reference``).
    """
    return default_forum_duration(Path(territory.reference_dir).parent / "campagne.toml")


def local_span(forum: Forum, territory: Territory) -> tuple[datetime | date, datetime | date]:
    """Start and end in the forum's own time zone (dates for an all-day forum)."""
    start, end = day_span(forum, forum_duration(territory))
    if isinstance(start, datetime) and isinstance(end, datetime):
        zone = ZoneInfo(_timezone_name(forum, territory))
        return start.replace(tzinfo=zone), end.replace(tzinfo=zone)
    return start, end


def _timezone_name(forum: Forum, territory: Territory) -> str:
    departement = territory.departements.get(forum.departement)
    return departement.timezone if departement is not None else "Europe/Paris"


# iCalendar ------------------------------------------------------------------

@lru_cache(maxsize=64)
def _observances(tzid: str, first: date, last: date) -> tuple[tuple[datetime, timedelta, timedelta, str, bool], ...]:
    """(local onset, offset before, offset after, name, is summer time) of each period."""
    zone = ZoneInfo(tzid)

    def offset_at(instant: datetime) -> timedelta:
        return instant.astimezone(zone).utcoffset() or timedelta(0)

    def period(instant: datetime, before: timedelta) -> tuple[datetime, timedelta, timedelta, str, bool]:
        local = instant.astimezone(zone)
        return ((instant + before).replace(tzinfo=None), before, offset_at(instant), local.tzname() or tzid,
                bool(local.dst()))

    # The first period starts at local midnight of ``first``, whatever the zone.
    opening = datetime.combine(first, time(0), zone)
    offset = opening.utcoffset() or timedelta(0)
    instant = opening.astimezone(UTC)
    end = datetime.combine(last, time(0), zone).astimezone(UTC)
    periods = [period(instant, offset)]
    step = timedelta(days=1)
    while instant < end:
        following = instant + step
        if offset_at(following) != offset:
            # The change happened within this day: find its minute.
            low, high = instant, following
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if offset_at(middle) == offset:
                    low = middle
                else:
                    high = middle
            high = high.replace(second=0, microsecond=0)
            periods.append(period(high, offset))
            offset = offset_at(high)
            instant = high
            continue
        instant = following
    return tuple(periods)


def vtimezone(tzid: str, first: date, last: date) -> icalendar.Timezone:
    """VTIMEZONE for ``tzid`` valid from ``first`` to ``last``.

    Each observance starts at the local time of the change read in the
    offset in force before it (RFC 5545, 3.6.5): summer time of 2009 in
    Europe/Paris starts at 20090329T020000.
    """
    import icalendar

    component = icalendar.Timezone()
    component.add("tzid", tzid)
    for onset, before, after, name, summer in _observances(tzid, first, last):
        part = icalendar.TimezoneDaylight() if summer else icalendar.TimezoneStandard()
        part.add("dtstart", onset)
        part.add("tzoffsetfrom", before)
        part.add("tzoffsetto", after)
        part.add("tzname", name)
        component.add_component(part)
    return component


def to_ics(forums: Iterable[Forum], territory: Territory, *, name: str = DEFAULT_NAME) -> bytes:
    """The forums as an iCalendar file (RFC 5545), same bytes for the same data.

    UIDs are ``<uid>@forums-securite-2009.interieur.gouv.fr`` (see
    :attr:`Forum.uid`); DTSTAMP is the announcement date, or the circular's
    date when unknown; each forum is in its territory's time zone, with one
    VTIMEZONE per zone used; a forum without a start time is an all-day
    event; without an end time it lasts two hours. Events in calendar order:
    ``forums`` are sorted unless they already are (:class:`~kit.calendar.model.Ordered`).
    """
    forums = in_calendar_order(forums)
    timed = [f for f in forums if f.heure_debut is not None]
    zones = tuple(sorted({_timezone_name(f, territory) for f in timed}))
    years = (min(f.date for f in timed).year, max(f.date for f in timed).year) if timed else (0, 0)
    events = b"".join(_vevent(forum, territory) for forum in forums)
    return _head(name, zones, years) + events + _CLOSING


_CLOSING = b"END:VCALENDAR\r\n"


@lru_cache(maxsize=256)
def _head(name: str, zones: tuple[str, ...], years: tuple[int, int]) -> bytes:
    """The calendar's own lines and its VTIMEZONEs, without the closing line.

    Shared by every file with the same name, zones and years: the one-forum
    files (thousands of them) serialise it once.
    """
    # Imported where a calendar file is written: a build that takes its files back from the cache
    # never loads icalendar (0.05 s).
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # X- properties are TEXT too (RFC 5545, 3.8.8.2): icalendar escapes only the ones it knows
    # as such, so these are given as vText, which escapes « , ; \ » and line breaks.
    calendar.add("x-wr-calname", icalendar.vText(name))
    calendar.add("x-wr-caldesc", icalendar.vText(CALENDAR_DESCRIPTION))
    if zones:
        first, last = date(years[0], 1, 1), date(years[1] + 1, 1, 1)
        for tzid in zones:
            calendar.add_component(vtimezone(tzid, first, last))
    # icalendar serialises the calendar's own lines; the events, each serialised
    # once (see _vevent), go before its closing line.
    serialised = calendar.to_ical()
    assert serialised.endswith(_CLOSING)
    return serialised[: -len(_CLOSING)]


def _vevent(forum: Forum, territory: Territory) -> bytes:
    """One forum as a serialised VEVENT; the national and the département files share it."""
    key = (forum, id(territory))
    cached = _VEVENTS.get(key)
    if cached is not None:
        return cached
    import icalendar

    event = icalendar.Event()
    event.add("uid", f"{forum.uid}@{UID_DOMAIN}")
    # The revision's time (kept in the data by `merge`), never the build's: builds stay byte-stable.
    if forum.modifie is not None:
        event.add("dtstamp", forum.modifie)
        event.add("last-modified", forum.modifie)
    else:
        event.add("dtstamp", datetime.combine(forum.annonce or CIRCULAR_DATE, time(0), UTC))
    event.add("sequence", forum.sequence)
    start, end = local_span(forum, territory)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", title(forum))
    location = location_text(forum)
    if location:
        event.add("location", location)
    event.add("description", description(forum, territory))
    event.add("status", _ICS_STATUS.get(forum.statut, "CONFIRMED"))
    event.add("class", "PUBLIC")
    event.add("transp", "OPAQUE")
    serialised = event.to_ical()
    if len(_VEVENTS) > 50_000:  # bounded: a long `mkdocs serve` session edits many forums
        _VEVENTS.clear()
    _VEVENTS[key] = serialised
    return serialised


_VEVENTS: dict[tuple[Forum, int], bytes] = {}


# JSON (schema.org) ----------------------------------------------------------

def _organizer(departement: Departement | None) -> dict[str, str]:
    name = "Préfecture" if departement is None else f"Préfecture – {departement.nom}"
    if departement is not None and departement.code in {"987", "988"}:
        name = f"Haut-commissariat de la République – {departement.nom}"
    elif departement is not None and departement.code == "986":
        name = "Administration supérieure des îles Wallis et Futuna"
    return {"@type": "GovernmentOrganization", "name": name}


def to_event(forum: Forum, territory: Territory) -> dict[str, Any]:
    """One forum as a schema.org Event (a plain dict, ready for JSON)."""
    departement = territory.departements.get(forum.departement)
    start, end = local_span(forum, territory)
    if not isinstance(start, datetime):
        # schema.org dates are inclusive: an all-day forum ends on its own day.
        end = forum.date
    address: dict[str, Any] = {"@type": "PostalAddress"}
    if forum.adresse:
        address["streetAddress"] = forum.adresse
    address["addressLocality"] = forum.commune
    if departement is not None:
        address["addressRegion"] = departement.nom
    address["addressCountry"] = "FR"
    place: dict[str, Any] = {"@type": "Place", "name": forum.lieu or forum.commune, "address": address}
    if departement is not None:
        place["containedInPlace"] = {"@type": "AdministrativeArea", "identifier": departement.code,
                                     "name": departement.nom}
    event: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "identifier": forum.uid,
        "name": title(forum),
        "description": description(forum, territory),
        "startDate": start.isoformat(),
        "endDate": end.isoformat(),
        "eventStatus": _SCHEMA_STATUS.get(forum.statut, _SCHEMA_STATUS["prévu"]),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "isAccessibleForFree": True,
        "inLanguage": "fr",
        "location": place,
        "organizer": _organizer(departement),
    }
    if forum.animateur:
        event["performer"] = {"@type": "Person", "name": forum.animateur}
    return event


# The list's own context, written out in full: a JSON-LD processor reads the
# whole file without fetching anything, and ``forums`` (the key that scripts
# read) is schema.org's itemListElement.
JSONLD_CONTEXT: dict[str, Any] = {
    "@vocab": "https://schema.org/",
    "forums": {"@id": "https://schema.org/itemListElement", "@container": "@list"},
    "eventStatus": {"@type": "@id"},
    "eventAttendanceMode": {"@type": "@id"},
}


def to_json(forums: Iterable[Forum], territory: Territory, *, name: str = DEFAULT_NAME) -> str:
    """The forums as one JSON-LD document: a schema.org ItemList of Events.

    ``{"@context", "@type": "ItemList", "name", "about", "inLanguage",
    "numberOfItems", "forums": [Event, ...]}``: the keys of earlier files
    are kept, ``forums`` sorted by date; keys in a fixed order, UTF-8 text:
    the same data gives the same text.
    """
    events = []
    for forum in in_calendar_order(forums):
        event = to_event(forum, territory)
        del event["@context"]  # the list's context applies to its items
        events.append(event)
    document = {"@context": JSONLD_CONTEXT, "@type": "ItemList", "name": name, "about": OPERATION,
                "inLanguage": "fr", "numberOfItems": len(events), "forums": events}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# CSV ------------------------------------------------------------------------

def neutralise(cell: str) -> str:
    """A cell that a spreadsheet would run as a formula, made plain text.

    A leading quote is added to cells starting (after any spaces) with
    ``=``, ``+``, ``-``, ``@``, a tab or a line break.
    """
    stripped = cell.lstrip(" ")
    if stripped.startswith(_FORMULA_START) or cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def to_csv(forums: Iterable[Forum], territory: Territory | None = None, *, delimiter: str = ";") -> str:
    """The forums as CSV (every column but ``contact``), formulas neutralised.

    ``;`` as separator and CRLF line ends, as French spreadsheets expect;
    cantons by name when ``territory`` is given.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(PUBLIC_COLUMNS)
    for forum in in_calendar_order(forums):
        cells = forum_cells(forum, territory)
        writer.writerow([neutralise(cells[name]) for name in PUBLIC_COLUMNS])
    return out.getvalue()
