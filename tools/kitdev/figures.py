"""What the measurement tools share: this checkout, and figures written the French way."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kit.paths import Project

# This checkout, whichever one kit is installed from.
PROJECT = Project(Path(__file__).resolve().parents[2])  # tools/kitdev/ -> the checkout
ROOT = PROJECT.root


@dataclass(frozen=True)
class Timing:
    """Wall-clock and processor seconds of one command (the processor time is steadier on a busy machine)."""

    wall: float
    cpu: float


def fr(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def size(count: int) -> str:
    return f"{count:,}".replace(",", "\u202f")


def kb(size: int) -> str:
    return f"{fr(size / 1024, 0)} Kio" if size < 1024 * 1024 else f"{fr(size / 1024 / 1024, 1)} Mio"


def duration(timing: Timing) -> str:
    return f"{fr(timing.wall)} s ({fr(timing.cpu)})"

