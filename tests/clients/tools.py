"""The real clients the download tests use, and how to install them when missing.

A test that needs one carries its marker (``libreoffice``, ``icaljs``): when
the tool is missing, the test is skipped with the command that installs it,
or fails with that message under CI (``CI=true``), where ``.ci/run`` installs
everything and a missing tool is a broken install.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
NODE = shutil.which("node")
ICAL_JS = ROOT / "node_modules" / "ical.js"
READ_ICS = Path(__file__).with_name("read_ics.mjs")
# LibreOffice's user profiles, one for each test process, kept from one run to the next (make clean).
PROFILES = ROOT / ".cache" / "tests" / "libreoffice"

MISSING = {
    "libreoffice": (lambda: SOFFICE is None,
                    "LibreOffice (soffice) est absent : « apt-get install libreoffice-writer-nogui "
                    "libreoffice-calc-nogui » (c'est ce que fait .ci/run)."),
    "icaljs": (lambda: NODE is None or not ICAL_JS.is_dir(),
               "ical.js est absent : il faut node et npm (« apt-get install nodejs npm »), puis "
               "« make test » l'installe dans node_modules/ (npm ci)."),
}


def require(marker: str) -> None:
    """Skip (or, under CI, fail) the current test when the tool behind ``marker`` is missing."""
    missing, hint = MISSING[marker]
    if missing():
        if os.environ.get("CI"):
            pytest.fail(hint, pytrace=False)
        pytest.skip(hint)


@contextmanager
def libreoffice_profile() -> Iterator[Path]:
    """This test process's LibreOffice user profile, held for one start of LibreOffice.

    Each worker has its own (``PYTEST_XDIST_WORKER``), so parallel workers never share one, and a
    lock makes two runs in one clone take it in turn. It is kept: a start on an empty profile
    first writes it, then starts LibreOffice again (a text file converted to PDF: 1.10 s of processor
    time on a new profile, 0.98 s on a kept one, medians of 5 on 2 cores).
    """
    PROFILES.mkdir(parents=True, exist_ok=True)
    name = os.environ.get("PYTEST_XDIST_WORKER", "principal")
    with (PROFILES / f"{name}.verrou").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield PROFILES / name


def soffice(profile: Path) -> list[str]:
    """The start of a headless LibreOffice command on ``profile``."""
    assert SOFFICE is not None
    return [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck"]


def convert(files: list[Path], target: str, outdir: Path, *, infilter: str | None = None) -> list[Path]:
    """Convert ``files`` with LibreOffice headless into ``outdir``; the converted paths, in order."""
    outdir.mkdir(parents=True, exist_ok=True)
    with libreoffice_profile() as profile:
        command = [*soffice(profile), "--convert-to", target, "--outdir", str(outdir)]
        if infilter:
            command.append(f"--infilter={infilter}")
        result = subprocess.run([*command, *map(str, files)], capture_output=True, text=True, timeout=600,
                                check=False)
    extension = target.split(":")[0]
    converted = [outdir / f"{path.stem}.{extension}" for path in files]
    missing = [path.name for path in converted if not path.is_file()]
    assert not missing, f"LibreOffice n'a pas converti {missing} : {result.stdout} {result.stderr}"
    return converted


def read_calendars(paths: list[Path]) -> list[dict[str, Any]]:
    """What ical.js reads in each calendar file (see read_ics.mjs)."""
    assert NODE is not None
    result = subprocess.run([NODE, str(READ_ICS), *map(str, paths)], capture_output=True, text=True,
                            cwd=ROOT, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return data
