"""ICS, JSON and CSV exports, parsed back."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import icalendar
import pytest

from conftest import PROJECT
from content import calendar_rows
from kit.calendar.exports import to_csv, to_ics, to_json
from kit.calendar.model import Forum, load_campaign
from kit.calendar.read import load_calendar, read_calendar
from kit.territory import load_territory

# The publication gate: scripts/publish.py runs these tests before each publication.
pytestmark = pytest.mark.gate

FIXTURES = Path(__file__).parent / "data" / "forums"
TERRITORY = load_territory(PROJECT.reference)
XSS = "<script>alert(1)</script>"


def forums(name: str) -> list[Forum]:
    calendar = read_calendar(FIXTURES / name, territory=TERRITORY, campaign=load_campaign(PROJECT.campaign_file))
    assert calendar.errors == []
    return calendar.forums


def hostile_forums() -> list[Forum]:
    """xss.csv's forum, its commune made hostile too (the reader only lets 2009 communes in)."""
    return [replace(forum, commune=XSS) for forum in forums("xss.csv")]


def events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def by_uid(data: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in events(data)}


def test_ics_parses_back_with_one_event_per_forum() -> None:
    calendar = load_calendar(PROJECT).forums
    data = to_ics(calendar, TERRITORY, name="Forums sécurité 2009")
    parsed = icalendar.Calendar.from_ical(data)
    assert str(parsed["X-WR-CALNAME"]) == "Forums sécurité 2009"
    assert len(events(data)) == len(calendar_rows()) > 0
    assert {str(e["UID"]) for e in events(data)} == {f"{f.uid}@forums-securite-2009.interieur.gouv.fr"
                                                     for f in calendar}
    assert b"\r\n" in data


def test_ics_same_bytes_twice_and_uids_stable_after_edits() -> None:
    calendar = forums("valide_pointvirgule_utf8.csv")
    first = to_ics(calendar, TERRITORY, name="x")
    assert to_ics(list(reversed(calendar)), TERRITORY, name="x") == first
    edited = [replace(calendar[0], heure_debut=time(18, 0), lieu="autre salle", statut="annulé"), calendar[1]]
    after = to_ics(edited, TERRITORY, name="x")
    assert after != first
    assert list(by_uid(after)) == list(by_uid(first))
    # With an id, even the date can move.
    with_id = replace(calendar[0], id="herblain-1")
    moved = replace(with_id, date=date(2009, 4, 21))
    assert list(by_uid(to_ics([with_id], TERRITORY, name="x"))) == \
        list(by_uid(to_ics([moved], TERRITORY, name="x"))) == ["herblain-1@forums-securite-2009.interieur.gouv.fr"]


def test_ics_dtstamp_comes_from_the_data() -> None:
    calendar = forums("valide_pointvirgule_utf8.csv")
    stamps = [e.decoded("DTSTAMP") for e in events(to_ics(calendar, TERRITORY, name="x"))]
    # The announcement date when known, else the circular's date.
    assert stamps == [datetime(2009, 3, 20, tzinfo=stamps[0].tzinfo), datetime(2009, 2, 26, tzinfo=stamps[1].tzinfo)]
    assert all(s.utcoffset() == timedelta(0) for s in stamps)


def test_ics_summer_time_and_reunion_offsets() -> None:
    data = to_ics(forums("heure_ete.csv") + forums("reunion.csv"), TERRITORY, name="x")
    parsed = icalendar.Calendar.from_ical(data)
    zones = {str(tz["TZID"]): tz for tz in parsed.walk("VTIMEZONE")}
    assert set(zones) == {"Europe/Paris", "Indian/Reunion"}
    daylight = zones["Europe/Paris"].walk("DAYLIGHT")[0]
    # RFC 5545: onset in the local time in force before the change.
    assert daylight.decoded("DTSTART") == datetime(2009, 3, 29, 2, 0)
    starts = {e.decoded("DTSTART").date(): e.decoded("DTSTART") for e in parsed.walk("VEVENT")}
    assert starts[date(2009, 3, 27)].utcoffset() == timedelta(hours=1)
    assert starts[date(2009, 3, 31)].utcoffset() == timedelta(hours=2)
    assert starts[date(2009, 5, 13)].utcoffset() == timedelta(hours=4)
    assert starts[date(2009, 5, 13)].hour == 16
    assert b"DTSTART;TZID=Indian/Reunion:20090513T163000" in data
    assert b"DTSTART;TZID=Europe/Paris:20090327T180000" in data


def test_ics_default_two_hours_end_time_and_all_day_forums() -> None:
    timed = by_uid(to_ics(forums("valide_pointvirgule_utf8.csv"), TERRITORY, name="x"))
    durations = sorted(e.decoded("DTEND") - e.decoded("DTSTART") for e in timed.values())
    assert durations == [timedelta(hours=2), timedelta(hours=2)]  # 17:30–19:30 given, 19:00 + 2 h
    [all_day] = events(to_ics(forums("avertissement_heure_inconnue.csv"), TERRITORY, name="x"))
    assert all_day.decoded("DTSTART") == date(2009, 5, 12)
    assert all_day.decoded("DTEND") == date(2009, 5, 13)


def test_ics_status_summary_location_and_no_contact() -> None:
    data = to_ics(forums("statuts.csv") + forums("valide_pointvirgule_utf8.csv"), TERRITORY, name="x")
    found = {str(e["SUMMARY"]): str(e["STATUS"]) for e in events(data)}
    assert found["Forum sécurité – Nantes"] == "CONFIRMED"
    assert found["Annulé : Forum sécurité – Rezé"] == "CANCELLED"
    assert found["Reporté : Forum sécurité – Orvault"] == "TENTATIVE"
    assert found["Forum sécurité – Vertou"] == "CONFIRMED"
    herblain = next(e for e in events(data) if "Saint-Herblain" in str(e["SUMMARY"]))
    assert str(herblain["LOCATION"]) == "salle de la Bernardière, rue de la Bernardière, Saint-Herblain"
    description = str(herblain["DESCRIPTION"])
    assert "Loire-Atlantique (44)" in description and "Saint-Herblain-Ouest-Indre hors" in description
    assert "Commissaire Durand" in description
    assert b"06 12 34 56 78" not in data and b"URL" not in data


def test_ics_keeps_hostile_text_as_text() -> None:
    data = to_ics(hostile_forums(), TERRITORY, name="x")
    [event] = events(data)
    assert str(event["LOCATION"]) == f"{XSS}, {XSS}, {XSS}"
    assert XSS in str(event["DESCRIPTION"])


def test_json_is_schema_org_and_deterministic() -> None:
    calendar = forums("heure_ete.csv") + forums("reunion.csv") + forums("statuts.csv")
    text = to_json(calendar, TERRITORY)
    assert text == to_json(list(reversed(calendar)), TERRITORY)
    document = json.loads(text)
    assert document["numberOfItems"] == len(document["forums"]) == 7
    first = document["forums"][0]
    assert document["@type"] == "ItemList" and document["@context"]["@vocab"] == "https://schema.org/"
    assert "@context" not in first and first["@type"] == "Event"
    assert first["identifier"] == "44-2009-03-27-nantes"
    assert first["startDate"] == "2009-03-27T18:00:00+01:00"
    assert first["endDate"] == "2009-03-27T20:00:00+01:00"
    assert first["location"] == {
        "@type": "Place", "name": "salle A",
        "address": {"@type": "PostalAddress", "addressLocality": "Nantes", "addressRegion": "Loire-Atlantique",
                    "addressCountry": "FR"},
        "containedInPlace": {"@type": "AdministrativeArea", "identifier": "44", "name": "Loire-Atlantique"},
    }
    starts = {e["identifier"]: e["startDate"] for e in document["forums"]}
    assert starts["44-2009-03-31-reze"] == "2009-03-31T18:00:00+02:00"
    assert starts["974-2009-05-13-la-possession"] == "2009-05-13T16:30:00+04:00"
    statuses = {e["location"]["address"]["addressLocality"]: e["eventStatus"].rsplit("/", 1)[1]
                for e in document["forums"] if e["startDate"] >= "2009-04-14"}
    assert statuses == {"Nantes": "EventScheduled", "Rezé": "EventCancelled", "Orvault": "EventPostponed",
                        "Vertou": "EventScheduled", "La Possession": "EventScheduled"}


def test_json_all_day_forum_and_no_contact() -> None:
    document = json.loads(to_json(forums("avertissement_heure_inconnue.csv") +
                                  forums("valide_pointvirgule_utf8.csv"), TERRITORY))
    all_day = document["forums"][-1]
    assert all_day["startDate"] == all_day["endDate"] == "2009-05-12"
    herblain = document["forums"][0]
    assert herblain["location"]["address"]["streetAddress"] == "rue de la Bernardière"
    assert herblain["performer"] == {"@type": "Person", "name": "Commissaire Durand"}
    assert "06 12 34 56 78" not in json.dumps(document)


def test_json_keeps_hostile_text_as_data() -> None:
    [event] = json.loads(to_json(hostile_forums(), TERRITORY))["forums"]
    assert event["location"]["name"] == XSS
    assert event["location"]["address"]["addressLocality"] == XSS
    assert event["performer"]["name"] == XSS


def test_csv_neutralises_formulas_and_drops_contact() -> None:
    text = to_csv(forums("formule.csv"), TERRITORY)
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert "contact" not in rows[0]
    assert rows[0]["lieu"] == "'=HYPERLINK(\"http://exemple.invalid/\",\"Cliquez\")"
    assert rows[0]["adresse"] == "'+33 2 40 00 00 00"
    assert rows[0]["animateur"] == "'@animateur"
    assert rows[0]["date"] == "2009-04-14" and rows[0]["heure_debut"] == "18:00"
    for row in rows:
        for value in row.values():
            assert not value.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_every_field_round_trips_hostile_text() -> None:
    text = to_csv(hostile_forums(), TERRITORY)
    [row] = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    for column in ("commune", "lieu", "adresse", "cantons", "animateur", "source"):
        assert row[column] == XSS
    assert XSS not in text.split("\r\n")[0]


def test_csv_gives_canton_names() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(forums("avertissement_canton_inconnu.csv"), TERRITORY)),
                               delimiter=";"))
    assert rows[0]["cantons"] == "Atlantide, La Chapelle-sur-Erdre"
