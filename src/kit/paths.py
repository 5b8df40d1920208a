"""Where the project's files live."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS_DIR = ROOT / "docs"
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
INCLUDES_DIR = ROOT / "includes"

# The forum calendar, unless mkdocs.yml (extra.forums_csv) or $FORUMS_CSV says otherwise.
DEFAULT_CALENDAR = "data/forums.csv"


def calendar_file(setting: str | None = None, *, root: Path = ROOT) -> Path:
    """The forum calendar file: ``setting`` (mkdocs.yml's ``extra.forums_csv``), else
    $FORUMS_CSV, else data/forums.csv; a relative path is taken from the project's root."""
    return root / (setting if setting is not None else os.environ.get("FORUMS_CSV", DEFAULT_CALENDAR))
