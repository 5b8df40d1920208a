"""The forum calendar in the site: list, filter, département pages, coverage map, downloads.

The site is built once with the small calendar of tests/data/calendar/forums.csv: a
cancelled and a postponed forum, Paris, La Réunion, Mayotte, a forum after the
campaign window and an XSS payload in every text field of one forum.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import icalendar
import lxml.html
import pytest

from conftest import PROJECT, ROOT, build_site, page
from kit.calendar.coverage import coverage, forum_cantons
from kit.calendar.downloads import cached_downloads, downloads, pack, unpack
from kit.calendar.exports import UID_DOMAIN
from kit.calendar.map import load_map
from kit.calendar.model import Forum, load_campaign
from kit.calendar.pages import at_commune, render_calendar
from kit.calendar.read import read_calendar
from kit.calendar.site_build import PARALLEL_FROM, ROW_BYTES, DownloadsWorker, keep_site
from kit.french import french_date, french_time, plural, time_range
from kit.territory import load_territory

# The publication gate: scripts/publish.py runs these tests before each publication.
pytestmark = pytest.mark.gate

FIXTURES = Path(__file__).parent / "data" / "calendar"
CALENDAR = FIXTURES / "forums.csv"
XSS_FIELDS = ("commune", "lieu", "adresse", "animateur")


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def cantons_of(dep: str) -> int:
    with (ROOT / "data" / "reference" / "cantons_villes_2009.csv").open(encoding="utf-8") as handle:
        return sum(1 for row in csv.DictReader(handle) if row["dep"] == dep)


def tree(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(html)


def article(site: Path, url: str) -> lxml.html.HtmlElement:
    (found,) = tree(page(site, url)).xpath("//article")
    return found


def text(element: lxml.html.HtmlElement) -> str:
    """Text content with the no-break spaces of French typography made plain."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", element.text_content()).strip()


def forum_rows(site: Path, url: str, table_id: str = "kit-cal-forums") -> list[lxml.html.HtmlElement]:
    """Rows of a forum table, or of the national list's tables (one per day)."""
    return article(site, url).xpath(f"//*[@id='{table_id}']//tbody/tr")


def national_rows(site: Path) -> dict[str, lxml.html.HtmlElement]:
    """The national list's rows by commune (columns: status, time, département, commune, place…)."""
    return {text(row.xpath("td")[3]): row for row in forum_rows(site, "calendrier/")}


def day_of(row: lxml.html.HtmlElement) -> str:
    return text(row.xpath("ancestor::section[1]/h3")[0])


@pytest.fixture(scope="module")
def cal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kit built, strict, with the fixture calendar."""
    dest = tmp_path_factory.mktemp("calendar") / "site"
    result = build_site(dest, env={"FORUMS_CSV": str(CALENDAR)})
    assert result.returncode == 0, result.stderr
    # A date after the window is a remark, listed on the coverage page: counted in one INFO line,
    # never a warning and never a strict-mode failure.
    assert "à relire, listée" in result.stderr and "WARNING" not in result.stderr
    return dest


# The calendar page --------------------------------------------------------------------------

def test_every_forum_is_listed_with_its_status(cal: Path) -> None:
    rows = forum_rows(cal, "calendrier/")
    assert len(rows) == len(rows_of(CALENDAR)) == 9
    by_commune = national_rows(cal)
    assert set(by_commune) >= {"Saint-Herblain", "Rezé", "Toussaint", "Paris 20e", "Le Tampon", "Mamoudzou"}
    expected = {"Saint-Herblain": "Prévu", "Rezé": "Annulé", "Toussaint": "Reporté", "Paris 20e": "Tenu"}
    for commune, status in expected.items():
        assert text(by_commune[commune].xpath("td[1]")[0]) == status
    # Cancelled and postponed forums stay, their time struck through; the others are not struck.
    for commune in ("Rezé", "Toussaint"):
        assert by_commune[commune].xpath("td[2]/s"), commune
        assert "kit-cal-off" in by_commune[commune].get("class", "")
    assert not by_commune["Saint-Herblain"].xpath(".//s")


def test_national_list_is_grouped_by_day(cal: Path) -> None:
    days = article(cal, "calendrier/").xpath("//*[@id='kit-cal-forums']/section")
    headings = [text(day.xpath("h3")[0]) for day in days]
    assert len(headings) == len(set(headings)) == len({row["date"] for row in rows_of(CALENDAR)})
    dates = [day.xpath("h3/time/@datetime")[0] for day in days]
    assert dates == sorted(dates)
    for day in days:
        (table,) = day.xpath("table")
        assert table.get("aria-labelledby") == day.xpath("h3/@id")[0]
        assert [text(th) for th in table.xpath("thead//th")][:4] == ["Statut", "Horaire", "Département", "Commune"]


def test_dates_and_times_are_french(cal: Path) -> None:
    rows = national_rows(cal)
    herblain = rows["Saint-Herblain"]
    assert day_of(herblain) == "mardi 14 avril 2009"
    assert herblain.xpath("ancestor::section[1]/h3/time/@datetime") == ["2009-04-14"]
    assert text(herblain.xpath("td[2]")[0]) == "17 h 30 – 19 h 30"
    assert day_of(rows["Mamoudzou"]) == "jeudi 30 avril 2009"
    assert text(rows["Mamoudzou"].xpath("td[2]")[0]) == "9 h – 11 h (heure locale)"
    assert "(heure locale)" in text(rows["Le Tampon"].xpath("td[2]")[0])
    assert "heure locale" not in text(rows["Toussaint"].xpath("td[2]")[0])
    # Département pages keep a date column.
    (row,) = [r for r in forum_rows(cal, "calendrier/44/") if "Rezé" in text(r)]
    assert text(row.xpath("td[1]")[0]) == "lundi 20 avril 2009" and row.xpath("td[1]/s/time")


def test_calendar_page_says_what_it_holds(cal: Path) -> None:
    body = text(article(cal, "calendrier/"))
    assert "les forums connus à ce jour" in body
    assert "par les préfectures" not in body.split("Données du")[0] or any(
        row.get("provenance") == "préfecture" for row in rows_of(CALENDAR))
    rows = rows_of(CALENDAR)
    assert f"{len(rows)} forums dans {len({row['departement'] for row in rows})} départements" in body
    assert re.search(r"Données du (1er|\d{1,2}) \w+ \d{4}", body)
    assert "2 forums annulés ou reportés restent dans la liste" in body


def test_every_forum_says_where_it_comes_from(cal: Path) -> None:
    labels = {"presse": "relevé dans la presse", "préfecture": "transmis par la préfecture"}
    rows = rows_of(CALENDAR)
    table = forum_rows(cal, "calendrier/")
    headers = [text(th) for th in article(cal, "calendrier/").xpath("//table[1]/thead//th")]
    column = headers.index("Provenance")
    shown = sorted(text(row.xpath("td")[column]) for row in table)
    assert shown == sorted(labels.get(row.get("provenance", ""), "provenance non précisée") for row in rows)


def test_downloads_are_linked_relatively_and_published(cal: Path) -> None:
    links = article(cal, "calendrier/").xpath("//a/@href")
    for name in ("forums.ics", "forums.xlsx", "forums.csv", "forums.json", "couverture/"):
        assert name in links
        assert (cal / "calendrier" / name).exists()


def test_filter_is_labelled_and_progressive(cal: Path) -> None:
    html = page(cal, "calendrier/")
    root = article(cal, "calendrier/")
    (form,) = root.xpath("//form[@data-kit-cal-filter]")
    # Hidden until calendar.js runs: with JavaScript off, only the full list shows.
    assert form.get("hidden") is not None
    for control in form.xpath(".//select | .//input"):
        labels = form.xpath(f".//label[@for='{control.get('id')}']")
        assert labels and text(labels[0]), control.get("id")
    options = form.xpath(".//select/option/@value")
    deps = {row["departement"] for row in rows_of(CALENDAR)}
    assert options == ["", *(code for code in load_territory(PROJECT.reference).departements if code in deps)]
    (status,) = root.xpath("//*[@data-kit-cal-count]")
    assert status.get("role") == "status" and status.get("aria-live") == "polite"
    assert text(status) == "9 forums."
    scripts = tree(html).xpath("//script[contains(@src, 'calendar.js')]/@src")
    assert scripts and not urlsplit(scripts[0]).scheme and not scripts[0].startswith("/")
    assert (cal / "calendrier" / scripts[0]).resolve().is_file()


def test_big_tables_stay_out_of_the_search_index(cal: Path) -> None:
    index = json.loads((cal / "search" / "search_index.json").read_text(encoding="utf-8"))
    calendar_text = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("calendrier/"))
    assert "Bernardière" not in calendar_text  # a place: only in the tables
    assert "Saint-Herblain" in calendar_text  # a commune: in the département's summary
    assert "Couverture du territoire" in " ".join(d["title"] for d in index["docs"])


# Escaping ---------------------------------------------------------------------------------

def calendar_pages(site: Path) -> list[Path]:
    return sorted((site / "calendrier").rglob("index.html"))


def test_payloads_are_shown_as_text_never_run(cal: Path) -> None:
    for path in calendar_pages(cal):
        root = tree(path.read_text(encoding="utf-8"))
        assert not [s for s in root.xpath("//script") if "xss" in (s.text or "")], path
        assert not root.xpath("//*[@onerror or @onload or @onmouseover]"), path
        assert "<script>alert" not in path.read_text(encoding="utf-8"), path
    body = text(article(cal, "calendrier/"))
    for field in XSS_FIELDS:
        shown = f'<img src=x onerror=alert("xss-{field}")>' if field == "adresse" \
            else f'<script>alert("xss-{field}")</script>'
        assert shown in body, field
    # The unknown canton of the payload row is reported on the coverage page, escaped.
    # (messages quote the first 30 characters of a cell)
    assert '<script>alert("xss-cantons")</…' in text(article(cal, "calendrier/couverture/"))


def test_contact_is_never_published(cal: Path) -> None:
    for path in cal.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".ics", ".json", ".csv", ".xml"}:
            content = path.read_text(encoding="utf-8")
            assert "xss-contact" not in content and "accueil@loire-atlantique" not in content, path


def test_links_in_calendar_pages_are_relative(cal: Path) -> None:
    for path in calendar_pages(cal):
        for link in tree(path.read_text(encoding="utf-8")).xpath("//article//@href | //article//@src"):
            assert not urlsplit(link).scheme and not link.startswith("/"), (path, link)
            target = urlsplit(link).path
            if target:
                resolved = (path.parent / target).resolve()
                assert resolved.exists() or (resolved / "index.html").exists(), (path, link)


# Département pages ---------------------------------------------------------------------------

def test_departement_pages_exist_only_for_departements_with_forums(cal: Path) -> None:
    deps = {row["departement"] for row in rows_of(CALENDAR)}
    built = {p.parent.name for p in (cal / "calendrier").glob("*/index.html")} - {"couverture"}
    assert built == deps
    assert not (cal / "calendrier" / "01").exists()


def test_departement_pages_are_not_in_the_nav(cal: Path) -> None:
    nav_links = tree(page(cal, "calendrier/")).xpath("//nav[contains(@class, 'md-nav--primary')]//a/@href")
    assert any(link.startswith("couverture") for link in nav_links)
    assert not [link for link in nav_links if re.match(r"(\.\./)*\d", link)]


def test_departement_page_lists_its_forums_and_coverage(cal: Path) -> None:
    rows = forum_rows(cal, "calendrier/44/")
    assert [text(r.xpath("td")[3]) for r in rows] == ["Saint-Herblain", "Rezé", "Châteaubriant"]
    body = text(article(cal, "calendrier/44/"))
    # Saint-Herblain, Châteaubriant and Derval; Rezé's cantons do not count: it is cancelled.
    total = cantons_of("44")
    assert f"3 sur {total} cantons-ou-villes de 2009 ({3 * 100 // total} %)" in body
    covered = article(cal, "calendrier/44/").xpath("//details[contains(@class, 'kit-cal-cantons')][1]//li")
    assert sorted(text(li) for li in covered) == ["Châteaubriant", "Derval", "Saint-Herblain"]
    assert "Rezé" not in [text(li) for li in covered]
    assert article(cal, "calendrier/44/").xpath("//a[@href='forums.ics']")


def test_paris_arrondissement_covers_paris(cal: Path) -> None:
    body = text(article(cal, "calendrier/75/"))
    assert "Tous les cantons couverts : 1 sur 1" in body


def test_territory_without_cantons_is_said_so(cal: Path) -> None:
    assert "découpage en cantons de 2009 n'est pas disponible" in text(article(cal, "calendrier/976/"))


# Downloads -----------------------------------------------------------------------------------

def events(path: Path) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def test_national_ics_holds_every_forum(cal: Path) -> None:
    found = events(cal / "calendrier" / "forums.ics")
    assert len(found) == len(rows_of(CALENDAR))
    statuses = sorted(str(e["STATUS"]) for e in found)
    assert statuses.count("CANCELLED") == 1 and statuses.count("TENTATIVE") == 1


def test_departement_ics_holds_only_its_forums(cal: Path) -> None:
    for dep in ("44", "974"):
        found = events(cal / "calendrier" / dep / "forums.ics")
        expected = [row for row in rows_of(CALENDAR) if row["departement"] == dep]
        assert len(found) == len(expected)
        assert all(str(e["UID"]).startswith(f"{dep}-") for e in found)


def raw_vevents(path: Path) -> dict[str, bytes]:
    """Each VEVENT of an ICS file as its bytes, by UID."""
    found = re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", path.read_bytes(), re.S)
    return {str(icalendar.Event.from_ical(chunk)["UID"]): chunk for chunk in found}


def ics_links(site: Path, url: str, table_id: str = "kit-cal-forums") -> list[lxml.html.HtmlElement]:
    """The forum's own ICS link of each row of a forum table (last cell), one a row."""
    links = []
    for row in forum_rows(site, url, table_id):
        (link,) = row.xpath("td[last()]/a")
        links.append(link)
    return links


def test_every_forum_has_its_own_ics_link(cal: Path) -> None:
    pages = [("calendrier/", "kit-cal-forums"), ("calendrier/couverture/", "kit-cal-outside")]
    pages += [(f"calendrier/{dep}/", "kit-cal-forums") for dep in sorted({r["departement"] for r in rows_of(CALENDAR)})]
    linked: dict[str, set[Path]] = {}
    for url, table_id in pages:
        heads = article(cal, url).xpath(f"//*[@id='{table_id}']//thead//th[last()]")
        assert heads and all(text(th) == "Agenda" for th in heads), url
        for link in ics_links(cal, url, table_id):
            href = link.get("href")
            assert href.endswith(".ics") and not urlsplit(href).scheme and not href.startswith("/"), href
            assert link.get("download") is not None, href
            # WCAG 2.5.3: the accessible name starts with the visible text, then says which forum.
            visible, name = text(link), link.get("aria-label")
            assert visible == "Ajouter" and name.startswith(f"{visible} à mon agenda le forum du "), name
            assert name.endswith("(fichier ICS)")
            target = (cal / url / href).resolve()
            assert target.is_file(), (url, href)
            row = link.xpath("ancestor::tr[1]")[0]
            day = row.xpath("td//time/@datetime") or row.xpath("ancestor::section[1]/h3/time/@datetime")
            assert french_date(date.fromisoformat(day[0]), weekday=True) in name, name
            linked.setdefault(url, set()).add(target)
    national = linked["calendrier/"]
    assert len(national) == len(rows_of(CALENDAR))
    # A département page and the coverage page link to the same files as the national list.
    assert set().union(*(files for url, files in linked.items() if url != "calendrier/")) == national
    published = {p.resolve() for p in (cal / "calendrier").glob("*/*.ics") if p.name != "forums.ics"}
    assert published == national


def test_each_forum_file_holds_its_forum_as_in_the_national_file(cal: Path) -> None:
    national = raw_vevents(cal / "calendrier" / "forums.ics")
    seen = set()
    for link in ics_links(cal, "calendrier/"):
        path = cal / "calendrier" / link.get("href")
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        assert str(calendar["VERSION"]) == "2.0" and calendar.get("PRODID")
        (event,) = calendar.walk("VEVENT")
        uid = str(event["UID"])
        assert uid == f"{path.stem}@{UID_DOMAIN}" and uid not in seen
        seen.add(uid)
        # Byte for byte the national file's VEVENT: importing both never makes two events.
        assert raw_vevents(path) == {uid: national[uid]}
        start = event["DTSTART"]
        zones = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
        if isinstance(start.dt, datetime):
            assert zones == [start.params["TZID"]], path.name
        else:
            assert zones == [], path.name
    assert seen == set(national)


def test_forum_files_of_reunion_and_of_a_cancelled_forum(cal: Path) -> None:
    rows = national_rows(cal)
    def forum_file(commune: str) -> icalendar.Calendar:
        (link,) = rows[commune].xpath("td[last()]/a")
        return icalendar.Calendar.from_ical((cal / "calendrier" / link.get("href")).read_bytes())

    tampon = forum_file("Le Tampon")
    assert [str(tz["TZID"]) for tz in tampon.walk("VTIMEZONE")] == ["Indian/Reunion"]
    (event,) = tampon.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Indian/Reunion"
    assert event["DTSTART"].dt.replace(tzinfo=None) == datetime(2009, 5, 12, 16, 30)
    assert "au Tampon" in rows["Le Tampon"].xpath("td[last()]/a/@aria-label")[0]
    # A cancelled forum keeps its link: its file says so.
    (cancelled,) = forum_file("Rezé").walk("VEVENT")
    assert str(cancelled["STATUS"]) == "CANCELLED" and str(cancelled["SUMMARY"]).startswith("Annulé")
    herblain = (cal / "calendrier" / rows["Saint-Herblain"].xpath("td[last()]/a/@href")[0]).read_text("utf-8")
    assert "accueil@loire-atlantique" not in herblain and "CONTACT" not in herblain


def test_calendar_page_explains_the_forum_links(cal: Path) -> None:
    (item,) = [li for li in article(cal, "calendrier/").xpath("//ul[@class='kit-cal-links']/li")
               if "Un seul forum" in text(li)]
    assert "« Ajouter »" in text(item) and "colonne « Agenda »" in text(item)


def test_json_and_csv_downloads(cal: Path) -> None:
    data = json.loads((cal / "calendrier" / "forums.json").read_text(encoding="utf-8"))
    assert data["numberOfItems"] == len(data["forums"]) == len(rows_of(CALENDAR))
    raw = (cal / "calendrier" / "forums.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "sans BOM, Excel lit le CSV en Windows-1252"
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(table) == len(rows_of(CALENDAR))
    assert "contact" not in table[0] and "commune" in table[0]


# Coverage page -------------------------------------------------------------------------------

def test_coverage_map_has_a_title_and_link_per_departement(cal: Path) -> None:
    root = article(cal, "calendrier/couverture/")
    (svg,) = root.xpath("//figure//*[local-name()='svg' and contains(@class, 'kit-cal-map__svg')]")
    assert svg.get("aria-describedby") and svg.get("aria-labelledby")
    titles = [t.text for t in svg.xpath(".//*[local-name()='title']")]
    territory = load_territory(PROJECT.reference)
    for code, dep in territory.departements.items():
        assert any(t.startswith(f"{dep.nom} ({code}) :") for t in titles), code
    links = svg.xpath(".//*[local-name()='a']/@href")
    assert {link.split("/")[1] for link in links} == {row["departement"] for row in rows_of(CALENDAR)}
    # Three levels, each in the legend, never colour alone (white, hatched, solid).
    legend = text(root.xpath("//ul[contains(@class, 'kit-cal-legend')]")[0])
    assert "Aucun forum" in legend and "Une partie des cantons couverte" in legend and "Tous les cantons couverts" in legend
    assert svg.xpath(".//*[local-name()='pattern']")
    assert "CC BY 4.0" in text(root) and "Victor Cazanave" in text(root)


def test_coverage_table_is_the_maps_text_alternative(cal: Path) -> None:
    root = article(cal, "calendrier/couverture/")
    (table,) = root.xpath("//table[@id='kit-cal-couverture']")
    assert table.xpath("caption") and all(th.get("scope") == "col" for th in table.xpath("thead//th"))
    rows = table.xpath("tbody/tr")
    assert len(rows) == len(load_territory(PROJECT.reference).departements)
    assert all(row.xpath("th[@scope='row']") for row in rows)
    by_dep = {text(row.xpath("th")[0]): [text(td) for td in row.xpath("td")] for row in rows}
    assert by_dep["Loire-Atlantique (44)"][:3] == ["3", "1", f"3 sur {cantons_of('44')}"]
    assert by_dep["Paris (75)"][-1] == "Tous les cantons couverts"
    assert by_dep["Ain (01)"][0] == "0" and by_dep["Ain (01)"][-1] == "Aucun forum"


def test_coverage_page_lists_gaps_and_forums_outside_the_window(cal: Path) -> None:
    root = article(cal, "calendrier/couverture/")
    body = text(root)
    assert "Ain (01)" in body and "Seine-Maritime (76), 1 forum annulé ou reporté" in body
    outside = forum_rows(cal, "calendrier/couverture/", "kit-cal-outside")
    assert [text(r.xpath("td")[4]) for r in outside] == ["Saint-Paul"]
    assert text(outside[0].xpath("td[1]")[0]) == "samedi 23 mai 2009"


# Errors and the real calendar ---------------------------------------------------------------

def test_real_calendar_shows_every_forum(site: Path) -> None:
    expected = len(rows_of(ROOT / "data" / "forums.csv"))
    rows = forum_rows(site, "calendrier/")
    assert expected > 1 and len(rows) == expected
    assert re.sub(r"[\s\u00a0\u202f]+", " ", plural(expected, "forum")) in text(article(site, "calendrier/"))
    for code in {row["departement"] for row in rows_of(ROOT / "data" / "forums.csv")}:
        assert (site / "calendrier" / code / "forums.ics").is_file()


# Pure helpers --------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "expected"), [
    (date(2009, 4, 14), "mardi 14 avril 2009"),
    (date(2009, 5, 1), "vendredi 1er mai 2009"),
    (date(2009, 3, 16), "lundi 16 mars 2009"),
])
def test_french_date(day: date, expected: str) -> None:
    assert french_date(day, weekday=True) == expected
    assert french_date(day) == expected.split(" ", 1)[1]


def test_at_commune() -> None:
    assert at_commune("Le Havre") == "au Havre" and at_commune("Les Abymes") == "aux Abymes"
    assert at_commune("La Possession") == "à La Possession" and at_commune("Lesparre") == "à Lesparre"


def test_times_and_counts() -> None:
    assert french_time(time(17, 30)) == "17\u00a0h\u00a030"
    assert french_time(time(18, 0)) == "18\u00a0h"
    assert time_range(None, None) == "horaire non précisé"
    assert time_range(time(9, 5), time(11, 0)) == "9\u00a0h\u00a005 – 11\u00a0h"
    assert plural(1, "forum") == "1\u00a0forum" and plural(0, "forum") == "0\u00a0forum"
    assert plural(12000, "forum") == "12\u202f000\u00a0forums"


def test_coverage_levels_and_canton_lookup() -> None:
    territory = load_territory(PROJECT.reference)
    forum = Forum("44", date(2009, 4, 14), None, None, "Saint-Herblain", "salle")
    assert [c.code for c in forum_cantons(forum, territory)] == ["4496"]
    # Without a cantons column, the commune's canton of 2009 counts; an unknown commune covers nothing.
    (canton,) = forum_cantons(Forum("44", date(2009, 4, 20), None, None, "Basse-Goulaine", ""), territory)
    assert canton.dep == "44" and canton == territory.commune_canton("44", "basse goulaine")
    assert forum_cantons(Forum("44", date(2009, 4, 14), None, None, "Nulle-Part", ""), territory) == ()
    paris = Forum("75", date(2009, 5, 12), None, None, "Paris 20e", "mairie")
    cancelled = Forum("01", date(2009, 4, 1), None, None, "Belley", "", statut="annulé")
    covers = coverage([forum, paris, cancelled], territory)
    assert covers["44"].level == "partiel" and len(covers["44"].covered) == 1
    assert covers["75"].level == "complet"
    assert covers["01"].level == "aucun" and covers["01"].withdrawn == 1
    assert covers["976"].level == "aucun" and covers["976"].cantons == ()


def test_map_has_every_metropolitan_departement() -> None:
    shapes = {s.code for s in load_map(PROJECT.map_file).shapes}
    metro = {code for code, dep in load_territory(PROJECT.reference).departements.items() if dep.zone == "metro"}
    assert shapes == metro


def test_empty_calendar_renders_every_page() -> None:
    territory = load_territory(PROJECT.reference)
    site = render_calendar([], territory, load_campaign(PROJECT.campaign_file))
    assert set(site.pages) == {"calendrier/index.md", "calendrier/couverture/index.md"}
    assert "Aucun forum n'est annoncé à ce jour" in site.pages["calendrier/index.md"]
    assert "<tbody>" not in site.fragments["calendrier/index.md"]["list"]


def test_downloads_are_remade_only_where_the_forums_changed(tmp_path: Path) -> None:
    territory, campaign = load_territory(PROJECT.reference), load_campaign(PROJECT.campaign_file)
    herblain = Forum("44", date(2009, 4, 14), time(17, 30), None, "Saint-Herblain", "salle")
    rouen = Forum("76", date(2009, 5, 4), time(18, 0), None, "Rouen", "halle aux Toiles")
    site = render_calendar([herblain, rouen], territory, campaign)
    first, reused = cached_downloads(site, territory, tmp_path)
    assert reused == 0 and set(first) == {"calendrier/forums.ics", "calendrier/forums.json", "calendrier/forums.csv",
                                          "calendrier/forums.xlsx",
                                          "calendrier/44/forums.ics", "calendrier/76/forums.ics",
                                          "calendrier/44/44-2009-04-14-saint-herblain.ics",
                                          "calendrier/76/76-2009-05-04-rouen.ics",
                                          "calendrier/44/documents.json", "calendrier/76/documents.json"}
    assert first == downloads(site, territory)
    # One cache entry per file, but one per département for the one-forum files.
    assert len(list(tmp_path.iterdir())) == 4 + 2 + 2 + 2
    again, reused = cached_downloads(site, territory, tmp_path)
    assert reused == 10 and again == first
    # Rouen's forum moves: the national files and Seine-Maritime's are remade, Loire-Atlantique's reused.
    moved = render_calendar([herblain, replace(rouen, heure_debut=time(19, 0))], territory, campaign)
    changed, reused = cached_downloads(moved, territory, tmp_path)
    assert reused == 3 and changed["calendrier/44/forums.ics"] == first["calendrier/44/forums.ics"]
    assert changed["calendrier/44/44-2009-04-14-saint-herblain.ics"] == first["calendrier/44/44-2009-04-14-saint-herblain.ics"]
    for path in ("calendrier/76/forums.ics", "calendrier/forums.ics", "calendrier/76/76-2009-05-04-rouen.ics"):
        assert b"T190000" in changed[path], path
    # The facts of each forum's documents follow: « 19 h » in Seine-Maritime's, Loire-Atlantique's kept.
    assert changed["calendrier/44/documents.json"] == first["calendrier/44/documents.json"]
    assert "19\u00a0h" in changed["calendrier/76/documents.json"].decode("utf-8")


def test_many_forums_make_few_cache_entries(tmp_path: Path) -> None:
    territory, campaign = load_territory(PROJECT.reference), load_campaign(PROJECT.campaign_file)
    forums = [Forum(dep, date(2009, 4, day), time(18, 0), None, f"Commune {day}", "salle")
              for dep in ("44", "76", "974") for day in range(1, 29)]
    files, _ = cached_downloads(render_calendar(forums, territory, campaign), territory, tmp_path)
    # National files, one ICS and one file of facts per département, one ICS per forum; but one cache entry
    # per département for those.
    assert len(files) == 4 + 3 + 3 + len(forums)
    assert len(list(tmp_path.iterdir())) == 4 + 3 + 3 + 3


def test_bundles_round_trip_and_refuse_damage() -> None:
    files = {"calendrier/44/a.ics": b"BEGIN:VCALENDAR\r\n", "calendrier/44/\u00e9.ics": b"", "x": bytes(range(256))}
    packed = pack(files)
    assert unpack(packed) == files and pack(files) == packed
    for damaged in (packed[:-1], packed + b"x", b"other" + packed, packed.replace(b"[[", b"[1, [", 1)):
        with pytest.raises(ValueError):
            unpack(damaged)


def test_damaged_cache_entry_is_made_again(tmp_path: Path) -> None:
    territory, campaign = load_territory(PROJECT.reference), load_campaign(PROJECT.campaign_file)
    site = render_calendar([Forum("44", date(2009, 4, 14), time(17, 30), None, "Saint-Herblain", "salle")],
                           territory, campaign)
    first, _ = cached_downloads(site, territory, tmp_path)
    (bundle,) = tmp_path.glob("*.bundle")
    bundle.write_bytes(bundle.read_bytes()[:-10])
    again, reused = cached_downloads(site, territory, tmp_path)
    assert again == first and reused == len(first) - 1


def test_download_process_writes_every_file(tmp_path: Path) -> None:
    territory, campaign = load_territory(PROJECT.reference), load_campaign(PROJECT.campaign_file)
    forums = [Forum(dep, date(2009, 4, day), time(18, 0), None, f"Commune {day}", "salle")
              for dep in ("44", "974") for day in range(1, 6)]
    site = render_calendar(forums, territory, campaign)
    site_dir, cache = tmp_path / "site", tmp_path / "cache"
    worker = DownloadsWorker.start(PROJECT.reference)  # started before the calendar is read
    assert worker is not None
    keep_site(cache, "clé", (site, []))  # the process (spawned) reads the pages from the cache
    worker.give(cache, "clé", site_dir)
    counts = worker.result()
    assert worker.process.exitcode == 0 and counts is not None
    written = {p.relative_to(site_dir).as_posix(): p.read_bytes() for p in site_dir.rglob("*") if p.is_file()}
    assert written == downloads(site, territory) and len(written) == 4 + 2 + 2 + len(forums)
    assert counts[:2] == (len(written), 0)
    # Pages the cache does not hold: the process says it failed, and the build does the work itself.
    worker = DownloadsWorker.start(PROJECT.reference)
    assert worker is not None
    worker.give(cache, "autre-clé", tmp_path / "autre")
    assert worker.result() is None and not (tmp_path / "autre").exists()
    # Not needed (a small calendar), or a build that fails after on_files: no process is left behind.
    for given in (False, True):
        worker = DownloadsWorker.start(PROJECT.reference)
        assert worker is not None
        if given:
            worker.give(cache, "clé", tmp_path / "other")
        worker.stop()
        assert not worker.process.is_alive()


def test_download_process_only_for_a_big_calendar(tmp_path: Path) -> None:
    small, big = tmp_path / "petit.csv", tmp_path / "grand.csv"
    small.write_bytes(b"x" * (PARALLEL_FROM * ROW_BYTES - 1))
    big.write_bytes(b"x" * PARALLEL_FROM * ROW_BYTES)
    assert not DownloadsWorker.worth_it(small) and DownloadsWorker.worth_it(big)
    assert not DownloadsWorker.worth_it(tmp_path / "absent.csv")


def test_reserved_identifier_is_refused(tmp_path: Path) -> None:
    # calendrier/44/forums.ics is the département's file: no forum may take its name.
    path = tmp_path / "forums.csv"
    path.write_text("departement;date;heure_debut;commune;lieu;id\n44;2009-04-14;17:30;Saint-Herblain;salle;Forums\n",
                    encoding="utf-8")
    calendar = read_calendar(path, territory=load_territory(PROJECT.reference), campaign=load_campaign(PROJECT.campaign_file))
    assert [(p.line, p.message) for p in calendar.errors] == [
        (2, "identifiant « Forums » réservé (nom d'un fichier du site) : choisissez-en un autre")]


# Each forum's documents ------------------------------------------------------------------------

def documents_links(site: Path, code: str) -> dict[str, list[lxml.html.HtmlElement]]:
    """The département page's links to each forum's documents, by the forum's summary."""
    found = {}
    for details in article(site, f"calendrier/{code}/").xpath("//div[@class='kit-cal-docs']//details"):
        found[text(details.xpath("summary")[0])] = details.xpath(".//a")
    return found


def test_each_forum_links_to_its_documents_named_after_it(cal: Path) -> None:
    rows = [row for row in rows_of(CALENDAR) if row["departement"] == "44"]
    links = documents_links(cal, "44")
    assert len(links) == len(rows)
    for row in rows:
        day = french_date(date.fromisoformat(row["date"]), weekday=True)
        forum = f"forum du {day} {at_commune(row['commune'])}"
        summary = next(s for s in links if s.startswith(f"Documents du {forum}"))
        names = [text(a) for a in links[summary]]
        withdrawn = row["statut"] in {"annulé", "reporté"}
        first = "Avis d'annulation ou de report" if withdrawn else "Affiche"
        assert names == [f"{name} du {forum}" for name in (
            first, "Communiqué de presse", "Invitation de la presse", "Invitation", "Invitation à fusionner",
            "Compte rendu",
            "Feuille d'émargement", "Cartes pour les questions écrites", "Fiche de comptage")]
        for a in links[summary]:
            target = urlsplit(a.get("href"))
            assert target.path == "../../preparer/"
            query = parse_qs(target.query)
            assert query["dep"] == ["44"] and query["forum"] and query["doc"], target.query
            assert (cal / "preparer" / "index.html").is_file()


def test_forum_facts_for_its_documents(cal: Path) -> None:
    """calendrier/<code>/documents.json: the facts as the kit writes them, nothing the calendar does not know."""
    facts = json.loads((cal / "calendrier" / "44" / "documents.json").read_text(encoding="utf-8"))["forums"]
    herblain = next(f for f in facts.values() if f["commune"] == "Saint-Herblain")
    assert herblain["date"] == "mardi 14 avril 2009"
    assert herblain["heure_debut"] == french_time(time(17, 30)) and herblain["heure_fin"] == french_time(time(19, 30))
    assert herblain["le_departement"] == "la Loire-Atlantique" and herblain["du_departement"] == "de la Loire-Atlantique"
    assert herblain["adresse"] == "1 rue de la Paix" and herblain["animateur"] == "M. le préfet"
    assert "contact" not in herblain and "accueil@" not in json.dumps(facts)
    reze = next(f for f in facts.values() if f["commune"] == "Rezé")
    assert reze["statut"] == "annulé"
    assert "adresse" not in reze and "animateur" not in reze  # unknown: the field stays to fill
    reunion = json.loads((cal / "calendrier" / "974" / "documents.json").read_text(encoding="utf-8"))["forums"]
    tampon = next(f for f in reunion.values() if f["commune"] == "Le Tampon")
    assert tampon["heure_debut"] == french_time(time(16, 30))  # local time, as in the calendar
    assert tampon["a_commune"] == "au Tampon" and tampon["du_departement"] == "de La Réunion"
    mayotte = (cal / "calendrier" / "976" / "documents.json").read_text(encoding="utf-8")
    assert "<script>" in mayotte  # plain text in JSON; preparer.js writes it with textContent only


def test_preparer_page_without_javascript_offers_the_blank_documents(cal: Path) -> None:
    for url, lang in (("preparer/", "fr"), ("preparer.en/", "en")):
        root = article(cal, url)
        (tools,) = root.xpath("//*[@data-kit-preparer-outils]")
        assert tools.get("hidden") is not None  # shown by preparer.js once a forum is read
        links = root.xpath("//*[contains(@class, 'kit-preparer__vierges')]//a")
        assert len(links) == 10  # the poster's notice for a cancelled or postponed forum too
        for a in links:
            target = (cal / url / a.get("href")).resolve()
            assert (target / "index.html").is_file(), a.get("href")
            assert (a.get("lang") == "fr") == (lang == "en")  # the documents are French
        (script,) = root.xpath("//script[contains(@src, 'preparer.js')]")
        assert (cal / url / script.get("src")).resolve().is_file()


def test_documents_links_follow_the_sites_url_style() -> None:
    """With ``use_directory_urls: false`` pages are « preparer.html », « forum/affiche.html »."""
    from kit.documents.forum import preparer_html

    territory, campaign = load_territory(PROJECT.reference), load_campaign(PROJECT.campaign_file)
    herblain = Forum("44", date(2009, 4, 14), time(17, 30), None, "Saint-Herblain", "salle")
    for directory_urls, preparer, affiche in ((True, "../../preparer/?", "../forum/affiche/"),
                                              (False, "../../preparer.html?", "forum/affiche.html")):
        site = render_calendar([herblain], territory, campaign, directory_urls=directory_urls)
        links = lxml.html.fragment_fromstring(site.fragments["calendrier/44/index.md"]["documents"]).xpath("//a/@href")
        assert links and all(href.startswith(preparer) for href in links[1:]), links
        tools = preparer_html("fr", "../" if directory_urls else "", directory_urls)
        assert f'href="{affiche}"' in tools


def test_facts_leave_out_what_the_calendar_does_not_know() -> None:
    from kit.documents.facts import forum_facts

    territory = load_territory(PROJECT.reference)
    bare = forum_facts(Forum("75", date(2009, 5, 12), None, None, "Paris 20e", ""), territory)
    assert set(bare) == {"id", "statut", "titre", "date", "commune", "a_commune", "departement", "le_departement",
                         "du_departement"}
    assert bare["le_departement"] == "Paris" and bare["du_departement"] == "de Paris" and bare["titre"] == "forum du mardi 12 mai 2009 à Paris 20e"
    havre = forum_facts(Forum("76", date(2009, 4, 28), time(19, 0), None, "Le Havre", "salons ; mairie",
                              animateur="Mme X"), territory)
    assert havre["a_commune"] == "au Havre" and havre["heure_debut"] == french_time(time(19, 0))
    assert havre["lieu"] == "salons\u202f; mairie" and havre["animateur"] == "Mme X"  # French typography
