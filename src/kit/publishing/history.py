"""When each source file last changed, from git (:func:`kit.french.format_day` words it)."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path


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
