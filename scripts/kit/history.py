"""When each source file last changed, from git, and that date in French or English."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from babel.dates import format_date

from kit.forums import french_date

# British English: « 10 March 2009 », as in the English versions of the texts.
LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def last_changes(root: Path, folder: str = "docs") -> dict[str, date]:
    """Date of the last commit touching each file under ``folder``, keyed by path relative to it.

    One ``git log`` for the whole folder. Outside a git work tree, or without
    git, the result is empty: pages then show no date rather than a wrong one.
    """
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotepath=off", "log", "--no-renames", "--format=%x00%cs",
             "--name-only", "--", folder],
            cwd=root, capture_output=True, text=True, encoding="utf-8", check=False,
        )
    except OSError:
        return {}
    if result.returncode != 0:
        return {}
    dates: dict[str, date] = {}
    current: date | None = None
    prefix = folder.rstrip("/") + "/"
    for line in result.stdout.splitlines():
        if line.startswith("\x00"):
            # %cs: the commit date in the committer's own time zone.
            current = date.fromisoformat(line[1:])
        elif line and current is not None and line.startswith(prefix):
            # Newest commits come first: keep the first date seen per file.
            dates.setdefault(line[len(prefix):], current)
    return dates


def format_day(day: date, lang: str) -> str:
    """``10 mars 2009``, ``1er avril 2009`` (French) or ``10 March 2009`` (English)."""
    if lang == "fr":
        return french_date(day)
    return format_date(day, format="long", locale=LOCALES.get(lang, LOCALES["en"]))
