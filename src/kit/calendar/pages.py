"""The forum calendar as site pages: forums and territory in, Markdown and HTML out.

Pure: never imports MkDocs. Every page is a short Markdown text (title, a few
sentences the search index should see, placeholders); the big parts (forum
tables, the map, the coverage table) are HTML fragments that the MkDocs plugin
puts in place of their placeholder once the page is rendered, so that neither
Python-Markdown nor the search plugin ever reads them.

Every value is escaped by Jinja's autoescape, wherever it lands.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from kit.calendar.controls import without_controls
from kit.calendar.coverage import (
    LEVEL_LABELS,
    LEVELS,
    STRUCK_STATUSES,
    Coverage,
    coverage,
    forum_cantons,
)
from kit.calendar.locations import (
    COVERAGE_URI,
    ICS_NAME,
    INDEX_URI,
    SECTION,
    departement_uri,
    forum_ics_path,
)
from kit.calendar.map import FranceMap, map_layout
from kit.calendar.model import Campaign, Forum, Ordered, Problem, in_calendar_order
from kit.documents.forum import FORUM_DOCUMENTS
from kit.french import french_date, number, percent, plural, time_range
from kit.html.typography import french_text
from kit.store import Key, Memo
from kit.territory import Canton, Departement, Territory, normalise

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


# Visible text of a forum's own ICS link, in the « Agenda » column; its accessible name starts with it.
ICS_LINK_TEXT = "Ajouter"
STATUS_LABELS = {"prévu": "Prévu", "annulé": "Annulé", "reporté": "Reporté", "tenu": "Tenu"}
STATUS_SLUGS = {"prévu": "prevu", "annulé": "annule", "reporté": "reporte", "tenu": "tenu"}


def placeholder(name: str) -> str:
    """The HTML comment the hook replaces with the fragment ``name``."""
    return f"<!-- kit-calendar:{name} -->"


@dataclass(frozen=True)
class ForumView:
    """A forum as its table row shows it (text already formatted)."""

    forum: Forum
    departement: Departement
    date_text: str
    time_text: str
    commune: str
    lieu: str
    adresse: str
    animateur: str
    cantons: tuple[str, ...]
    status: str
    status_label: str
    struck: bool
    local_time: bool  # overseas: the time is the local one
    ics: str  # the forum's own ICS file, from calendrier/ (« 44/44-2009-04-14-saint-herblain.ics »)
    ics_label: str  # the accessible name of its link, which starts with the link's visible text
    provenance: str  # « presse », « préfecture » or "" (the data file's value)
    provenance_label: str  # « relevé dans la presse »…


_TYPOGRAPHY_MARKS = frozenset(":;!?«»%")


def _text(value: str) -> str:
    """A field as shown: no control character, French typography (when it has a mark to space)."""
    # A field read from a calendar file has no carriage return left; one made otherwise keeps it (white space).
    value = without_controls(value, keep_carriage_returns=True)
    return french_text(value) if not _TYPOGRAPHY_MARKS.isdisjoint(value) else value


def at_commune(commune: str) -> str:
    """« à Rouen », « au Havre », « aux Abymes », « à La Possession »."""
    for article, contracted in (("Le ", "au "), ("Les ", "aux ")):
        if commune.startswith(article):
            return contracted + commune[len(article):]
    return f"à {commune}"


def _view(forum: Forum, dep: Departement, cantons: tuple[Canton, ...]) -> ForumView:
    date_text = french_date(forum.date, weekday=True)
    commune = _text(forum.commune)
    return ForumView(
        forum=forum,
        departement=dep,
        date_text=date_text,
        time_text=time_range(forum.heure_debut, forum.heure_fin),
        commune=commune,
        lieu=_text(forum.lieu),
        adresse=_text(forum.adresse),
        animateur=_text(forum.animateur),
        cantons=tuple(c.libelle for c in cantons),
        status=STATUS_SLUGS.get(forum.statut, "prevu"),
        status_label=STATUS_LABELS.get(forum.statut, forum.statut),
        struck=forum.statut in STRUCK_STATUSES,
        local_time=dep.zone != "metro" and forum.heure_debut is not None,
        ics=forum_ics_path(forum).removeprefix(f"{SECTION}/"),
        ics_label=f"{ICS_LINK_TEXT} à mon agenda le forum du {date_text} {at_commune(commune)} (fichier ICS)",
        provenance=forum.provenance,
        provenance_label=forum.provenance_label,
    )


def _looked_up(forums: Sequence[Forum], territory: Territory) -> list[tuple[tuple[Canton, ...], ForumView]]:
    """Each forum's cantons and its view (the row's texts)."""
    found = []
    for forum in forums:
        cantons = forum_cantons(forum, territory)
        found.append((cantons, _view(forum, territory.departements[forum.departement], cantons)))
    return found


def provenance_shown(views: Sequence[ForumView]) -> bool:
    """The « Provenance » column is shown when a forum was not sent by its prefecture (the press, unknown)."""
    return any(v.provenance != "préfecture" for v in views)


def _national_cols(views: Sequence[ForumView]) -> tuple[str, ...]:
    """The optional columns of the national list: the département, who leads the forum if any does, and where
    forums come from unless every one was sent by its prefecture."""
    cols = ("dep", "animateur") if any(v.animateur for v in views) else ("dep",)
    return (*cols, "provenance") if provenance_shown(views) else cols


def _day_sections(views: Sequence[ForumView], rows: _Rows, memo: PageMemo | None) -> list[Markup]:
    """The national list's days, each a heading and a table (day.html.j2); with a ``memo``, a day whose
    rows did not change is not rendered again."""
    sections = []
    for day, day_views in _by_day(views):
        made = tuple(rows(view, rows.national_cols, "") for view in day_views)
        make = partial(_render_markup, "day.html.j2", day=day, rows=made, cols=rows.national_cols)
        sections.append(memo.get(("day", day, made, rows.national_cols), make) if memo is not None else make())
    return sections


def _render_markup(name: str, **context: object) -> Markup:
    return Markup(_render(name, **context))


def _national_rows(rows: _Rows, views: Sequence[ForumView]) -> tuple[Markup, ...]:
    """The rows of these forums in the national list."""
    return tuple(rows.render(view, rows.national_cols, "") for view in views)


def _by_day(views: Sequence[ForumView]) -> list[tuple[date, list[ForumView]]]:
    """Views grouped by date, in order (the views are sorted)."""
    days: dict[date, list[ForumView]] = {}
    for view in views:
        days.setdefault(view.forum.date, []).append(view)
    return list(days.items())


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # In the calendar's pages a date says its weekday: « mardi 14 avril 2009 ».
    env.filters.update(number=number, plural=plural, percent=percent,
                       french_date=partial(french_date, weekday=True))
    env.globals.update(placeholder=lambda name: Markup(placeholder(name)), LEVEL_LABELS=LEVEL_LABELS,
                       STATUS_LABELS=STATUS_LABELS, LEVELS=LEVELS, ICS_NAME=ICS_NAME,
                       ICS_LINK_TEXT=ICS_LINK_TEXT)
    return env


def _render(name: str, **context: object) -> str:
    return _environment().get_template(name).render(**context)


@dataclass
class CalendarSite:
    """What the calendar adds to the site: pages, their fragments, the downloads' data."""

    pages: dict[str, str] = field(default_factory=dict)  # source URI -> Markdown
    fragments: dict[str, dict[str, str]] = field(default_factory=dict)  # source URI -> name -> HTML
    departement_pages: frozenset[str] = frozenset()  # source URIs kept out of the nav
    forums: Ordered = Ordered()
    by_departement: dict[str, Ordered] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # small downloads added as the site's files (site path)


# A département's page: its Markdown and its fragments (name -> HTML).
DepartementPage = tuple[str, tuple[tuple[str, str], ...]]
# What render_calendar keeps for the next call: département pages, forum views and table rows, by
# everything each is made from.
PageMemo = Memo[Any]


class _Rows:
    """The forums' table rows (the ``row`` macro); those of the national list may be made beforehand."""

    def __init__(self, index_file: str) -> None:
        module = _environment().get_template("_forums.html.j2").make_module({"index_file": index_file})
        self.macro: Callable[..., str] = module.row  # type: ignore[attr-defined]  # a macro of the template
        self.national: dict[int, Markup] = {}  # id(view) -> its row in the national list
        self.national_cols: tuple[str, ...] = ()

    def render(self, view: ForumView, cols: Sequence[str], base: str) -> Markup:
        return Markup(self.macro(view, cols, base))

    def __call__(self, view: ForumView, cols: Sequence[str], base: str) -> Markup:
        if not base and tuple(cols) == self.national_cols:
            made = self.national.get(id(view))
            if made is not None:
                return made
        return self.render(view, cols, base)


def _departement_page(views: Sequence[ForumView], cover: Coverage, index_file: str, rows: _Rows) -> DepartementPage:
    """A département's page, from its forums (their views) and its coverage alone."""
    communes = sorted({v.forum.commune for v in views}, key=normalise)
    markdown = _render("departement.md.j2", cover=cover, dep=cover.departement, communes=communes,
                       index_file=index_file)
    fragments = (
        ("list", _render("forum_table.html.j2", views=views, with_dep=False, base="../",
                         table_id="kit-cal-forums", caption=None, index_file=index_file, forum_row=rows)),
        ("cantons", _render("cantons.html.j2", cover=cover)),
        ("documents", forum_documents(views, index_file)),
    )
    return markdown, fragments


def forum_documents(views: Sequence[ForumView], index_file: str) -> str:
    """Links to each forum's documents, from its département's page (calendrier/<code>/)."""
    return _render("forum_documents.html.j2", views=views, index_file=index_file, root="../../",
                   FORUM_DOCUMENTS=FORUM_DOCUMENTS, at_commune=at_commune)


def render_calendar(
    forums: Sequence[Forum],
    territory: Territory,
    campaign: Campaign,
    *,
    warnings: Sequence[Problem] = (),
    data_date: date | None = None,
    directory_urls: bool = True,
    france_map: FranceMap | None = None,
    memo: PageMemo | None = None,
) -> CalendarSite:
    """Every page of the calendar: the list, one page per département, the coverage.

    Links are relative; ``directory_urls`` follows MkDocs' setting of that name.
    With a ``memo`` (``make serve``), a département whose forums did not change since
    the previous call keeps its forums' views, their rows in the national list and its
    page; the memo belongs to one territory and one version of the templates.
    """
    index_file = "" if directory_urls else "index.html"
    ordered = in_calendar_order(forums)  # as read: already sorted
    rows = _Rows(index_file)
    dep_keys: dict[str, Key] = {}
    if memo is None:
        cantons = {f: forum_cantons(f, territory) for f in ordered}
        views = [_view(f, territory.departements[f.departement], cantons[f]) for f in ordered]
        rows.national_cols = _national_cols(views)
    else:  # a département whose forums did not change keeps their cantons, views and rows
        groups: dict[str, list[Forum]] = defaultdict(list)
        for forum in ordered:
            groups[forum.departement].append(forum)
        found: dict[int, tuple[tuple[Canton, ...], ForumView]] = {}
        for code, group in groups.items():
            dep_keys[code] = key = Key((code, tuple(group)))
            looked_up = memo.get(("views", key), partial(_looked_up, group, territory))
            found.update(zip(map(id, group), looked_up, strict=True))
        cantons = {f: found[id(f)][0] for f in ordered}
        views = [found[id(f)][1] for f in ordered]
        rows.national_cols = _national_cols(views)
        for code, group in groups.items():
            dep_views = [found[id(f)][1] for f in group]
            made = memo.get(("rows", dep_keys[code], rows.national_cols, index_file),
                            partial(_national_rows, rows, dep_views))
            rows.national.update(zip(map(id, dep_views), made, strict=True))
    by_dep: dict[str, list[ForumView]] = defaultdict(list)
    for view in views:
        by_dep[view.departement.code].append(view)
    by_dep = {code: by_dep[code] for code in territory.departements if code in by_dep}
    covers = coverage(ordered, territory, cantons=cantons)
    outside = [v for v in views if not campaign.debut <= v.forum.date <= campaign.fin]
    common = dict(
        total=len(views),
        from_press=sum(1 for v in views if v.provenance == "presse"),
        from_prefectures=sum(1 for v in views if v.provenance == "préfecture"),
        withdrawn=sum(1 for v in views if v.struck),
        data_date=french_date(data_date) if data_date else None,
        first=views[0].forum.date if views else None,
        last=views[-1].forum.date if views else None,
        campaign=campaign,
        covers=covers,
        dep_count=len(by_dep),
        index_file=index_file,
    )

    site = CalendarSite(forums=ordered, by_departement={c: Ordered(v.forum for v in vs) for c, vs in by_dep.items()})
    dep_links = [(code, covers[code]) for code in by_dep]
    site.pages[INDEX_URI] = _render("index.md.j2", dep_links=dep_links, **common)
    site.fragments[INDEX_URI] = {
        "list": _render("forum_list.html.j2", sections=_day_sections(views, rows, memo), dep_links=dep_links,
                        **common),
    }

    for code, dep_views in by_dep.items():
        uri = departement_uri(code)
        cover = covers[code]
        # Made from its own forums and coverage alone: kept while they do not change.
        make = partial(_departement_page, dep_views, cover, index_file, rows)
        page = memo.get(("page", dep_keys[code], index_file), make) if memo is not None else make()
        site.pages[uri], site.fragments[uri] = page[0], dict(page[1])

    layout = map_layout(territory, covers, france_map)
    site.pages[COVERAGE_URI] = _render("couverture.md.j2", outside=outside, warnings=warnings, **common)
    site.fragments[COVERAGE_URI] = {
        "map": _render(
            "map.html.j2",
            shapes=list(layout.shapes),
            inset=list(layout.inset),
            inset_transform=layout.inset_transform,
            inset_box=layout.inset_box,
            tiles=list(layout.tiles),
            tile_size=layout.tile_size,
            width=layout.width,
            height=layout.height,
            has_page=set(by_dep),
            **common,
        ),
        "table": _render("coverage_table.html.j2", has_page=set(by_dep), **common),
    }
    if outside:
        site.fragments[COVERAGE_URI]["outside"] = _render(
            "forum_table.html.j2", views=outside, with_dep=True, base="../", table_id="kit-cal-outside",
            caption="Forums datés hors de la période de la campagne", forum_row=rows, **common)
    if warnings:
        site.fragments[COVERAGE_URI]["warnings"] = _render("warnings.html.j2", warnings=warnings)
    site.departement_pages = frozenset(departement_uri(code) for code in by_dep)
    return site
