"""Publishing in a throwaway copy of the repository, serving the result with nginx, crawling it.

The copy starts from a changelog of its own (``write_changelog``), so nothing
here depends on what today's docs/nouveautes.md holds. One DICOM season is
played in it, step by step and only as far as a test needs (``Season``):

- 1.0 (26 February 2009): the first edition;
- 1.1 (10 March): three prefectures' calendar files merged with
  scripts/forums.py, one paragraph added to the page on sending the calendar;
- 1.2 (24 March): a forum cancelled, a new page;
- ``--retour 1.1``: « latest » back on 1.1, nothing rebuilt;
- 1.3 (7 April): the mail merge page fixed, published WITH the test run
  (pointed at one small test file with ``--tests``).

The pages it changes are the edition's, never the ministry's 2009 texts (an
editor corrects those only to follow the source), and none of them has a PDF:
the documents of every version are the test site's, their links pointed at the
version's address (kit.documents.pdf), so that no step lays a page out again.

The ``published`` session fixture is the gh-pages tree right after 1.1; the
builds are shared by every publishing test (the documents cache is shared
too, so unchanged PDFs are made once).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
import pytest

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "/kit-forums/"
# The address the season publishes for (canonical links, 404 page, PDF links); served here on 127.0.0.1.
SITE_URL = f"https://intranet.test{PREFIX}"
NGINX = Path("/usr/sbin/nginx")
# The page 1.1 changes (with its English page, unchanged), and their addresses in a version.
CHANGED_STEM = "envoi-calendrier"
CHANGED_PAGE = f"{CHANGED_STEM}.md"
CHANGED_URL = f"{CHANGED_STEM}/"
CHANGED_URL_EN = f"{CHANGED_STEM}.en/"
ADDED_TEXT = "Paragraphe ajouté pour la version 1.1 du kit."
CHANGE_DAY = "2009-03-10"
NEW_PAGE = "questions.md"
NEW_PAGE_TITLE = "Questions fréquentes"
# The page 1.3 fixes.
FIXED_STEM = "publipostage"
FIXED_PAGE = f"{FIXED_STEM}.md"
FIXED_URL = f"{FIXED_STEM}/"
FIXED_TEXT = "Précision ajoutée pour la version 1.3 du kit."
# A small, fast test file for the test run publish.py launches (--tests).
QUICK_TESTS = "tests/test_typography.py"
CONTACT = "bureau.cabinet@prefecture.test"
IDENTITY = {
    "GIT_AUTHOR_NAME": "DICOM", "GIT_AUTHOR_EMAIL": "dicom@interieur.gouv.fr",
    "GIT_COMMITTER_NAME": "DICOM", "GIT_COMMITTER_EMAIL": "dicom@interieur.gouv.fr",
}


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git in ``repo``; fail the test with git's message if it fails."""
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False,
                            env={**os.environ, **IDENTITY, **(env or {})})
    assert result.returncode == 0, f"git {' '.join(args)} : {result.stderr}"
    return result.stdout


def clone_work_tree(dest: Path, source: Path = ROOT, message: str = "Work tree under test") -> Path:
    """A git clone of ``source`` (the repository), with its work tree's uncommitted files committed on top.

    So the copy holds exactly what the ``site`` fixture builds, history
    included (for the « last changed » dates), and no remote: nothing a test
    does can reach the real repository.
    """
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(source), str(dest)], check=True)
    def names(*args: str) -> list[str]:
        out = subprocess.run(["git", *args], cwd=source, capture_output=True, check=True).stdout.decode()
        return out.split("\0")

    # Changed since HEAD (staged or not), new, and deleted files.
    changed = names("diff", "-z", "--name-only", "--diff-filter=d", "HEAD") + names(
        "ls-files", "-z", "--others", "--exclude-standard")
    deleted = names("diff", "-z", "--name-only", "--diff-filter=D", "HEAD")
    for name in filter(None, changed):
        origin, target = source / name, dest / name
        if origin.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target)
    for name in filter(None, deleted):
        (dest / name).unlink(missing_ok=True)
    git(dest, "remote", "remove", "origin")
    git(dest, "config", "user.name", IDENTITY["GIT_COMMITTER_NAME"])
    git(dest, "config", "user.email", IDENTITY["GIT_COMMITTER_EMAIL"])
    git(dest, "add", "--all")
    if git(dest, "status", "--porcelain").strip():
        git(dest, "commit", "--quiet", "-m", message)
    return dest


def publish(repo: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the clone's own scripts/publish.py with the test environment's Python."""
    full_env = {**os.environ, **IDENTITY, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    full_env.pop("FORUMS_CSV", None)
    return subprocess.run([sys.executable, str(repo / "scripts" / "publish.py"), *args], cwd=repo,
                          env=full_env, capture_output=True, text=True, check=False)


def commit(repo: Path, message: str, day: str) -> None:
    """Commit everything, dated ``day`` (ISO) at noon, Paris time."""
    git(repo, "add", "--all")
    stamp = f"{day}T12:00:00+01:00"
    git(repo, "commit", "--quiet", "-m", message, env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})


# -- The fixture's own changelog --------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One version of the changelog, in French and in English (items are Markdown list lines)."""

    version: str
    date_fr: str
    date_en: str
    items_fr: tuple[str, ...]
    items_en: tuple[str, ...]


FIRST_EDITION = Entry(
    "1.0", "26 février 2009", "26 February 2009",
    ("la [lettre du directeur du cabinet](lettre.md), la [note de fond](note.md) et les "
     "[fiches thématiques](fiche-1.md) ;", "le [calendrier des forums](calendrier/index.md)."),
    ("the [letter](lettre.en.md), the [background note](note.en.md) and the "
     "[theme sheets](fiche-1.en.md);", "the [forum calendar](calendrier/index.md)."),
)


def write_changelog(repo: Path, entries: list[Entry]) -> None:
    """docs/nouveautes.md and docs/nouveautes.en.md holding ``entries`` (newest first) and nothing else."""
    for name, title, intro, lang in (
        ("nouveautes.md", "Nouveautés", "Chaque version publiée du kit, la plus récente en premier.", "fr"),
        ("nouveautes.en.md", "What's new", "Each published version of the kit, newest first.", "en"),
    ):
        parts = [f"---\nprovenance: edition\n---\n\n# {title}\n\n{intro}\n"]
        for entry in entries:
            day = entry.date_fr if lang == "fr" else entry.date_en
            items = entry.items_fr if lang == "fr" else entry.items_en
            parts.append(f"## Version {entry.version} — {day}\n\n" + "\n".join(f"- {item}" for item in items) + "\n")
        (repo / "docs" / name).write_text("\n".join(parts), encoding="utf-8")


# -- Prefectures' files -------------------------------------------------------------------------

_HEADER = "departement;date;heure_debut;heure_fin;commune;lieu;statut;contact\n"
PREFECTURE_FILES = {
    "calvados.csv": "14;2009-03-24;18:00;20:00;Caen;salle du Vaugueux;prévu;" + CONTACT + "\n",
    "manche.csv": "50;2009-04-02;18:30;20:30;Cherbourg-Octeville;salle des fêtes;prévu;" + CONTACT + "\n",
    "orne.csv": "61;2009-04-21;17:30;19:30;Alençon;halle au blé;prévu;" + CONTACT + "\n",
}
CANCELLATION = ("calvados-annulation.csv",
                "14;2009-03-24;18:00;20:00;Caen;salle du Vaugueux;annulé;" + CONTACT + "\n")


def merge_received(repo: Path, folder: Path, files: dict[str, str]) -> str:
    """Write the prefectures' files into ``folder`` (outside git) and merge them with scripts/forums.py."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in files.items():
        (folder / name).write_text(_HEADER + rows, encoding="utf-8")
        paths.append(str(folder / name))
    # The clone's own calendar and code, whatever copy of the kit the test environment has installed.
    env = {**os.environ, **IDENTITY, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(repo / "src"), os.environ.get("PYTHONPATH")]))}
    env.pop("FORUMS_CSV", None)
    result = subprocess.run([sys.executable, str(repo / "scripts" / "forums.py"), "merge", *paths,
                             "--into", str(repo / "data" / "forums.csv")], cwd=repo,
                            capture_output=True, text=True, check=False, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


# -- The season ---------------------------------------------------------------------------------


@dataclass
class Step:
    """The state of gh-pages after one step of the season."""

    name: str
    result: subprocess.CompletedProcess[str]
    branch: str  # a local branch frozen at gh-pages after the step: season/<name>
    latest: str
    seconds: float


@dataclass
class Season:
    """A clone in which the season is played lazily, one step at a time (see the module's docstring).

    One clone for the whole test run, shared by every worker: a step is played once, by whichever
    worker first needs it, and its record (``steps/<name>.json``) read by the others. The lock file
    keeps the clone to one worker at a time while it plays a step, and for any other change a test
    makes to it (``held``).
    """

    repo: Path
    work: Path
    env: dict[str, str]
    lock: Path
    steps: dict[str, Step] = field(default_factory=dict)

    ORDER = ("1.0", "1.1", "1.2", "retour-1.1", "1.3")

    @contextmanager
    def held(self) -> Iterator[None]:
        """The clone to this worker alone (never nested)."""
        with open(self.lock, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def upto(self, name: str) -> Step:
        """Play the season until step ``name`` (once in the test run); the step's record."""
        with self.held():
            for step in self.ORDER[:self.ORDER.index(name) + 1]:
                if step not in self.steps:
                    self.steps[step] = self._recorded(step) or self._play(step)
        return self.steps[name]

    def _record(self, step: str) -> Path:
        return self.work / "steps" / f"{step}.json"

    def _recorded(self, step: str) -> Step | None:
        record = self._record(step)
        if not record.exists():
            return None
        data = json.loads(record.read_text(encoding="utf-8"))
        result = subprocess.CompletedProcess(data["args"], data["returncode"], data["stdout"], data["stderr"])
        return Step(step, result, data["branch"], data["latest"], data["seconds"])

    def _play(self, step: str) -> Step:
        started = time.monotonic()
        result, latest = getattr(self, "_step_" + step.replace(".", "_").replace("-", "_"))()
        assert result.returncode == 0, f"étape {step} :\n{result.stdout}\n{result.stderr}"
        branch = f"season/{step}"
        git(self.repo, "branch", "--force", branch, "gh-pages")
        played = Step(step, result, branch, latest, time.monotonic() - started)
        record = self._record(step)
        record.parent.mkdir(exist_ok=True)
        record.write_text(json.dumps({"args": result.args, "returncode": result.returncode, "stdout": result.stdout,
                                      "stderr": result.stderr, "branch": branch, "latest": latest,
                                      "seconds": played.seconds}), encoding="utf-8")
        return played

    def _publish(self, *args: str) -> subprocess.CompletedProcess[str]:
        return publish(self.repo, *args, env=self.env)

    def _step_1_0(self) -> tuple[subprocess.CompletedProcess[str], str]:
        write_changelog(self.repo, [FIRST_EDITION])
        commit(self.repo, "Version 1.0", "2009-02-26")
        return self._publish("1.0", "--sans-tests"), "1.0"

    def _step_1_1(self) -> tuple[subprocess.CompletedProcess[str], str]:
        merge_received(self.repo, self.work / "recu-1.1", PREFECTURE_FILES)
        page = self.repo / "docs" / CHANGED_PAGE
        page.write_text(page.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{ADDED_TEXT}\n", encoding="utf-8")
        write_changelog(self.repo, [ENTRY_1_1, FIRST_EDITION])
        commit(self.repo, "Version 1.1: sending the calendar, forums of three prefectures", CHANGE_DAY)
        # No VERSION: the newest entry of the changelog, as the CI job does.
        return self._publish("--sans-tests"), "1.1"

    def _step_1_2(self) -> tuple[subprocess.CompletedProcess[str], str]:
        merge_received(self.repo, self.work / "recu-1.2", dict([CANCELLATION]))
        (self.repo / "docs" / NEW_PAGE).write_text(
            f"---\nprovenance: edition\n---\n\n# {NEW_PAGE_TITLE}\n\nLes réponses aux questions posées par les préfectures.\n", encoding="utf-8")
        add_to_nav(self.repo, NEW_PAGE_TITLE, NEW_PAGE, "Frequently asked questions")
        write_changelog(self.repo, [ENTRY_1_2, ENTRY_1_1, FIRST_EDITION])
        commit(self.repo, "Version 1.2: forum cancelled, new page", "2009-03-24")
        return self._publish("1.2", "--sans-tests"), "1.2"

    def _step_retour_1_1(self) -> tuple[subprocess.CompletedProcess[str], str]:
        return self._publish("--retour", "1.1"), "1.1"

    def _step_1_3(self) -> tuple[subprocess.CompletedProcess[str], str]:
        page = self.repo / "docs" / FIXED_PAGE
        page.write_text(page.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{FIXED_TEXT}\n", encoding="utf-8")
        write_changelog(self.repo, [ENTRY_1_3, ENTRY_1_2, ENTRY_1_1, FIRST_EDITION])
        commit(self.repo, "Version 1.3: mail merge page", "2009-04-07")
        # With the test run (pointed at a small test file), not --sans-tests.
        return self._publish("--tests", QUICK_TESTS), "1.3"


ENTRY_1_1 = Entry(
    "1.1", "10 mars 2009", "10 March 2009",
    (f"[Envoyer le calendrier à la DICOM]({CHANGED_PAGE}) : un paragraphe ajouté.",
     "[Calendrier des forums](calendrier/index.md) : forums du Calvados, de la Manche et de l'Orne."),
    (f"[Sending the calendar to the DICOM]({CHANGED_STEM}.en.md): one paragraph added.",
     "[Forum calendar](calendrier/index.md): forums of Calvados, Manche and Orne."),
)
ENTRY_1_2 = Entry(
    "1.2", "24 mars 2009", "24 March 2009",
    (f"Nouveau : [{NEW_PAGE_TITLE.lower()}]({NEW_PAGE}).",
     "[Calendrier des forums](calendrier/index.md) : le forum de Caen est annulé."),
    (f"New: [frequently asked questions]({NEW_PAGE}) (in French).",
     "[Forum calendar](calendrier/index.md): the Caen forum is cancelled."),
)
ENTRY_1_3 = Entry(
    "1.3", "7 avril 2009", "7 April 2009",
    (f"[Invitations par publipostage]({FIXED_PAGE}) : une précision ajoutée.",),
    (f"[Invitations by mail merge]({FIXED_STEM}.en.md): one clarification added.",),
)


def add_to_nav(repo: Path, title: str, page: str, english: str) -> None:
    """Add ``page`` to mkdocs.yml's menu after the glossary, with its English label."""
    config = repo / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    anchor = "  - Glossaire: glossaire.md\n"
    label = "          Glossaire: Glossary\n"
    assert anchor in text, "mkdocs.yml : l'entrée du glossaire a changé de forme"
    text = text.replace(anchor, f"{anchor}  - {title}: {page}\n")
    if label in text:
        text = text.replace(label, f"{label}          {title}: {english}\n")
    else:
        marker = "          Accueil: Home\n"
        assert marker in text, "mkdocs.yml : translate_nav a changé de forme"
        text = text.replace(marker, f"{marker}          {title}: {english}\n")
    config.write_text(text, encoding="utf-8")


@pytest.fixture(scope="session")
def season(tmp_path_factory: pytest.TempPathFactory) -> Season:
    """The season's clone, one for the test run; steps are played on demand (``season.upto("1.2")``)."""
    from conftest import documents_cache, run_lock

    with run_lock(tmp_path_factory, "season") as work:
        repo = work / "repo"
        if not (work / "cloned").exists():
            shutil.rmtree(repo, ignore_errors=True)
            clone_work_tree(repo)
            (work / "cloned").touch()
    # The season's calendar files are kept from one test run to the next in the repository's .cache/
    # (keyed by content, like every cache of the kit: a changed page is made again, an unchanged one
    # taken back), so that only a first run makes them all; KIT_SEASON_CACHE puts them elsewhere. Its
    # documents are kept with the test site's: their layouts serve every version and address.
    caches = Path(os.environ.get("KIT_SEASON_CACHE") or ROOT / ".cache" / "saison")
    # An intranet address, as --push demands (never this machine's).
    env = {"SITE_URL": SITE_URL,
           "KIT_DOCUMENTS_CACHE": str(documents_cache()), "KIT_CALENDAR_CACHE": str(caches / "calendar")}
    return Season(repo, work, env, work.with_suffix(".steps.lock"))


def export_branch(repo: Path, branch: str, dest: Path) -> Path:
    """The files of ``branch`` written into ``dest`` (symlinks kept as symlinks)."""
    archive = subprocess.run(["git", "archive", "--format=tar", branch], cwd=repo,
                             capture_output=True, check=True).stdout
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(dest, filter="tar")
    return dest


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Published:
    """Versions 1.0 and 1.1 published into a temporary clone."""

    repo: Path  # the season's clone, which goes on with later steps: read ``branch`` and ``changelog``
    # The gh-pages branch as files: <tree>/kit-forums/{1.0,1.1,latest,versions.json,index.html}.
    tree: Path
    port: int
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    branch: str  # gh-pages right after 1.1
    changelog: Path  # docs/nouveautes.md of the clone as it was read (later steps only add entries)

    @property
    def served(self) -> Path:
        """The folder served at /kit-forums/."""
        return self.tree / PREFIX.strip("/")

    def read(self, path: str) -> str:
        """A file of the published tree: ``read("1.1/note/index.html")``."""
        return (self.served / path).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def published(season: Season, tmp_path_factory: pytest.TempPathFactory) -> Published:
    """The season's gh-pages right after 1.1: versions 1.0 and 1.1, « latest » on 1.1."""
    second = season.upto("1.1")
    first = season.steps["1.0"]
    work = tmp_path_factory.mktemp("published")
    tree = work / "www"
    export_branch(season.repo, second.branch, tree / PREFIX.strip("/"))
    changelog = work / "nouveautes.md"
    with season.held():  # never read while another worker's step writes it
        shutil.copyfile(season.repo / "docs" / "nouveautes.md", changelog)
    return Published(season.repo, tree, free_port(), first.result, second.result, second.branch, changelog)


# -- nginx --------------------------------------------------------------------------------------


def nginx_config(tree: Path, port: int, work: Path) -> str:
    """deploy/nginx.conf in a complete configuration: ``tree`` as root, 127.0.0.1:``port``."""
    server = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert "root /var/www;" in server and "listen 80;" in server, "deploy/nginx.conf a changé de forme"
    server = server.replace("root /var/www;", f"root {tree};")
    server = server.replace("listen 80;", f"listen 127.0.0.1:{port};")
    temp = "\n".join(f"    {kind}_temp_path {work / kind};" for kind in
                     ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes 1;\ndaemon off;\npid {work / 'nginx.pid'};\n"
        f"error_log {work / 'error.log'} warn;\n"
        "events { worker_connections 64; }\n"
        "http {\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        f"    access_log off;\n    sendfile on;\n{temp}\n{server}\n}}\n"
    )


@contextmanager
def nginx(tree: Path, port: int, work: Path) -> Iterator[str]:
    """A real nginx serving ``tree`` with deploy/nginx.conf; yields ``http://127.0.0.1:PORT``."""
    if not NGINX.exists():
        pytest.skip(f"nginx est absent ({NGINX}) : .ci/run installe le paquet Debian « nginx ».")
    work.mkdir(parents=True, exist_ok=True)
    conf = work / "nginx.conf"
    conf.write_text(nginx_config(tree, port, work), encoding="utf-8")
    check = subprocess.run([str(NGINX), "-t", "-q", "-c", str(conf), "-p", str(work), "-e", str(work / "error.log")],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, f"nginx -t refuse la configuration :\n{check.stderr}"
    process = subprocess.Popen([str(NGINX), "-c", str(conf), "-p", str(work), "-e", str(work / "error.log")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("nginx n'a pas démarré : " + (work / "error.log").read_text()) from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


# -- HTTP and crawling --------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, *, gzip_ok: bool = False) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of ``url``, redirects not followed."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    try:
        with _opener.open(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


# The elements whose href or src a browser loads or follows.
_LINKING = ("a", "link", "script", "img", "source", "iframe", "embed", "object")


def links_of(html: str) -> list[str]:
    """Every href and src of ``html``'s loading or leading elements, and a refresh's target, in order."""
    links = []
    for element in lxml.html.document_fromstring(html).iter(*_LINKING, "meta"):
        if element.tag == "meta":
            if (element.get("http-equiv") or "").lower() == "refresh":
                links.append((element.get("content") or "").split("url=", 1)[-1])
            continue
        links.extend(value for value in (element.get("href"), element.get("src")) if value)
    return links


@dataclass
class Crawl:
    """What a crawl found: every URL's status, type and referrers, and the HTML of every page."""

    seen: dict[str, tuple[int, str, list[str]]]
    pages: dict[str, str]

    def broken(self) -> dict[str, tuple[int, list[str]]]:
        return {url: (status, refs[:3]) for url, (status, _, refs) in self.seen.items() if status != 200}


def crawl(server: str, start: list[str], *, check: Callable[[str, dict[str, str]], None] | None = None) -> Crawl:
    """Every URL reachable under /kit-forums/ from ``start``; ``check(url, headers)`` sees each response."""
    seen: dict[str, tuple[int, str, list[str]]] = {}
    pages: dict[str, str] = {}
    referrers: dict[str, list[str]] = {url: ["(départ)"] for url in start}
    queue = list(start)
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        status, headers, body = fetch(url)
        if check is not None:
            check(url, headers)
        if status in (301, 302) and "location" in headers:
            target = urljoin(url, headers["location"])
            referrers.setdefault(target, []).append(url)
            queue.append(target)
        kind = headers.get("content-type", "")
        seen[url] = (status, kind, referrers.get(url, []))
        if status != 200 or not kind.startswith("text/html"):
            continue
        html = body.decode("utf-8")
        pages[url] = html
        for link in links_of(html):
            absolute, _ = urldefrag(urljoin(url, link))
            parts = urlsplit(absolute)
            if parts.scheme not in {"http", "https"} or parts.netloc != urlsplit(server).netloc:
                continue  # mailto:, data:, and the canonical links' own host when it differs
            assert parts.path.startswith(PREFIX), f"{url} mène hors du sous-chemin : {link}"
            absolute = absolute.split("?", 1)[0]
            referrers.setdefault(absolute, []).append(url)
            if absolute not in seen:
                queue.append(absolute)
    return Crawl(seen, pages)


MARK = re.compile(r'<p class="kit-change kit-change--(new|changed)"[^>]*>\s*<a class="kit-change__label" '
                  r'href="([^"]+)">([^<]+)</a>')
