"""The run-sheet keeps its promise: the room has the floor at least half of the time.

The shares are computed from the rendered tables of the page (the « Horaire »
and « Temps de la salle » columns), and must be the ones the page states under
each table.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html
from lxml.html import HtmlElement

from conftest import page

SLOT = re.compile(r"^(\d+) h (\d\d) – (\d+) h (\d\d)$")
MINUTES = re.compile(r"^(\d+) min$")


def _text(element: HtmlElement) -> str:
    return " ".join(element.text_content().replace("\u00a0", " ").replace("\u202f", " ").split())


def share(table: HtmlElement) -> tuple[int, int]:
    """(minutes given to the room, minutes of the meeting) of one run-sheet table."""
    headers = [_text(th) for th in table.xpath("./thead/tr/th")]
    slot_col, floor_col = headers.index("Horaire"), headers.index("Temps de la salle")
    floor = 0
    previous_end: int | None = None
    first_start: int | None = None
    for row in table.xpath("./tbody/tr"):
        cells = [_text(td) for td in row.xpath("./td")]
        slot = SLOT.match(cells[slot_col])
        assert slot, f"horaire illisible : « {cells[slot_col]} »"
        start = int(slot.group(1)) * 60 + int(slot.group(2))
        end = int(slot.group(3)) * 60 + int(slot.group(4))
        assert end > start, cells[slot_col]
        assert previous_end is None or start == previous_end, f"trou ou chevauchement avant {cells[slot_col]}"
        first_start = start if first_start is None else first_start
        previous_end = end
        room = cells[floor_col]
        if room not in ("—", "-", ""):
            minutes = MINUTES.match(room)
            assert minutes, f"temps de la salle illisible : « {room} »"
            assert int(minutes.group(1)) <= end - start, f"{cells[slot_col]} : plus de temps que la séquence"
            floor += int(minutes.group(1))
    assert first_start is not None and previous_end is not None
    return floor, previous_end - first_start


def _tables(site: Path) -> list[HtmlElement]:
    root = lxml_html.fromstring(page(site, "fil-directeur/"))
    tables = [t for t in root.xpath("//article//table") if "Temps de la salle" in
              [_text(th) for th in t.xpath("./thead/tr/th")]]
    assert len(tables) >= 3, "les tableaux du fil directeur (deux heures et variantes) sont introuvables"
    return tables


def test_the_room_has_the_floor_at_least_half_of_the_time(site: Path) -> None:
    for table in _tables(site):
        floor, total = share(table)
        assert 2 * floor >= total, f"la salle n'a que {floor} minutes sur {total}"


def test_the_page_states_the_share_it_computes(site: Path) -> None:
    durations = []
    for table in _tables(site):
        floor, total = share(table)
        durations.append(total)
        stated = table.xpath("following::p[contains(concat(' ', @class, ' '), ' kit-part-salle ')][1]")
        assert stated, "pas de phrase sur la part de la salle sous le tableau"
        percent = round(100 * floor / total)
        assert f"{floor} minutes sur {total}, soit {percent} %" in _text(stated[0]), _text(stated[0])
    assert sorted(durations) == [60, 90, 120]


def test_sequence_headings_match_the_table(site: Path) -> None:
    """« (25 minutes, dont 18 pour la salle) » in the detail says what the two-hour table says."""
    root = lxml_html.fromstring(page(site, "fil-directeur/"))
    headings = {_text(h): h for h in root.xpath("//article//h3")}
    detail = {m.group(1): (int(m.group(2)), int(m.group(4) or 0)) for title in headings
              if (m := re.search(r"^(.*?) \((\d+) minutes(, dont (\d+) pour la salle)?\)", title))}
    table = _tables(site)[0]
    headers = [_text(th) for th in table.xpath("./thead/tr/th")]
    checked = 0
    for row in table.xpath("./tbody/tr"):
        cells = [_text(td) for td in row.xpath("./td")]
        slot = SLOT.match(cells[0])
        assert slot
        length = (int(slot.group(3)) * 60 + int(slot.group(4))) - (int(slot.group(1)) * 60 + int(slot.group(2)))
        room = MINUTES.match(cells[headers.index("Temps de la salle")])
        for name, (minutes, floor) in detail.items():
            if cells[1].startswith(name):
                assert (minutes, floor) == (length, int(room.group(1)) if room else 0), name
                checked += 1
    assert checked >= 6, f"seulement {checked} séquences retrouvées dans le détail"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("0 h 00 – 0 h 30", "—"), ("0 h 30 – 1 h 00", "20 min")], (20, 60)),
        ([("0 h 00 – 0 h 25", "—"), ("0 h 25 – 2 h 00", "52 min")], (52, 120)),
    ],
)
def test_share_is_computed_from_the_table(rows: list[tuple[str, str]], expected: tuple[int, int]) -> None:
    body = "".join(f"<tr><td>{slot}</td><td>x</td><td>{room}</td></tr>" for slot, room in rows)
    table = lxml_html.fromstring("<table><thead><tr><th>Horaire</th><th>Séquence</th><th>Temps de la salle</th>"
                                 f"</tr></thead><tbody>{body}</tbody></table>")
    assert share(table) == expected
