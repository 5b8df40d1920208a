"""What the calendar reuses from one build to the next, and that reusing never changes a byte.

Under ``make serve`` a saved row is checked again alone, a département whose forums did
not change keeps its page and its rows, and only the downloads that changed are
written; ``make build`` keeps the calendar's pages on disk under the key of their
inputs. Each time the result must be the one made from scratch.

The builds are of a small project (tests/small_project.py): the kit's mkdocs.yml and data,
the calendar's pages and nothing else to render. The build that fills the cache runs in the
test's process; each build that is to take pages back from the cache on disk, and each build
from scratch a result is compared with, runs in a process of its own, as ``make build`` does,
so that nothing an earlier build kept in memory (the kit's memos) can stand in for the cache.
"""

from __future__ import annotations

import csv
import io
import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import NO_DOCUMENTS, PROJECT, build_site
from kit.calendar.downloads import download_keys
from kit.calendar.model import Forum, load_campaign
from kit.calendar.pages import CalendarSite, render_calendar
from kit.calendar.read import read_calendar
from kit.calendar.site_build import SITE_SUFFIX
from kit.site import rendered
from kit.store import ArtifactCache, Key, LinkedFiles, Memo
from kit.territory import load_territory
from small_project import build_here, small_project

CALENDAR = Path(__file__).parent / "data" / "calendar" / "forums.csv"
TERRITORY = load_territory(PROJECT.reference)
CAMPAIGN = load_campaign(PROJECT.campaign_file)


def edited(text: str, line: int, column: str, value: str) -> str:
    """The calendar ``text`` with the cell ``column`` of the forum at ``line`` (as editors count) changed."""
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    rows[line - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    return out.getvalue()


def same_site(one: CalendarSite, other: CalendarSite) -> None:
    assert one.pages == other.pages
    assert one.fragments == other.fragments
    assert one.departement_pages == other.departement_pages
    assert one.forums == other.forums and one.by_departement == other.by_departement


def test_memo_keeps_what_the_last_build_used_and_drops_the_rest() -> None:
    memo: Memo[str] = Memo()
    made: list[str] = []

    def make(value: str) -> str:
        made.append(value)
        return value

    memo.begin()
    assert memo.get("a", lambda: make("A")) == "A" and memo.get("b", lambda: make("B")) == "B"
    memo.begin()
    assert memo.get("a", lambda: make("autre")) == "A"  # kept from the previous build
    memo.begin()
    assert memo.get("b", lambda: make("B2")) == "B2"  # unused by the previous build: made again
    assert made == ["A", "B", "B2"] and (memo.hits, memo.misses) == (0, 1)


def test_only_the_latest_large_files_are_kept(tmp_path: Path) -> None:
    import os

    cache = ArtifactCache(tmp_path)
    for number in range(5):
        cache.put(f"clé{number}", SITE_SUFFIX, b"x")
        os.utime(tmp_path / f"clé{number}.{SITE_SUFFIX}", (1000 + number, 1000 + number))
    cache.put("autre", "ics", b"y")
    assert cache.get("clé0", SITE_SUFFIX) == b"x"  # used again: now the latest
    cache.keep_latest(SITE_SUFFIX, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"clé0.{SITE_SUFFIX}", f"clé3.{SITE_SUFFIX}", f"clé4.{SITE_SUFFIX}", "autre.ics"])


def test_linked_files_keep_one_read_only_copy_of_each_content(tmp_path: Path) -> None:
    import os
    import stat

    linked = LinkedFiles(tmp_path / "gardés")
    site = tmp_path / "site"
    site.mkdir()
    first, second = site / "a.ics", site / "b.ics"
    linked.place(str(first), b"BEGIN:VCALENDAR")
    linked.place(str(second), b"BEGIN:VCALENDAR")
    assert first.read_bytes() == second.read_bytes() == b"BEGIN:VCALENDAR"
    assert first.stat().st_ino == second.stat().st_ino and first.stat().st_nlink == 3  # two links + the kept copy
    assert not stat.S_IMODE(first.stat().st_mode) & 0o222  # an edit in place cannot reach the kept copy
    linked.place(str(first), b"BEGIN:VCALENDAR")  # the same content again: nothing to do
    linked.place(str(first), b"autre contenu")  # replaced whole, the other link and the kept copy unchanged
    assert first.read_bytes() == b"autre contenu" and second.read_bytes() == b"BEGIN:VCALENDAR"
    assert first.stat().st_ino != second.stat().st_ino
    assert not [name for name in os.listdir(site) if name.endswith(".tmp")]
    # A kept copy made writable (edited by hand) is not trusted: made again, read-only.
    kept = next(path for path in (tmp_path / "gardés").rglob("*") if path.is_file() and path.read_bytes() == b"autre contenu")
    kept.chmod(0o644)
    kept.write_bytes(b"abime")
    linked.place(str(site / "c.ics"), b"autre contenu")
    assert (site / "c.ics").read_bytes() == b"autre contenu"
    # Old kept copies are forgotten; the site's files stay.
    for path in (tmp_path / "gardés").rglob("*"):
        if path.is_file():
            os.utime(path, (1000, 1000))
    linked.prune()
    assert not [path for path in (tmp_path / "gardés").rglob("*") if path.is_file()]
    assert second.read_bytes() == b"BEGIN:VCALENDAR"


def test_linked_files_are_written_where_links_cannot_be_made(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    def no_link(*_: object, **__: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_link)
    target = tmp_path / "forums.ics"
    LinkedFiles(tmp_path / "gardés").place(str(target), b"BEGIN:VCALENDAR")
    assert target.read_bytes() == b"BEGIN:VCALENDAR" and target.stat().st_nlink == 1


def test_a_large_key_compares_by_value() -> None:
    forums = tuple(Forum("44", CAMPAIGN.debut, None, None, f"Commune {n}", "salle") for n in range(50))
    assert Key(("44", forums)) == Key(("44", tuple(forums)))
    assert Key(("44", forums)) != Key(("44", forums[:-1]))
    assert len({Key(("44", forums)), Key(("44", tuple(forums)))}) == 1


def test_a_saved_row_is_checked_again_alone(tmp_path: Path) -> None:
    path = tmp_path / "forums.csv"
    text = CALENDAR.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    memo = Memo()  # type: ignore[var-annotated]
    memo.begin()
    first = read_calendar(path, territory=TERRITORY, campaign=CAMPAIGN, memo=memo)
    rows = memo.misses
    assert rows == len(text.strip().splitlines()) - 1 and not memo.hits
    # One row changed (a bad time on line 3): only that row is checked again, and the calendar read with
    # the memo is the one read without it, problems at their lines included.
    path.write_text(edited(text, 3, "heure_debut", "25h"), encoding="utf-8")
    memo.begin()
    again = read_calendar(path, territory=TERRITORY, campaign=CAMPAIGN, memo=memo)
    assert (memo.misses, memo.hits) == (1, rows - 1)
    fresh = read_calendar(path, territory=TERRITORY, campaign=CAMPAIGN)
    assert again.forums == fresh.forums and again.problems == fresh.problems
    assert [f.where for f in again.forums] == [f.where for f in fresh.forums]
    assert any(p.line == 3 and p.severity == "erreur" for p in again.problems)
    assert len(again.forums) == len(first.forums) - 1


def test_an_edited_forum_remakes_its_departement_only() -> None:
    forums = read_calendar(CALENDAR, territory=TERRITORY, campaign=CAMPAIGN).forums
    departements = {f.departement for f in forums}
    assert len(departements) >= 3, "the fixture should span several départements"
    memo = Memo()  # type: ignore[var-annotated]
    memo.begin()
    render_calendar(forums, TERRITORY, CAMPAIGN, memo=memo)
    # Each département: its forums' views, their rows in the national list, its page; each day of the
    # national list.
    days = {f.date for f in forums}
    assert memo.misses == 3 * len(departements) + len(days)
    target = next(f for f in forums if f.departement == "44")
    moved = [replace(f, lieu="salle du conseil municipal") if f is target else f for f in forums]
    memo.begin()
    reused = render_calendar(moved, TERRITORY, CAMPAIGN, memo=memo)
    # The edited forum's département (three entries) and its day, nothing else.
    assert memo.misses == 3 + 1 and memo.hits == 3 * (len(departements) - 1) + len(days) - 1
    same_site(reused, render_calendar(moved, TERRITORY, CAMPAIGN))
    assert "salle du conseil municipal" in reused.fragments["calendrier/44/index.md"]["list"]
    assert "salle du conseil municipal" in reused.fragments["calendrier/index.md"]["list"]


def test_without_links_to_index_files_the_memo_is_not_shared() -> None:
    forums = read_calendar(CALENDAR, territory=TERRITORY, campaign=CAMPAIGN).forums
    memo = Memo()  # type: ignore[var-annotated]
    memo.begin()
    render_calendar(forums, TERRITORY, CAMPAIGN, memo=memo)
    memo.begin()
    plain = render_calendar(forums, TERRITORY, CAMPAIGN, memo=memo, directory_urls=False)
    same_site(plain, render_calendar(forums, TERRITORY, CAMPAIGN, directory_urls=False))


def test_an_edited_forum_changes_the_keys_of_its_own_downloads_only() -> None:
    forums = read_calendar(CALENDAR, territory=TERRITORY, campaign=CAMPAIGN).forums
    target = next(f for f in forums if f.departement == "76")
    before = download_keys(render_calendar(forums, TERRITORY, CAMPAIGN), TERRITORY)
    memo: Memo[str] = Memo()
    memo.begin()
    moved = [replace(f, lieu="halle aux Toiles") if f is target else f for f in forums]
    after = download_keys(render_calendar(moved, TERRITORY, CAMPAIGN), TERRITORY, memo)
    assert after == download_keys(render_calendar(moved, TERRITORY, CAMPAIGN), TERRITORY)
    changed = {path for path in before if before[path] != after[path]}
    national = {path for path in before if path.count("/") == 1}
    assert changed == national | {path for path in before if path.startswith("calendrier/76/")}


def test_make_build_reuses_the_calendar_pages_of_the_same_inputs(tmp_path: Path) -> None:
    project = small_project(tmp_path / "project")
    cache = tmp_path / "cache"
    env = {"KIT_CALENDAR_CACHE": str(cache), **NO_DOCUMENTS}
    build_here(project, tmp_path / "first", env=env)  # fills the cache: in this process
    kept = list(cache.glob(f"*.{SITE_SUFFIX}"))
    assert len(kept) == 1
    site, warnings = pickle.loads(kept[0].read_bytes())
    assert isinstance(site, CalendarSite) and site.pages
    # Proof that the second build takes the pages from the cache: a page changed inside the kept copy
    # shows up in the site. (Never done to a real cache: it only shows where the pages come from.)
    site.pages["calendrier/couverture/index.md"] = site.pages["calendrier/couverture/index.md"].replace(
        "# ", "# Repris du cache – ", 1)
    kept[0].write_bytes(pickle.dumps((site, warnings)))
    second = build_site(tmp_path / "second", env=env, config=project)
    assert second.returncode == 0, second.stderr[-2000:]
    # The downloads are not created again: the two site folders link the same kept copies.
    for download in ("calendrier/forums.ics", "calendrier/forums.xlsx", "calendrier/44/forums.ics"):
        assert (tmp_path / "first" / download).stat().st_ino == (tmp_path / "second" / download).stat().st_ino
    assert "Repris du cache" in (tmp_path / "second" / "calendrier" / "couverture" / "index.html").read_text(
        encoding="utf-8")
    # A different calendar has a different key: read and rendered, never the kept pages.
    other = tmp_path / "forums.csv"
    other.write_text(edited(CALENDAR.read_text(encoding="utf-8"), 2, "lieu", "gymnase"), encoding="utf-8")
    third = build_site(tmp_path / "third", env={**env, "FORUMS_CSV": str(other)}, config=project)
    assert third.returncode == 0, third.stderr[-2000:]
    assert "Repris du cache" not in (tmp_path / "third" / "calendrier" / "couverture" / "index.html").read_text(
        encoding="utf-8")
    assert len(list(cache.glob(f"*.{SITE_SUFFIX}"))) == 2


def test_the_kept_pages_never_hold_a_contact(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    calendar = tmp_path / "forums.csv"
    calendar.write_text(edited(CALENDAR.read_text(encoding="utf-8"), 2, "contact", "jeanne.martin@exemple.fr"),
                        encoding="utf-8")
    assert any(forum.contact for forum in read_calendar(calendar, territory=TERRITORY, campaign=CAMPAIGN).forums)
    # One build, then its cache read: built in this process.
    build_here(small_project(tmp_path / "project"), tmp_path / "site",
               env={"KIT_CALENDAR_CACHE": str(cache), "FORUMS_CSV": str(calendar)})
    assert (tmp_path / "site" / "calendrier" / "index.html").is_file()
    kept = list(cache.rglob("*"))
    assert kept and all(b"jeanne.martin" not in path.read_bytes() for path in kept if path.is_file())


MARK = "<!-- repris d'une construction précédente -->"


def _tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def _unmarked(tree: dict[str, bytes]) -> dict[str, bytes]:
    return {path: data.replace(MARK.encode("utf-8"), b"") for path, data in tree.items()}


def _mark_kept_pages(cache: Path) -> dict[str, rendered.Rendered]:
    """Mark every page the calendar's cache holds as written (to tell later which ones a build took back)."""
    stores = list(cache.glob(f"*.{rendered.SUFFIX}"))
    assert len(stores) == 1, stores
    pages = pickle.loads(stores[0].read_bytes())
    assert pages and all(isinstance(made, rendered.Rendered) and made.output for made in pages.values())
    for made in pages.values():
        made.output = made.output.replace("</body>", MARK + "</body>", 1)
    stores[0].write_bytes(pickle.dumps(pages))
    return pages


def _generated(path: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """What the calendar generates for each of its pages from the calendar ``path``: Markdown, tables."""
    calendar = read_calendar(path, territory=TERRITORY, campaign=CAMPAIGN)
    site = render_calendar(calendar.forums, TERRITORY, CAMPAIGN, warnings=calendar.warnings)
    return {uri: (markdown, site.fragments.get(uri, {})) for uri, markdown in site.pages.items()}


def _html(uri: str) -> str:
    return uri.removesuffix("index.md") + "index.html"


def test_make_build_takes_back_the_calendar_pages_it_wrote(tmp_path: Path) -> None:
    project = small_project(tmp_path / "project")
    cache = tmp_path / "cache"
    env = {"KIT_CALENDAR_CACHE": str(cache), **NO_DOCUMENTS}
    build_here(project, tmp_path / "first", env=env)  # fills the cache: in this process
    pages = _mark_kept_pages(cache)
    assert {"calendrier/index.md", "calendrier/couverture/index.md"} <= pages.keys()
    second = build_site(tmp_path / "second", env=env, config=project)
    assert second.returncode == 0, second.stderr[-2000:]
    # Every calendar page was taken back, and the site is the one the first build wrote, byte for byte.
    for uri in pages:
        assert MARK in (tmp_path / "second" / _html(uri)).read_text(encoding="utf-8"), uri
    assert _unmarked(_tree(tmp_path / "second")) == _tree(tmp_path / "first")
    # Pages the theme would draw differently (their context changed): drawn again by Material's page,
    # through the template that takes pages back; still the same bytes.
    store = next(cache.glob(f"*.{rendered.SUFFIX}"))
    for made in pages.values():
        made.context_key = "autre"
    store.write_bytes(pickle.dumps(pages))
    third = build_site(tmp_path / "third", env=env, config=project)
    assert third.returncode == 0, third.stderr[-2000:]
    assert _tree(tmp_path / "third") == _tree(tmp_path / "first")


def test_a_changed_forum_renders_its_own_pages_again_and_takes_back_the_others(tmp_path: Path) -> None:
    project = small_project(tmp_path / "project")
    calendar = tmp_path / "forums.csv"  # written today, then edited: the same date of data on the pages
    text = CALENDAR.read_text(encoding="utf-8")
    calendar.write_text(text, encoding="utf-8")
    code = next(csv.DictReader(io.StringIO(text), delimiter=";"))["departement"]
    env = {"KIT_CALENDAR_CACHE": str(tmp_path / "cache"), **NO_DOCUMENTS}
    build_here(project, tmp_path / "first", env={**env, "FORUMS_CSV": str(calendar)})  # fills the cache
    pages = _mark_kept_pages(tmp_path / "cache")
    calendar.write_text(edited(text, 2, "lieu", "gymnase municipal"), encoding="utf-8")
    second = build_site(tmp_path / "second", env={**env, "FORUMS_CSV": str(calendar)}, config=project)
    assert second.returncode == 0, second.stderr[-2000:]
    taken = {uri for uri in pages if MARK in (tmp_path / "second" / _html(uri)).read_text(encoding="utf-8")}
    # Rendered again: the pages whose generated Markdown or tables changed (the national list, the
    # département's page), and only those.
    before, after = _generated(CALENDAR), _generated(calendar)
    changed_pages = {uri for uri in after if before.get(uri) != after[uri]}
    assert {"calendrier/index.md", f"calendrier/{code}/index.md"} <= changed_pages
    assert taken == pages.keys() - changed_pages and taken
    # The same bytes as a build that takes nothing back.
    fresh = build_site(tmp_path / "fresh", env={"KIT_CALENDAR_CACHE": str(tmp_path / "fresh-cache"),
                                                **NO_DOCUMENTS, "FORUMS_CSV": str(calendar)}, config=project)
    assert fresh.returncode == 0, fresh.stderr[-2000:]
    assert _unmarked(_tree(tmp_path / "second")) == _tree(tmp_path / "fresh")


@pytest.mark.parametrize("column, value", [("lieu", "gymnase municipal"), ("statut", "annulé")])
def test_rows_memo_is_exact_for_each_kind_of_edit(tmp_path: Path, column: str, value: str) -> None:
    path = tmp_path / "forums.csv"
    text = CALENDAR.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    rows, pages = Memo(), Memo()  # type: ignore[var-annotated]
    for content in (text, edited(text, 2, column, value)):
        path.write_text(content, encoding="utf-8")
        rows.begin()
        pages.begin()
        calendar = read_calendar(path, territory=TERRITORY, campaign=CAMPAIGN, memo=rows)
        site = render_calendar(calendar.forums, TERRITORY, CAMPAIGN, warnings=calendar.warnings, memo=pages)
    fresh = read_calendar(path, territory=TERRITORY, campaign=CAMPAIGN)
    same_site(site, render_calendar(fresh.forums, TERRITORY, CAMPAIGN, warnings=fresh.warnings))
