"""Shared fixtures: the whole site is built once per test session."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kit.paths import Project
from publishing import (  # noqa: F401  (session fixtures: the season of publications, see tests/publishing.py)
    published,
    season,
)

ROOT = Path(__file__).resolve().parents[1]
# This checkout's folders: the reference data, the campaign, the calendar the tests read.
PROJECT = Project(ROOT)
MKDOCS = [sys.executable, "-m", "mkdocs"]
# A build that makes no PDF, DOCX or ODT (the kit-documents plugin off: mkdocs.yml's KIT_DOCUMENTS),
# for tests that never look at the documents: a build without its documents cache takes seconds, not
# the half-minute WeasyPrint needs for the kit's PDFs.
NO_DOCUMENTS = {"KIT_DOCUMENTS": "false"}


def documents_cache() -> Path:
    """The documents cache of the test site's build (mkdocs.yml's ``KIT_DOCUMENTS_CACHE``), as an absolute path.

    The whole-kit builds of other copies of the kit (the season's versions, the editor's day) keep their
    documents there too: a PDF is laid out for any address (kit.documents.pdf), so they take back the
    layouts that the test site made, and lay out again only the pages they changed.
    """
    return ROOT / os.environ.get("KIT_DOCUMENTS_CACHE", ".cache/documents")


def build_site(dest: Path, *, env: dict[str, str] | None = None, config: Path | None = None,
               cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs build --strict`` into ``dest`` and return the finished process."""
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    # No --quiet: it lowers the log level so far that warnings are never counted
    # and --strict stops failing (checked with MkDocs 1.6.1).
    cmd = [*MKDOCS, "build", "--strict", "--site-dir", str(dest)]
    if config is not None:
        cmd += ["--config-file", str(config)]
    return subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=True, text=True, check=False)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` (make test): one worker more than this machine's cores.

    A browser test waits on the page's frames and timers, a publication test on its subprocesses one
    after the other: with one worker per core, the cores stood idle about one second in eight
    (measured on 2 cores); a third worker fills those waits. PYTEST_XDIST_AUTO_NUM_WORKERS, when set,
    still decides (pytest-xdist reads it).
    """
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    return len(os.sched_getaffinity(0)) + 1


def pytest_configure(config: pytest.Config) -> None:
    """The test modules run longest first, from the last whole run's durations (tests/ordering.py).

    Every build of the run, whatever copy of the kit it builds, takes back the theme's templates that
    an earlier build compiled (kit-templates, ``KIT_TEMPLATES_CACHE``): the copies' own cache folders
    would each start empty. A compiled template is keyed by its name and source, so the copies share
    one entry for each template, and a copy whose ``overrides/`` differs has its own.
    """
    from ordering import LongestFirst

    config.pluginmanager.register(LongestFirst(config), "kit-longest-first")
    os.environ.setdefault("KIT_TEMPLATES_CACHE", str(ROOT / ".cache" / "templates"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The publication gate (marker ``gate``) runs on an editor's machine: Python only.

    (Under pytest-xdist, ``make test`` gives each module's tests to one worker,
    ``--dist loadfile``, so that a module fixture, a build or a served tree, is made once.)
    """
    from kit.publishing.gate import EXTERNAL, check_gate_items

    offending = check_gate_items(items)
    if offending:
        raise pytest.UsageError(f"tests « gate » qui demandent plus que Python ({', '.join(EXTERNAL)}) : "
                                + ", ".join(offending))


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test needing a real client (LibreOffice, ical.js) says how to install it when missing."""
    from clients.tools import MISSING, require

    for marker in MISSING:
        if item.get_closest_marker(marker) is not None:
            require(marker)


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every worker of this test run sees (pytest-xdist gives each its own temporary folder)."""
    base = tmp_path_factory.getbasetemp()
    # Under xdist a worker's folder is <run>/popen-<worker>. A pytest started by a test (the publication
    # gate of publish.py) inherits PYTEST_XDIST_WORKER without being a worker: its own folder is its run's.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return base.parent if worker and base.name == f"popen-{worker}" else base


@contextmanager
def run_lock(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """The folder ``name`` shared by this run's workers, held by one worker at a time."""
    folder = shared_folder(tmp_path_factory) / name
    folder.mkdir(exist_ok=True)
    with open(folder.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kit built once per test run, strict, from the repository as it is (read it, never change it).

    The first worker that needs it builds it; the others wait for that build and read the same tree.
    Under publish.py, the strict build it has just made of the same tree is read instead.
    """
    from kit.publishing.gate import BUILT_SITE

    built = os.environ.get(BUILT_SITE)
    if built:
        assert (Path(built) / "index.html").is_file(), f"{BUILT_SITE}={built} : aucun site construit là"
        return Path(built)
    with run_lock(tmp_path_factory, "site") as folder:
        dest, done = folder / "site", folder / "built"
        if not done.exists():
            result = build_site(dest)
            assert result.returncode == 0, result.stderr
            done.touch()
    return dest


def page(site: Path, url: str) -> str:
    """The HTML of the page served at ``url`` (``"lettre/"``, ``""`` for home)."""
    path = site / url / "index.html" if not url.endswith(".html") else site / url
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole session (Playwright allows one per process)."""
    from kitdev.chromium import CHROMIUM, MISSING, launch

    if not CHROMIUM.exists():
        pytest.skip(MISSING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()



def as_data_file(calendar: Path) -> bytes:
    """A prefecture's calendar as data/forums.csv holds it: without its contact column (never kept in data/)."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(calendar.read_text(encoding="utf-8"), newline=""), delimiter=";"))
    keep = [index for index, name in enumerate(rows[0]) if name != "contact"]
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows([[row[i] for i in keep] for row in rows])
    return out.getvalue().encode("utf-8")
