"""Property-based tests: no input crashes the reader, merging never loses a forum."""

from __future__ import annotations

import tempfile
import unicodedata
from collections import Counter
from datetime import date, time
from pathlib import Path

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from conftest import PROJECT
from kit.calendar.datafile import calendar_text
from kit.calendar.exports import to_csv, to_ics, to_json
from kit.calendar.merge import merge
from kit.calendar.model import COLUMNS, STATUTS, Forum, in_calendar_order, load_campaign
from kit.calendar.read import read_calendar
from kit.territory import load_territory

TERRITORY = load_territory(PROJECT.reference)
CAMPAIGN = load_campaign(PROJECT.campaign_file)
# The same examples on every run (derandomize): a landing never depends on the draw.
BOUNDED = settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

cell_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
# Text as the reader gives it back: no control characters, no surrounding spaces.
clean_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp", "Co", "Cn")),
                     max_size=30).map(lambda text: unicodedata.normalize("NFC", text).strip())
header = st.lists(st.sampled_from([*COLUMNS, "Département", "HEURE DÉBUT", "autre", ""]), max_size=10)


def read_bytes(data: bytes, suffix: str = ".csv"):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"f{suffix}"
        path.write_bytes(data)
        return read_calendar(path, territory=TERRITORY, campaign=CAMPAIGN)


@BOUNDED
@given(st.binary(max_size=2000), st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_random_bytes_give_problems_not_exceptions(data: bytes, suffix: str) -> None:
    calendar = read_bytes(data, suffix)
    for problem in calendar.problems:
        assert problem.severity in ("erreur", "avertissement")
        assert str(problem).startswith(problem.file)


@BOUNDED
# A superscript digit is a digit for str.isdigit(), not for int(): once an exception.
@example(columns=["departement", "sequence"], rows=[["", "¹"]], separator=";", encoding="utf-8")
@given(header, st.lists(st.lists(cell_text, max_size=12), max_size=8), st.sampled_from([";", ",", "\t"]),
       st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
def test_random_tables_give_problems_not_exceptions(columns: list[str], rows: list[list[str]],
                                                    separator: str, encoding: str) -> None:
    lines = [separator.join(columns)] + [separator.join(row) for row in rows]
    data = "\n".join(lines).encode(encoding, errors="replace")
    calendar = read_bytes(data)
    # Only rows without errors become forums, and they are whole.
    for forum in calendar.forums:
        assert forum.departement in TERRITORY.departements and forum.commune and forum.statut in STATUTS


# 2009 communes of their département (Nouméa: New Caledonia has no commune list to check against).
PLACES = [("44", "Nantes"), ("44", "Rezé"), ("974", "Saint-Benoît"), ("2A", "Ajaccio"), ("988", "Nouméa"),
          ("76", "Le Havre")]
forums_strategy = st.sampled_from(PLACES).flatmap(lambda place: st.builds(
    Forum,
    departement=st.just(place[0]),
    date=st.dates(min_value=date(2009, 3, 1), max_value=date(2009, 6, 30)),
    heure_debut=st.one_of(st.none(), st.times().map(lambda t: t.replace(second=0, microsecond=0))),
    heure_fin=st.none(),
    commune=st.just(place[1]),
    lieu=clean_text,
    statut=st.sampled_from(STATUTS),
    id=st.one_of(st.just(""), st.sampled_from(["a", "b", "c", "d"])),
))


@BOUNDED
@given(st.lists(forums_strategy, max_size=12), st.lists(forums_strategy, max_size=12))
def test_merge_never_loses_a_forum(existing: list[Forum], incoming: list[Forum]) -> None:
    result = merge(existing, incoming)
    # Each existing forum is in the result once, as it was or as updated, plus the added ones.
    changed = {id(old): new for old, new in result.updated + result.cancelled + result.confirmed}
    expected = [changed.get(id(forum), forum) for forum in existing] + result.added
    assert Counter(result.forums) == Counter(expected)
    assert len(result.updated) + len(result.cancelled) + len(result.unchanged) <= len(existing)


@BOUNDED
@given(st.lists(forums_strategy, max_size=8))
def test_exports_never_crash_and_are_deterministic(forums: list[Forum]) -> None:
    assert to_ics(forums, TERRITORY, name="x") == to_ics(list(reversed(forums)), TERRITORY, name="x") \
        or len({f.uid for f in forums}) < len(forums)
    to_json(forums, TERRITORY)
    to_csv(forums, TERRITORY)


@BOUNDED
@given(st.lists(forums_strategy, max_size=8, unique_by=lambda f: f.uid))
def test_written_calendar_reads_back_the_same(forums: list[Forum]) -> None:
    slots = {(f.departement, f.date, f.heure_debut, f.commune) for f in forums}
    assume(len(slots) == len(forums))
    calendar = read_bytes(calendar_text(forums, territory=TERRITORY).encode("utf-8"))
    assert calendar.errors == []
    # Read back in calendar order, whatever the order written.
    assert calendar.forums == in_calendar_order(forums)


def test_times_without_seconds_round_trip() -> None:
    forum = Forum(departement="44", date=date(2009, 4, 14), heure_debut=time(18, 5), heure_fin=time(20, 0),
                  commune="Nantes", lieu="salle")
    assert read_bytes(calendar_text([forum]).encode("utf-8")).forums == (forum,)
