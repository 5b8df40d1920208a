"""The calendar's downloads as their readers open them: ICS escaping (RFC 5545)
read back by ical.js, forums.json expanded by a JSON-LD processor (pyld), the
XLSX workbook's typed cells, frozen header and plain-text cells."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pyld import jsonld

from clients.tools import read_calendars
from conftest import PROJECT
from kit.calendar import exports
from kit.calendar.exports import to_ics, to_json
from kit.calendar.model import Forum, load_campaign
from kit.calendar.read import read_calendar
from kit.calendar.xlsx import COLUMNS, to_xlsx
from kit.territory import load_territory

FIXTURES = Path(__file__).parent / "data" / "forums"
TERRITORY = load_territory(PROJECT.reference)
# Every character RFC 5545 asks to escape in TEXT, and a line break.
HOSTILE = 'Salle « A », 1; 2\\3, =SOMME(A1) "x"\nsuite'
# Properties whose value type is TEXT (RFC 5545, 3.3.11; X- properties default to TEXT, 3.8.8.2).
TEXT_PROPERTIES = {"PRODID", "SUMMARY", "DESCRIPTION", "LOCATION", "TZNAME", "X-WR-CALNAME", "X-WR-CALDESC"}
ESCAPED_TEXT = re.compile(r"(?:[^\\,;]|\\[\\;,nN])*")


def forums(name: str) -> list[Forum]:
    calendar = read_calendar(FIXTURES / name, territory=TERRITORY, campaign=load_campaign(PROJECT.campaign_file))
    assert calendar.errors == []
    return calendar.forums


def hostile_forums() -> list[Forum]:
    base = forums("valide_pointvirgule_utf8.csv")
    return [replace(base[0], lieu=HOSTILE, adresse="1, rue; du Port", animateur="M. A\\B, C"), *base[1:]]


def content_lines(data: bytes) -> list[tuple[str, str]]:
    """(property name, raw value) of every content line, unfolded."""
    text = data.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")
    lines = []
    for line in text.split("\r\n"):
        if not line:
            continue
        head, _, value = line.partition(":")
        lines.append((head.split(";")[0].upper(), value))
    return lines


# ICS ---------------------------------------------------------------------------

@pytest.mark.gate
def test_every_text_property_is_escaped_as_rfc_5545_says() -> None:
    data = to_ics(hostile_forums(), TERRITORY, name="Forums, essai; « Finistère » \\ 29")
    found = set()
    for name, value in content_lines(data):
        if name in TEXT_PROPERTIES:
            found.add(name)
            assert ESCAPED_TEXT.fullmatch(value), f"{name} mal échappé : {value!r}"
    assert {"X-WR-CALNAME", "X-WR-CALDESC", "SUMMARY", "LOCATION", "DESCRIPTION"} <= found


@pytest.mark.gate
def test_calendar_description_has_its_comma_escaped() -> None:
    values = dict(content_lines(to_ics(forums("valide_pointvirgule_utf8.csv"), TERRITORY)))
    assert "," in exports.CALENDAR_DESCRIPTION
    assert values["X-WR-CALDESC"] == exports.CALENDAR_DESCRIPTION.replace(",", "\\,")


@pytest.mark.icaljs
def test_icaljs_reads_back_every_text_exactly(tmp_path: Path) -> None:
    name = "Forums, essai; « Finistère » \\ 29"
    calendar = hostile_forums()
    path = tmp_path / "forums.ics"
    path.write_bytes(to_ics(calendar, TERRITORY, name=name))
    [read] = read_calendars([path])
    assert read["calendar"] == {"prodid": exports.PRODID, "x-wr-calname": name,
                                "x-wr-caldesc": exports.CALENDAR_DESCRIPTION}
    by_uid = {event["uid"].split("@")[0]: event for event in read["events"]}
    assert len(by_uid) == len(calendar)
    for forum in calendar:
        event = by_uid[forum.uid]
        assert event["summary"] == exports.title(forum)
        assert event["location"] == exports.location_text(forum)
        assert event["description"] == exports.description(forum, TERRITORY)
        start, _ = exports.local_span(forum, TERRITORY)
        if isinstance(start, datetime):
            assert event["tzid"] == TERRITORY.departements[forum.departement].timezone
            assert event["startUtc"] == int(start.timestamp())
        else:
            assert event["allDay"] and event["start"] == start.isoformat()


# JSON-LD -----------------------------------------------------------------------

def _no_network(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    raise AssertionError(f"le document demande un contexte distant : {url}")


@pytest.mark.gate
def test_forums_json_is_one_json_ld_document() -> None:
    calendar = forums("heure_ete.csv") + forums("reunion.csv") + forums("statuts.csv")
    document = json.loads(to_json(calendar, TERRITORY))
    assert document["@type"] == "ItemList" and document["numberOfItems"] == len(calendar)
    expanded = jsonld.expand(document, {"documentLoader": _no_network})
    schema = "https://schema.org/"
    [item_list] = expanded
    assert item_list["@type"] == [f"{schema}ItemList"]
    events = item_list[f"{schema}itemListElement"][0]["@list"]
    assert len(events) == len(calendar)
    assert all(event["@type"] == [f"{schema}Event"] for event in events)
    starts = [event[f"{schema}startDate"][0]["@value"] for event in events]
    assert starts == [event["startDate"] for event in document["forums"]]
    assert events[0][f"{schema}eventStatus"] == [{"@id": f"{schema}EventScheduled"}]
    assert events[0][f"{schema}location"][0][f"{schema}address"][0][f"{schema}addressCountry"] == [
        {"@value": "FR"}]


@pytest.mark.gate
def test_forums_json_keeps_what_its_readers_read() -> None:
    document = json.loads(to_json(forums("valide_pointvirgule_utf8.csv"), TERRITORY, name="Forums"))
    assert {"name", "about", "inLanguage", "numberOfItems", "forums"} <= set(document)
    assert document["name"] == "Forums"
    assert document["forums"][0]["@type"] == "Event"


# XLSX --------------------------------------------------------------------------

def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.mark.gate
def test_xlsx_has_typed_dates_and_times_a_frozen_header_and_widths() -> None:
    calendar = forums("heure_ete.csv") + forums("avertissement_heure_inconnue.csv")
    sheet = workbook(to_xlsx(calendar, TERRITORY)).active
    assert sheet is not None
    headers = [cell.value for cell in sheet[1]]
    assert headers == [header for _, header, _ in COLUMNS]
    assert sheet.freeze_panes == "A2"
    column = {name: index for index, (name, _, _) in enumerate(COLUMNS)}
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == len(calendar)
    ordered = sorted(calendar, key=lambda f: (f.date, f.heure_debut or time(0)))
    for row, forum in zip(rows, ordered, strict=True):
        day = row[column["date"]]
        assert day.is_date and day.value.date() == forum.date and day.number_format == "DD/MM/YYYY"
        start = row[column["heure_debut"]]
        if forum.heure_debut is None:
            assert start.value is None
        else:
            assert start.value == forum.heure_debut and start.number_format == "HH:MM"
        assert row[column["commune"]].value == forum.commune
    for letter, dimension in sheet.column_dimensions.items():
        assert 8 <= dimension.width <= 62, letter


@pytest.mark.gate
def test_xlsx_cells_can_never_be_formulas() -> None:
    calendar = forums("formule.csv")
    data = to_xlsx(calendar, TERRITORY)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    sheet = workbook(data).active
    assert sheet is not None
    values = [cell.value for cell in sheet[2]]
    assert calendar[0].lieu in values and calendar[0].lieu.startswith("=")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.gate
def test_xlsx_same_bytes_twice_no_contact_and_read_back_by_the_checker(tmp_path: Path) -> None:
    calendar = forums("valide_pointvirgule_utf8.csv")
    data = to_xlsx(calendar, TERRITORY)
    assert data == to_xlsx(list(reversed(calendar)), TERRITORY)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        # Nothing says when the file was made (the same data, another day: the same bytes).
        assert all(info.date_time[0] == 2009 for info in archive.infolist())
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core) == ["2009-02-26T00:00:00Z"] * 2
    path = tmp_path / "forums.xlsx"
    path.write_bytes(data)
    again = read_calendar(path, territory=TERRITORY, campaign=load_campaign(PROJECT.campaign_file))
    assert again.errors == []
    assert [replace(f, contact="", cantons=()) for f in again.forums] == \
        [replace(f, contact="", cantons=()) for f in sorted(calendar, key=lambda f: (f.date, f.commune))]
    assert all(f.contact for f in calendar if f.commune == "Saint-Herblain")
    assert all(not f.contact for f in again.forums)
    assert date(2009, 1, 1) <= again.forums[0].date
