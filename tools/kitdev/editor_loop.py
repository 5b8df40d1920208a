"""The editor's loop: time from saving a file to the page served again by ``make serve``.

A copy of the project (pages, templates, data, code; the virtual environment linked,
not copied) is served by ``make serve`` on a free port, with a calendar given by the
caller. Then, after a warm-up, each measured edit is timed from the moment the file is
written to the moment the server answers the page with the edit in it:

- a page edit appends a sentence with a unique word to ``docs/note.md`` and waits for
  ``/note/`` to contain that word;
- a row edit changes the place (« lieu ») of one forum in the calendar file and waits
  for that forum's département page to show it;
- a synthesis edit (when the copy has a ``data/syntheses.csv``) changes the remark of one
  département's synthesis and waits for the follow-up page (``/suivi/``) to show it.

After every edit the search index is fetched and checked: it must hold as many entries
as after the first build (the edit adds no heading), and a page edit must be findable
in it. The server's processor time during each edit is measured too (it is steadier
than the wall-clock time on a busy machine). The project's files are never touched:
everything happens in the copy.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # tools/kitdev/ -> the checkout
# What `make serve` needs from the project, copied as they are.
COPIED = ("Makefile", "mkdocs.yml", "pyproject.toml", "requirements.txt", "requirements-test.txt",
          "requirements.lock", "requirements-test.lock", "requirements-build.lock",
          "docs", "includes", "overrides", "data", "scripts", "src", "tools")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".cache", "site", "node_modules")
EDITED_PAGE = "docs/note.md"
EDITED_URL = "note/"
CALENDAR = "data/forums.csv"
START_TIMEOUT = 900.0  # seconds for the first build (a loaded machine, 12,000 forums)
EDIT_TIMEOUT = 180.0  # seconds for one edit to show
POLL = 0.02  # seconds between two requests while waiting for an edit
# `make serve` as an editor types it; the linked environment is never reinstalled from the copy.
DEFAULT_COMMAND = ("make", "-s", "-o", ".venv/.installed", "serve", "SERVE_ADDR=127.0.0.1:{port}")


@dataclass(frozen=True)
class LoopTiming:
    """One edit: seconds from the save to the page served, and the server's processor seconds meanwhile."""

    wall: float
    cpu: float


@dataclass
class LoopResult:
    """The edits measured on one calendar."""

    forums: int
    page: list[LoopTiming] = field(default_factory=list)
    row: list[LoopTiming] = field(default_factory=list)
    synthesis: list[LoopTiming] = field(default_factory=list)
    index_entries: int = 0
    problems: list[str] = field(default_factory=list)  # search index defects seen after an edit

    @staticmethod
    def median(timings: Sequence[LoopTiming]) -> LoopTiming | None:
        if not timings:
            return None
        return LoopTiming(statistics.median(t.wall for t in timings), statistics.median(t.cpu for t in timings))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def copy_project(target: Path) -> None:
    """Copy what ``make serve`` reads into ``target``; the virtual environment is linked."""
    target.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=IGNORED, dirs_exist_ok=True)
        elif source.is_file():
            shutil.copy2(source, target / name)
    venv = ROOT / ".venv"
    if venv.is_dir() and not (target / ".venv").exists():
        (target / ".venv").symlink_to(venv, target_is_directory=True)


def write_rows(path: Path, columns: Sequence[str], rows: Sequence[dict[str, str]]) -> None:
    """Write the calendar the way an editor's spreadsheet saves it: in place, « ; », UTF-8."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _cpu_seconds(pid: int) -> float:
    """Processor seconds of ``pid`` and of the children it has waited for (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def _tree_cpu(pid: int) -> float:
    """Processor seconds of ``pid`` and of its living descendants."""
    total = _cpu_seconds(pid)
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return total
    return total + sum(_tree_cpu(int(child)) for child in children)


def _get(url: str, timeout: float = 60.0) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return bytes(response.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


class ServedKit:
    """A copy of the kit served by ``make serve`` on a free port."""

    def __init__(self, workdir: Path, env: dict[str, str], command: Sequence[str] | None = None) -> None:
        self.dir = workdir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.log = workdir / "serve.log"
        self.env = env
        self.command = [part.format(port=self.port) for part in
                        (command or DEFAULT_COMMAND)]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                self.command, cwd=self.dir, env=self.env,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{' '.join(self.command)} s'est arrêté :\n{self.tail()}")
            if _get(self.base, timeout=5) is not None:
                return
            time.sleep(0.2)
        raise RuntimeError(f"{' '.join(self.command)} ne répond pas au bout de {START_TIMEOUT:.0f} s :\n"
                           f"{self.tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # the server and its build processes, started here
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:] if self.log.exists() else ""

    def cpu(self) -> float:
        return _tree_cpu(self.process.pid) if self.process is not None else 0.0

    def index_document(self) -> dict[str, object] | None:
        """The served search index (``{"config": …, "docs": […]}``), or None."""
        data = _get(self.base + "search/search_index.json")
        return dict(json.loads(data)) if data else None

    def index(self) -> list[dict[str, str]]:
        document = self.index_document()
        return list(document["docs"]) if document else []  # type: ignore[call-overload]

    def file(self, url: str) -> bytes | None:
        """A served file as it is."""
        return _get(self.base + url)

    def page(self, url: str) -> str:
        """A served page without the live-reload script the server adds to it."""
        body = _get(self.base + url) or b""
        end = body.rfind(b"</body>")
        script = body.rfind(b"<script>", 0, end)
        if end > 0 and script > 0 and b"livereload" in body[script:end]:
            body = body[:script] + body[end:]
        return body.decode("utf-8")

    def wait_for(self, url: str, word: str, started: float, cpu_before: float) -> LoopTiming:
        """Poll ``url`` until it contains ``word``; the time counts from ``started``."""
        needle = word.encode()
        while time.perf_counter() - started < EDIT_TIMEOUT:
            body = _get(self.base + url)
            if body is not None and needle in body:
                return LoopTiming(time.perf_counter() - started, self.cpu() - cpu_before)
            time.sleep(POLL)
        raise RuntimeError(f"la modification n'apparaît pas sur /{url} au bout de {EDIT_TIMEOUT:.0f} s :\n"
                           f"{self.tail()}")


@contextmanager
def served(workdir: Path, env: dict[str, str], command: Sequence[str] | None = None) -> Iterator[ServedKit]:
    kit = ServedKit(workdir, env, command)
    try:
        kit.start()
        yield kit
    finally:
        kit.stop()


def _check_index(kit: ServedKit, expected: int, word: str | None, what: str, result: LoopResult) -> None:
    entries = kit.index()
    if len(entries) != expected:
        result.problems.append(f"{what} : l'index de recherche a {len(entries)} entrées au lieu de {expected}")
    if word is not None and not any(word in entry.get("text", "") for entry in entries):
        result.problems.append(f"{what} : « {word} » est introuvable dans l'index de recherche")


@dataclass(frozen=True)
class Edits:
    """Where a served site takes its edits: a page and its URL, the calendar and a département's URL."""

    page: Path
    page_url: str
    calendar: Path
    departement_url: str  # with {code}
    search: bool = True  # whether the site has a search index to check
    syntheses: Path | None = None  # the syntheses file, edited by hand, shown on syntheses_url
    syntheses_url: str = "suivi/"


def edit_loop(kit: ServedKit, edits: Edits, rows: Sequence[dict[str, str]], columns: Sequence[str], *,
              count: int, warm_up: int, progress: Callable[[str], None]) -> LoopResult:
    """Time ``count`` page, row and synthesis edits (after ``warm_up`` of each) on a served site."""
    result = LoopResult(forums=len(rows))
    original = edits.page.read_text(encoding="utf-8")
    editable = [dict(row) for row in rows]
    if edits.search:
        result.index_entries = len(kit.index())
    for number in range(warm_up + count):
        counted = number >= warm_up
        word = "mesure" + secrets.token_hex(4)
        progress(f"modification de page {number + 1}")
        cpu = kit.cpu()
        started = time.perf_counter()
        edits.page.write_text(f"{original.rstrip()}\n\nPhrase ajoutée pour la mesure : {word}.\n", encoding="utf-8")
        timing = kit.wait_for(edits.page_url, word, started, cpu)
        if edits.search:
            _check_index(kit, result.index_entries, word, f"page, modification {number + 1}", result)
        if counted:
            result.page.append(timing)
        if edits.syntheses is not None and edits.syntheses.is_file() and \
                len(edits.syntheses.read_text(encoding="utf-8").splitlines()) > 1:
            progress(f"modification de synthèse {number + 1}")
            lines = edits.syntheses.read_text(encoding="utf-8").splitlines()
            index = 1 + (number * 7) % (len(lines) - 1)
            cells = next(csv.reader([lines[index]], delimiter=";"))
            cells[-1] = f"relue {word}"
            lines[index] = ";".join(cells)
            cpu = kit.cpu()
            started = time.perf_counter()
            edits.syntheses.write_text("\n".join(lines) + "\n", encoding="utf-8")
            timing = kit.wait_for(edits.syntheses_url, word, started, cpu)
            if counted:
                result.synthesis.append(timing)
        if not editable:
            continue
        progress(f"modification de forum {number + 1}")
        row = editable[(number * 997) % len(editable)]
        row["lieu"] = f"salle {word}"
        url = edits.departement_url.format(code=row["departement"])
        # The editor looks at the page before changing its forum (Hugo's fast render mode only
        # renders again the pages it has served lately: an unseen page could stay stale).
        _get(kit.base + url)
        cpu = kit.cpu()
        started = time.perf_counter()
        write_rows(edits.calendar, columns, editable)
        timing = kit.wait_for(url, word, started, cpu)
        if edits.search:
            _check_index(kit, result.index_entries, None, f"forum, modification {number + 1}", result)
        if counted:
            result.row.append(timing)
    return result


def measure_loop(rows: Sequence[dict[str, str]], columns: Sequence[str], workdir: Path, *,
                 edits: int = 5, warm_up: int = 1, env: dict[str, str] | None = None,
                 progress: Callable[[str], None] = lambda _: None,
                 data: Callable[[Path], None] | None = None) -> LoopResult:
    """Serve a copy of the kit with ``rows`` as its calendar and time ``edits`` page and row edits
    (and synthesis edits: ``data`` writes the copy's other data files into the folder it is given)."""
    kit_dir = workdir / "kit"
    copy_project(kit_dir)
    write_rows(kit_dir / CALENDAR, columns, rows)
    if data is not None:
        data(kit_dir / "data")
    server_env = {**os.environ, **(env or {}), "NO_MKDOCS_2_WARNING": "1",
                  "KIT_CALENDAR_CACHE": str(workdir / "cache" / "calendar"),
                  "KIT_DOCUMENTS_CACHE": str(workdir / "cache" / "documents")}
    server_env.pop("FORUMS_CSV", None)  # the copy's own data/forums.csv
    where = Edits(page=kit_dir / EDITED_PAGE, page_url=EDITED_URL, calendar=kit_dir / CALENDAR,
                  departement_url="calendrier/{code}/", syntheses=kit_dir / "data" / "syntheses.csv")
    with served(kit_dir, server_env) as kit:
        return edit_loop(kit, where, rows, columns, count=edits, warm_up=warm_up, progress=progress)
