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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache, partial
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from kit.calendar.coverage import (
    LEVEL_LABELS,
    LEVELS,
    STRUCK_STATUSES,
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
from kit.calendar.map import (
    INSET_BOX,
    INSET_CODES,
    TILE_GAP,
    TILE_LABEL_ROOM,
    TILE_SIZE,
    TILES_TOP,
    FranceMap,
    Tile,
    inset_transform,
    load_map,
)
from kit.calendar.model import Campaign, Forum, Ordered, Problem, in_calendar_order
from kit.controls import without_controls
from kit.french import french_date, number, percent, plural, time_range
from kit.paths import MAP_FILE
from kit.territory import Canton, Departement, Territory, normalise
from kit.typography import french_text

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
    )


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


def render_calendar(
    forums: Sequence[Forum],
    territory: Territory,
    campaign: Campaign,
    *,
    warnings: Sequence[Problem] = (),
    data_date: date | None = None,
    directory_urls: bool = True,
    france_map: FranceMap | None = None,
) -> CalendarSite:
    """Every page of the calendar: the list, one page per département, the coverage.

    Links are relative; ``directory_urls`` follows MkDocs' setting of that name.
    """
    index_file = "" if directory_urls else "index.html"
    ordered = in_calendar_order(forums)  # as read: already sorted
    cantons = {f: forum_cantons(f, territory) for f in ordered}
    views = [_view(f, territory.departements[f.departement], cantons[f]) for f in ordered]
    by_dep: dict[str, list[ForumView]] = defaultdict(list)
    for view in views:
        by_dep[view.departement.code].append(view)
    by_dep = {code: by_dep[code] for code in territory.departements if code in by_dep}
    covers = coverage(ordered, territory, cantons=cantons)
    outside = [v for v in views if not campaign.debut <= v.forum.date <= campaign.fin]
    common = dict(
        total=len(views),
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
        "list": _render("forum_list.html.j2", views=views, days=_by_day(views), dep_links=dep_links, **common),
    }

    for code, dep_views in by_dep.items():
        uri = departement_uri(code)
        cover = covers[code]
        communes = sorted({v.forum.commune for v in dep_views}, key=normalise)
        site.pages[uri] = _render("departement.md.j2", cover=cover, dep=cover.departement,
                                  communes=communes, **common)
        site.fragments[uri] = {
            "list": _render("forum_table.html.j2", views=dep_views, with_dep=False, base="../",
                            table_id="kit-cal-forums", caption=None, **common),
            "cantons": _render("cantons.html.j2", cover=cover, **common),
        }

    france_map = france_map or load_map(territory.reference_dir / MAP_FILE)
    metro = {s.code: s for s in france_map.shapes}
    inset = [metro[c] for c in INSET_CODES if c in metro]
    overseas = [d for d in territory.departements.values() if d.zone != "metro"]
    step = min(TILE_SIZE + TILE_GAP, france_map.width / max(len(overseas), 1))
    tiles = [Tile(d, x=(france_map.width - step * len(overseas)) / 2 + i * step + (step - TILE_SIZE) / 2,
                  y=TILES_TOP) for i, d in enumerate(overseas)]
    site.pages[COVERAGE_URI] = _render("couverture.md.j2", outside=outside, warnings=warnings, **common)
    site.fragments[COVERAGE_URI] = {
        "map": _render(
            "map.html.j2",
            shapes=[s for s in france_map.shapes if s.code in covers],
            inset=inset,
            inset_transform=inset_transform(inset) if inset else "",
            inset_box=INSET_BOX,
            tiles=tiles,
            tile_size=TILE_SIZE,
            width=france_map.width,
            height=TILES_TOP + TILE_SIZE + TILE_LABEL_ROOM,
            has_page=set(by_dep),
            **common,
        ),
        "table": _render("coverage_table.html.j2", has_page=set(by_dep), **common),
    }
    if outside:
        site.fragments[COVERAGE_URI]["outside"] = _render(
            "forum_table.html.j2", views=outside, with_dep=True, base="../", table_id="kit-cal-outside",
            caption="Forums datés hors de la période de la campagne", **common)
    if warnings:
        site.fragments[COVERAGE_URI]["warnings"] = _render("warnings.html.j2", warnings=warnings)
    site.departement_pages = frozenset(departement_uri(code) for code in by_dep)
    return site
