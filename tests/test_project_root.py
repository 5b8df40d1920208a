"""A copy of the project, built and run with this checkout's environment, reads its own files.

The kit is installed (editable) from one checkout; a test clone, a second
checkout or a publication clone must still build from its own data, never
from the checkout the package comes from.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT, ROOT, build_site
from publishing import clone_work_tree

# A place name that no calendar of the repository holds.
MARK = "Salle témoin de la copie"


def _mark_first_forum(calendar: Path) -> None:
    """Give the first forum of ``calendar`` the place MARK."""
    lines = calendar.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(";")
    cells = lines[1].rstrip("\r\n").split(";")
    cells[header.index("lieu")] = MARK
    lines[1] = ";".join(cells) + "\n"
    calendar.write_text("".join(lines), encoding="utf-8")


def test_a_copy_builds_and_exports_its_own_calendar(tmp_path: Path) -> None:
    assert MARK not in (ROOT / "data" / "forums.csv").read_text(encoding="utf-8")
    copy = clone_work_tree(tmp_path / "kit")
    _mark_first_forum(copy / "data" / "forums.csv")

    # Built from the copy's folder with this checkout's MkDocs and plugins; the PDF and DOCX files are
    # the same as this checkout's, so they may come from its cache.
    env = {"FORUMS_CSV": "data/forums.csv", "KIT_DOCUMENTS_CACHE": str(PROJECT.cache("documents"))}
    result = build_site(tmp_path / "site", cwd=copy, env=env)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    assert MARK in (site / "calendrier" / "index.html").read_text(encoding="utf-8")
    places = [event.get("location", {}).get("name") for event in
              json.loads((site / "calendrier" / "forums.json").read_text(encoding="utf-8"))["forums"]]
    assert MARK in places
    assert (copy / ".cache" / "calendar").is_dir()

    # The copy's own command-line script, run from elsewhere, reads the copy's calendar by default.
    exported = subprocess.run([sys.executable, str(copy / "scripts" / "forums.py"), "export", "--format", "csv"],
                              cwd=tmp_path, capture_output=True, text=True, check=False,
                              env={name: value for name, value in os.environ.items() if name != "FORUMS_CSV"})
    assert exported.returncode == 0, exported.stderr
    assert MARK in exported.stdout
