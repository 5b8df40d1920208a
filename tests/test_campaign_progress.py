"""The « Suivi de la campagne » page, tried as the DICOM would: a generated season of a hundred départements.

Every figure the page shows is computed again here from what the generator
made (tests/campaign_season.py), without the kit's code; each chart's bars
are measured against its table.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
from dataclasses import replace
from datetime import date, timedelta

import lxml.html
import pytest
from openpyxl import load_workbook

from campaign_season import DEADLINE, LATE, LOOK, SYNTHESES, Season, generate
from conftest import PROJECT
from kit.calendar.exports import description, to_csv
from kit.calendar.locations import INDEX_URI
from kit.calendar.model import load_campaign
from kit.calendar.pages import render_calendar
from kit.calendar.read import read_calendar
from kit.campaign.charts import BLUE, GREEN, RED
from kit.campaign.page import PLACEHOLDER, render_progress
from kit.campaign.progress import DataDate, compute_progress, data_date
from kit.campaign.receipts import read_receipts
from kit.campaign.syntheses import read_syntheses
from kit.french import french_date
from kit.territory import load_territory

TERRITORY = load_territory(PROJECT.reference)
CAMPAIGN = load_campaign(PROJECT.campaign_file)
AFTER = date(2009, 5, 27)  # five days after the deadline: the late syntheses have arrived


@pytest.fixture(scope="module")
def season(tmp_path_factory: pytest.TempPathFactory) -> Season:
    return generate(tmp_path_factory.mktemp("saison"), TERRITORY, CAMPAIGN)


def page_at(season: Season, day: date) -> tuple[lxml.html.HtmlElement, dict[str, bytes]]:
    """The page as the DICOM sees it on ``day`` (its Markdown's HTML with its fragments), and its downloads."""
    forums = read_calendar(season.calendar, territory=TERRITORY, campaign=CAMPAIGN).forums
    progress = compute_progress(forums, TERRITORY, CAMPAIGN, read_receipts(season.folder / "calendriers.csv", TERRITORY),
                                read_syntheses(season.folder / "syntheses.csv", TERRITORY),
                                as_of=DataDate(day, "date choisie pour l'essai"))
    page = render_progress(progress, TERRITORY)
    html = page.markdown
    for name, fragment in page.fragments.items():
        html = html.replace(PLACEHOLDER.format(name), fragment)
    return lxml.html.fromstring(f"<div>{html}</div>"), page.files


def figure(tree: lxml.html.HtmlElement, name: str) -> int:
    [node] = tree.xpath(f"//*[@data-figure='{name}']")
    return int(re.sub(r"\D", "", node.text_content()))


def listed(tree: lxml.html.HtmlElement, name: str) -> list[str]:
    return [re.search(r"\((\w+)\)", li.text_content()).group(1) for li in tree.xpath(f"//ul[@data-list='{name}']/li")]


def state(row: dict[str, str], day: date) -> str:
    if row["statut"] == "prévu" and date.fromisoformat(row["date"]) < day:
        return "à confirmer"
    return row["statut"]


def test_merged_calendar_keeps_no_contact(season: Season) -> None:
    text = season.calendar.read_text(encoding="utf-8")
    assert all(row["contact"] for row in season.rows)  # every file sent had one
    assert "contact" not in text.splitlines()[0] and "@pref-" not in text
    assert len(text.splitlines()) == 1 + len(season.rows)


def test_who_to_call_on_18_may(season: Season) -> None:
    tree, _ = page_at(season, LOOK)
    assert "18 mai 2009" in tree.text_content()
    silent = season.silent
    assert len(silent) == 10
    assert listed(tree, "a-appeler") == silent
    assert figure(tree, "a-appeler") == len(silent)
    assert figure(tree, "calendriers-recus") == len(season.senders) == 90


def test_forums_and_attendance_on_18_may(season: Season) -> None:
    tree, _ = page_at(season, LOOK)
    states = [state(row, LOOK) for row in season.rows]
    assert figure(tree, "forums") == len(season.rows) == 2000
    for name, value in (("prevus", "prévu"), ("a-confirmer", "à confirmer"), ("tenus", "tenu"),
                        ("annules", "annulé"), ("reportes", "reporté")):
        assert figure(tree, name) == states.count(value), name
    assert states.count("à confirmer") > 0
    counted = [int(row["participants"]) for row in season.rows if row["participants"]]
    assert figure(tree, "participants") == sum(counted)
    assert figure(tree, "forums-comptes") == len(counted)
    median = statistics.median(counted)
    shown = tree.xpath("//*[@data-figure='mediane']")[0].text_content().strip()
    assert shown.replace(",", ".") == (str(int(median)) if median == int(median) else str(median))


def test_syntheses_on_18_may_none_late_yet(season: Season) -> None:
    tree, _ = page_at(season, LOOK)
    arrived = {code: day for code, (day, _) in season.arrivals.items() if day <= LOOK}
    assert figure(tree, "syntheses-recues") == len(arrived) > 0
    assert figure(tree, "a-temps") == len(arrived)
    assert figure(tree, "en-retard") == 0
    assert figure(tree, "manquantes") == 100 - len(arrived)
    assert f"{(DEADLINE - LOOK).days}\u00a0jours restants" in tree.text_content()
    assert sorted(listed(tree, "attendues")) == sorted(c for c in season.expected if c not in arrived)


def test_what_is_late_after_the_deadline(season: Season) -> None:
    tree, _ = page_at(season, AFTER)
    late = {code: day for code, (day, _) in season.arrivals.items() if day > DEADLINE}
    assert len(late) == LATE and len(season.arrivals) == SYNTHESES
    assert figure(tree, "syntheses-recues") == SYNTHESES
    assert figure(tree, "a-temps") == SYNTHESES - LATE
    assert figure(tree, "en-retard") == LATE
    missing = [code for code in season.expected if code not in season.arrivals]
    assert figure(tree, "manquantes") == len(missing) == 40
    items = {re.search(r"\((\w+)\)", li.text_content()).group(1): li.text_content()
             for li in tree.xpath("//ul[@data-list='en-retard']/li")}
    assert set(items) == set(late) | set(missing)
    for code, day in late.items():
        assert f"{(day - DEADLINE).days}\u00a0jour" in items[code]
    for code in missing:
        assert f"{(AFTER - DEADLINE).days}\u00a0jours de retard" in items[code]
    minutes = sum(m for _, m in season.arrivals.values())
    held = sum(1 for row in season.rows if row["departement"] in season.arrivals and row["statut"] == "tenu")
    assert figure(tree, "comptes-rendus") == minutes
    assert figure(tree, "tenus-syntheses") == held


def _bars(svg: lxml.html.HtmlElement, colour: str) -> list[float]:
    return [float(r.get("height")) for r in svg.xpath(f".//rect[@fill='{colour}' or @stroke='{colour}']")
            if r.get("height") and r.getparent().tag != "pattern"]


def _table(tree: lxml.html.HtmlElement, chart: str) -> list[list[str]]:
    return [[cell.text_content() for cell in row] for row in tree.xpath(f"//table[@data-chart='{chart}']/tbody/tr")]


def _proportional(heights: list[float], values: list[int]) -> None:
    values = [v for v in values if v]
    assert len(heights) == len(values)
    ratios = {round(h / v, 3) for h, v in zip(heights, values, strict=True)}
    assert len(ratios) == 1, ratios


def test_week_chart_and_its_table(season: Season) -> None:
    tree, _ = page_at(season, LOOK)
    rows = _table(tree, "kit-suivi-semaines")
    planned, held = {}, {}
    for row in season.rows:
        if row["statut"] in ("annulé", "reporté"):
            continue
        day = date.fromisoformat(row["date"])
        monday = day - timedelta(days=day.weekday())
        planned[monday] = planned.get(monday, 0) + 1
        held[monday] = held.get(monday, 0) + (row["statut"] == "tenu")
    table_planned = [int(r[1].replace("\u202f", "")) for r in rows]
    table_held = [int(r[2].replace("\u202f", "")) for r in rows]
    assert sum(table_planned) == sum(planned.values()) and sum(table_held) == sum(held.values())
    assert [v for v in table_planned if v] == [planned[m] for m in sorted(planned)]
    svg = tree.xpath("//figure[.//*[@id='kit-suivi-semaines-titre']]//svg")[0]
    _proportional(_bars(svg, BLUE), table_planned)
    _proportional(_bars(svg, GREEN), table_held)


def test_arrivals_chart_and_its_table(season: Season) -> None:
    tree, _ = page_at(season, AFTER)
    rows = _table(tree, "kit-suivi-arrivees")
    on_time = [int(r[1]) for r in rows]
    late = [int(r[2]) for r in rows]
    assert sum(on_time) == SYNTHESES - LATE and sum(late) == LATE
    assert int(rows[-1][3]) == SYNTHESES
    svg = tree.xpath("//figure[.//*[@id='kit-suivi-arrivees-titre']]//svg")[0]
    blue = _bars(svg, BLUE)
    red = _bars(svg, RED)
    _proportional(blue, on_time)
    _proportional(red, late)
    assert svg.xpath(".//line[@stroke-dasharray]"), "la date limite n'est pas marquée"


def test_map_counts_equal_the_figures(season: Season) -> None:
    tree, _ = page_at(season, AFTER)
    counts = {node.get("data-map-count"): int(node.text_content()) for node in tree.xpath("//*[@data-map-count]")}
    assert counts["à temps"] == SYNTHESES - LATE and counts["en retard"] == LATE
    assert counts["manquante"] == 40 and counts["attendue"] == 0


def test_table_and_exports_have_every_departement(season: Season) -> None:
    tree, files = page_at(season, AFTER)
    rows = tree.xpath("//table[@id='kit-suivi-departements']/tbody/tr")
    assert [r.get("data-dep") for r in rows] == season.expected
    to_call = [r.get("data-dep") for r in rows if "a-appeler" in r.get("data-etat").split()]
    assert to_call == season.silent
    exported = list(csv.reader(io.StringIO(files["suivi/suivi-campagne.csv"].decode("utf-8-sig")), delimiter=";"))
    assert len(exported) == 101
    header = exported[0]
    by_dep = {re.search(r"\((\w+)\)", r[0]).group(1): dict(zip(header, r, strict=True)) for r in exported[1:]}
    for code in season.expected:
        sent = [row for row in season.rows if row["departement"] == code]
        assert int(by_dep[code]["Forums"]) == len(sent)
        assert int(by_dep[code]["Participants comptés"]) == sum(int(r["participants"] or 0) for r in sent)
        if code in season.senders:
            assert by_dep[code]["Calendrier reçu le"] == season.senders[code].isoformat()
        else:
            assert by_dep[code]["Calendrier reçu le"] == ""
    workbook = load_workbook(io.BytesIO(files["suivi/suivi-campagne.xlsx"]))
    sheet = workbook.active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 101 and list(values[0]) == header
    late_days = {r[0]: r[header.index("Jours de retard ou restants")] for r in values[1:]}
    assert sum(1 for v in late_days.values() if v == (AFTER - DEADLINE).days) >= 40


def test_the_2009_data_say_they_come_from_the_press() -> None:
    forums = read_calendar(PROJECT.calendar_file(), territory=TERRITORY, campaign=CAMPAIGN).forums
    assert len(forums) == 15
    assert {f.provenance for f in forums} == {"presse"}
    assert all(f.source_url for f in forums)


def test_the_2009_forums_say_so_on_the_calendar_and_in_its_downloads() -> None:
    forums = read_calendar(PROJECT.calendar_file(), territory=TERRITORY, campaign=CAMPAIGN).forums
    site = render_calendar(forums, TERRITORY, CAMPAIGN, data_date=CAMPAIGN.data_date)
    tree = lxml.html.fromstring(site.fragments[INDEX_URI]["list"])
    assert sorted(tree.xpath("//a[text()='relevé dans la presse']/@href")) == sorted(f.source_url for f in forums)
    lead = site.pages[INDEX_URI].split("Données du")[0]
    assert "par les préfectures" not in lead and f"{len(forums)}\u00a0forums ont été relevés dans la presse" in lead
    assert f"Données du {french_date(CAMPAIGN.data_date)}" in site.pages[INDEX_URI]
    for forum in forums:
        assert f"Provenance : relevé dans la presse (source : {forum.source})" in description(forum, TERRITORY)
    exported = list(csv.DictReader(io.StringIO(to_csv(forums, TERRITORY).lstrip("\ufeff")), delimiter=";"))
    assert {row["provenance"] for row in exported} == {"presse"} and "contact" not in exported[0]


def test_grouped_forum_covers_its_cantons_and_the_page_says_which_cantons_it_counts() -> None:
    forums = read_calendar(PROJECT.calendar_file(), territory=TERRITORY, campaign=CAMPAIGN).forums
    grouped = replace(next(f for f in forums if f.commune == "Saint-Herblain"), cantons=("4446", "4417"))
    alone = next(f for f in forums if f.commune == "Saint-Herblain")
    site = render_calendar([grouped], TERRITORY, CAMPAIGN)
    before = render_calendar([alone], TERRITORY, CAMPAIGN)
    def covered(made: object) -> list[str]:
        fragment = lxml.html.fromstring(made.fragments["calendrier/44/index.md"]["cantons"])  # type: ignore[attr-defined]
        return fragment.xpath("//details[contains(summary, 'couverts')]//li/text()")

    assert covered(site) == ["Le Loroux-Bottereau", "Vertou"]
    assert covered(before) == [TERRITORY.commune_canton("44", "Saint-Herblain").libelle]
    text = site.pages["calendrier/couverture/index.md"]
    assert "cantons-ou-villes" in text and "cantons légaux" in text and "colonne <code>cantons</code>" in text


def test_the_date_of_the_data_is_the_latest_arrival_unless_campagne_toml_says_later(season: Season) -> None:
    forums = read_calendar(season.calendar, territory=TERRITORY, campaign=CAMPAIGN).forums
    receipts = read_receipts(season.folder / "calendriers.csv", TERRITORY)
    arrivals = read_syntheses(season.folder / "syntheses.csv", TERRITORY)
    latest = max(day for day, _ in season.arrivals.values())
    assert data_date(CAMPAIGN, forums, receipts, arrivals) == DataDate(latest, "date de la dernière synthèse reçue")
    assert data_date(CAMPAIGN, forums, receipts, []).day == max([*season.senders.values(), CAMPAIGN.data_date])
    later = replace(CAMPAIGN, data_date=date(2009, 6, 30))
    assert data_date(later, forums, receipts, arrivals) == DataDate(date(2009, 6, 30),
                                                                   "date fixée dans data/campagne.toml")
    assert data_date(replace(CAMPAIGN, data_date=None), [], [], []).day is None
