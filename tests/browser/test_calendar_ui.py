"""The forum calendar in the browser: the filter narrows the list, the ICS links download."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest

from .conftest import url_of

ROWS = "#kit-cal-forums tbody tr"
VISIBLE_ROWS = f"{ROWS}:visible"


def open_calendar(site: Path, base_url: str, tab) -> None:  # type: ignore[no-untyped-def]
    if not (site / "calendrier" / "index.html").is_file():
        pytest.skip("pas encore de calendrier")
    tab.goto(url_of(base_url, "calendrier/"))
    if tab.locator("form.kit-cal-filter, [data-kit-cal-filter]").count() == 0:
        pytest.skip("le calendrier n'a pas encore de filtre")
    # The filter is shown by its script: until then, the list stays whole.
    tab.locator("[data-kit-cal-filter]").first.wait_for(state="visible")


def column(tab, title: str) -> int:  # type: ignore[no-untyped-def]
    """The index of the calendar table's column headed ``title``."""
    # (The list may be split into several tables, one a day, with the same columns.)
    headers = [h.strip() for h in tab.locator("#kit-cal-forums thead").first.locator("th").all_inner_texts()]
    assert title in headers, f"colonne « {title} » absente : {headers}"
    return headers.index(title)


def visible_cells(tab, index: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.strip() for t in tab.locator(f"{VISIBLE_ROWS} > td:nth-child({index + 1})").all_inner_texts()]


def test_filter_by_departement(site: Path, base_url: str, tab) -> None:  # type: ignore[no-untyped-def]
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


def test_filter_by_commune(site: Path, base_url: str, tab) -> None:  # type: ignore[no-untyped-def]
    open_calendar(site, base_url, tab)
    total = tab.locator(VISIBLE_ROWS).count()
    commune_col = column(tab, "Commune")
    communes = visible_cells(tab, commune_col)
    # A commune that holds some forums but not all.
    commune = next(c for c in sorted(set(communes), key=communes.count) if c)
    box = tab.get_by_label("Commune, lieu ou mot-clé")
    box.click()
    box.press_sequentially(commune, delay=10)
    tab.wait_for_function("([rows, n]) => [...document.querySelectorAll(rows)]"
                          ".filter(r => r.offsetParent !== null).length < n", arg=[ROWS, total])
    shown_rows = tab.locator(VISIBLE_ROWS).all_inner_texts()
    assert shown_rows and all(commune.lower() in row.lower() for row in shown_rows), shown_rows
    assert commune in visible_cells(tab, commune_col)
    # « Tout afficher » gives the whole list back.
    tab.get_by_role("button", name="Tout afficher").click()
    tab.wait_for_function("([rows, n]) => [...document.querySelectorAll(rows)]"
                          ".filter(r => r.offsetParent !== null).length === n", arg=[ROWS, total])
    assert box.input_value() == ""


def test_forum_ics_link_downloads_a_calendar(site: Path, base_url: str, tab) -> None:  # type: ignore[no-untyped-def]
    if not (site / "calendrier" / "index.html").is_file():
        pytest.skip("pas encore de calendrier")
    tab.goto(url_of(base_url, "calendrier/"))
    # A forum's own link if the list has one, else a département's calendar.
    in_rows = tab.locator(f"{ROWS} a[href$='.ics']")
    if in_rows.count():
        link = in_rows.first
    else:
        departements = tab.locator(".kit-cal-deps a")
        if not departements.count():
            pytest.skip("ni lien ICS par forum, ni page de département")
        departements.first.click()
        tab.wait_for_load_state()
        link = tab.locator("article a[href$='.ics']").first
    expected_rows = tab.locator(ROWS).count() if not in_rows.count() else 1
    with tab.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert events, "fichier ICS sans événement"
    assert len(events) == expected_rows, f"{len(events)} événements pour {expected_rows} forums affichés"
    for event in events:
        assert event.get("UID") and event.get("DTSTART") and event.get("SUMMARY")
