"""The forum calendar in the browser: the filter narrows the list, a forum's own ICS link downloads it."""

from __future__ import annotations

import re
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect

from kit.calendar.exports import UID_DOMAIN

from .conftest import url_of

ROWS = "#kit-cal-forums tbody tr"
VISIBLE_ROWS = f"{ROWS}:visible"


def open_calendar(site: Path, base_url: str, tab) -> None:
    if not (site / "calendrier" / "index.html").is_file():
        pytest.fail("pas de calendrier")
    tab.goto(url_of(base_url, "calendrier/"))
    if tab.locator("form.kit-cal-filter, [data-kit-cal-filter]").count() == 0:
        pytest.fail("le calendrier n'a pas de filtre")
    # The filter is shown by its script: until then, the list stays whole.
    tab.locator("[data-kit-cal-filter]").first.wait_for(state="visible")


def column(tab, title: str) -> int:
    """The index of the calendar table's column headed ``title``."""
    # (The list may be split into several tables, one a day, with the same columns.)
    headers = [h.strip() for h in tab.locator("#kit-cal-forums thead").first.locator("th").all_inner_texts()]
    assert title in headers, f"colonne « {title} » absente : {headers}"
    return headers.index(title)


def visible_cells(tab, index: int) -> list[str]:
    # textContent, not innerText: days off screen are not laid out (content-visibility),
    # and innerText of a cell not laid out yet can be empty.
    cells = tab.locator(f"{VISIBLE_ROWS} > td:nth-child({index + 1})").all_text_contents()
    return [" ".join(t.split()) for t in cells]


def test_filter_by_departement(site: Path, base_url: str, tab) -> None:
    open_calendar(site, base_url, tab)
    total = tab.locator(VISIBLE_ROWS).count()
    assert total == tab.locator(ROWS).count() and total > 1
    select = tab.get_by_label("Département", exact=True)
    options = [o for o in select.locator("option").all() if o.get_attribute("value")]
    assert len(options) >= 2, "il faut au moins deux départements pour filtrer"
    dep_col = column(tab, "Département")
    for option in options[:3]:
        code, label = option.get_attribute("value"), option.inner_text().strip()
        select.select_option(code)
        tab.wait_for_function(
            "([rows, code]) => [...document.querySelectorAll(rows)].every(r => r.hidden || "
            "getComputedStyle(r).display === 'none' || r.dataset.dep === code)", arg=[ROWS, code])
        shown = visible_cells(tab, dep_col)
        assert shown, f"aucun forum affiché pour {label}"
        assert len(shown) < total
        assert all(cell == label for cell in shown), f"{label} : {set(shown)}"
        count = tab.locator("[data-kit-cal-count]").inner_text()
        assert str(len(shown)) in count, f"compteur « {count} » pour {len(shown)} forums"
    select.select_option("")
    tab.wait_for_function("([rows, n]) => [...document.querySelectorAll(rows)]"
                          ".filter(r => r.offsetParent !== null).length === n", arg=[ROWS, total])


def test_filter_by_commune(site: Path, base_url: str, tab) -> None:
    open_calendar(site, base_url, tab)
    total = tab.locator(VISIBLE_ROWS).count()
    commune_col = column(tab, "Commune")
    communes = visible_cells(tab, commune_col)
    # A commune that holds some forums but not all.
    commune = next(c for c in sorted(set(communes), key=communes.count) if c)
    box = tab.get_by_label("Commune, lieu ou mot-clé")
    box.click()
    box.press_sequentially(commune, delay=10)
    # The filter runs 300 ms after the last key (sooner if the typing pauses): judged once it has run
    # on the whole name, which it then writes in the address (« ?q=… »).
    tab.wait_for_function("(q) => new URLSearchParams(location.search).get('q') === q", arg=commune.strip())
    shown_rows = tab.locator(VISIBLE_ROWS).all_text_contents()
    assert shown_rows and all(commune.lower() in row.lower() for row in shown_rows), shown_rows
    assert commune in visible_cells(tab, commune_col)
    # « Tout afficher » gives the whole list back.
    tab.get_by_role("button", name="Tout afficher").click()
    tab.wait_for_function("([rows, n]) => [...document.querySelectorAll(rows)]"
                          ".filter(r => r.offsetParent !== null).length === n", arg=[ROWS, total])
    assert box.input_value() == ""


def test_forum_ics_link_downloads_that_forum(site: Path, base_url: str, tab) -> None:
    open_calendar(site, base_url, tab)
    # After filtering, each forum left has its own link: the first one shown downloads that forum only.
    select = tab.get_by_label("Département", exact=True)
    code = select.locator("option").last.get_attribute("value")
    select.select_option(code)
    tab.wait_for_function("([rows, code]) => [...document.querySelectorAll(rows)].every(r => r.hidden || "
                          "r.dataset.dep === code)", arg=[ROWS, code])
    row = tab.locator(VISIBLE_ROWS).first
    commune = row.locator("td").nth(column(tab, "Commune")).text_content().strip()
    # Its name says which forum (WCAG 2.5.3: it starts with the visible text).
    link = row.get_by_role("link", name=re.compile(r"^Ajouter à mon agenda le forum du "))
    # Judged once the page has settled (Playwright retries until the text is there, or fails at its timeout).
    expect(link).to_have_text("Ajouter")
    assert commune.split()[-1] in link.get_attribute("aria-label")
    href = link.get_attribute("href")
    assert link.get_attribute("download") is not None and href.startswith(f"{code}/")
    with tab.expect_download() as info:
        link.click()
    download = info.value
    uid = href.rsplit("/", 1)[-1].removesuffix(".ics")
    assert download.suggested_filename == f"{uid}.ics"
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    (event,) = calendar.walk("VEVENT")
    # The same event as in the national file: same UID, same start in the same time zone.
    national = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(
        (site / "calendrier" / "forums.ics").read_bytes()).walk("VEVENT")}
    assert str(event["UID"]) == f"{uid}@{UID_DOMAIN}" and str(event["UID"]) in national
    expected = national[str(event["UID"])]["DTSTART"]
    assert event["DTSTART"].dt == expected.dt
    day = row.locator("xpath=ancestor::section[1]/h3/time").get_attribute("datetime")
    assert event["DTSTART"].dt.isoformat().startswith(day)
    zones = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
    if "TZID" in expected.params:
        assert event["DTSTART"].params["TZID"] == expected.params["TZID"] and zones == [expected.params["TZID"]]
    else:
        assert zones == []
