"""The coverage map's geometry: département outlines of the SVG map, the Paris inset, overseas tiles."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kit.paths import MAP_FILE
from kit.territory import Departement, Territory

# Paris and its inner ring are too small on the national map: drawn again, enlarged.
INSET_CODES = ("75", "92", "93", "94")
INSET_BOX = (8.0, 8.0, 120.0, 105.0)  # x, y, width, height, in the map's units (the Channel)
TILE_SIZE, TILE_GAP, TILES_TOP = 44.0, 8.0, 598.0
# Room under the tiles for their labels, which calendar.css enlarges on small screens.
TILE_LABEL_ROOM = 32.0


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


def load_map(path: Path) -> FranceMap:
    """Read the département outlines of the SVG map at ``path``."""
    return _parse_map(Path(path).read_text(encoding="utf-8"), str(path))


@lru_cache(maxsize=2)
def _parse_map(text: str, path: str) -> FranceMap:
    """The map of this SVG text (read again by every build, parsed once while it does not change)."""
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


def inset_transform(shapes: Sequence[Shape]) -> str:
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


@dataclass(frozen=True)
class MapLayout:
    """What a map of France draws: the metropolitan shapes, the Paris inset, the overseas tiles."""

    shapes: tuple[Shape, ...]
    inset: tuple[Shape, ...]
    inset_transform: str
    inset_box: tuple[float, float, float, float]
    tiles: tuple[Tile, ...]
    tile_size: float
    width: float
    height: float


def map_layout(territory: Territory, codes: Collection[str], france_map: FranceMap | None = None) -> MapLayout:
    """The map's layout for the départements ``codes`` (the metropolitan ones drawn, the others in tiles)."""
    france_map = france_map or load_map(territory.reference_dir / MAP_FILE)
    metro = {s.code: s for s in france_map.shapes}
    inset = tuple(metro[c] for c in INSET_CODES if c in metro)
    overseas = [d for d in territory.departements.values() if d.zone != "metro"]
    step = min(TILE_SIZE + TILE_GAP, france_map.width / max(len(overseas), 1))
    tiles = tuple(Tile(d, x=(france_map.width - step * len(overseas)) / 2 + i * step + (step - TILE_SIZE) / 2,
                       y=TILES_TOP) for i, d in enumerate(overseas))
    return MapLayout(shapes=tuple(s for s in france_map.shapes if s.code in codes), inset=inset,
                     inset_transform=inset_transform(inset) if inset else "", inset_box=INSET_BOX, tiles=tiles,
                     tile_size=TILE_SIZE, width=france_map.width, height=TILES_TOP + TILE_SIZE + TILE_LABEL_ROOM)
