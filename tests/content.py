"""What the repository holds today, read independently of the kit's own readers.

Tests that look at the project's real content (data/forums.csv, the changelog)
take their expected figures from here rather than writing today's numbers:
an editor who merges a prefecture's file or adds a version changes the content,
never the behaviour the tests guard.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CALENDAR = ROOT / "data" / "forums.csv"


def calendar_rows(path: Path = CALENDAR) -> list[dict[str, str]]:
    """The rows of a calendar data file (``;``-separated UTF-8), with Python's csv module only."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row for row in csv.DictReader(handle, delimiter=";") if any((v or "").strip() for v in row.values())]


def departements(path: Path = CALENDAR) -> set[str]:
    """The départements of a calendar data file, as written in it."""
    return {row["departement"].strip() for row in calendar_rows(path)}


def rows_of(departement: str, path: Path = CALENDAR) -> list[dict[str, str]]:
    return [row for row in calendar_rows(path) if row["departement"].strip() == departement]


_VERSION = re.compile(r"^##\s+(?:Version|Édition|Edition)\s+([0-9]+\.[0-9]+(?:\.[0-9]+)?)", re.MULTILINE)


def changelog_versions(path: Path) -> list[str]:
    """The version numbers of a changelog's level-2 headings, in the file's order (a plain regex)."""
    text = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    text = re.sub(r"^```.*?^```", "", text, flags=re.DOTALL | re.MULTILINE)
    return _VERSION.findall(text)
