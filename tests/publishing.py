"""Publishing in a throwaway copy of the repository, and serving the result with nginx.

The ``published`` session fixture (registered in conftest.py) publishes two
versions with scripts/publish.py into a temporary clone: 1.0 as the work tree
is, then 1.1 after a committed change to the background note. The two builds
are shared by tests/test_versions.py and tests/test_publish.py.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "/kit-forums/"
NGINX = Path("/usr/sbin/nginx")
CHANGED_PAGE = "note.md"
ADDED_TEXT = "Paragraphe ajouté pour la version 1.1 du kit."
CHANGE_DAY = "2009-03-10"
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


def clone_work_tree(dest: Path) -> Path:
    """A git clone of the repository, with the work tree's uncommitted files committed on top.

    So the copy holds exactly what the ``site`` fixture builds, history
    included (for the « last changed » dates), and no remote: nothing a test
    does can reach the real repository.
    """
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(dest)], check=True)
    # Changed since the last commit, staged or not, and new files.
    changed = subprocess.run(["git", "diff", "-z", "--name-only", "--no-renames", "HEAD"],
                             cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    changed += subprocess.run(["git", "ls-files", "-z", "--others", "--exclude-standard"],
                              cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    deleted = subprocess.run(["git", "diff", "-z", "--name-only", "--no-renames", "--diff-filter=D", "HEAD"],
                             cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, changed):
        source, target = ROOT / name, dest / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    for name in filter(None, deleted):
        (dest / name).unlink(missing_ok=True)
    git(dest, "remote", "remove", "origin")
    git(dest, "config", "user.name", IDENTITY["GIT_COMMITTER_NAME"])
    git(dest, "config", "user.email", IDENTITY["GIT_COMMITTER_EMAIL"])
    git(dest, "add", "--all")
    if git(dest, "status", "--porcelain").strip():
        git(dest, "commit", "--quiet", "-m", "Work tree under test")
    return dest


def publish(repo: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the clone's own scripts/publish.py with the test environment's Python."""
    full_env = {**os.environ, **IDENTITY, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run([sys.executable, str(repo / "scripts" / "publish.py"), *args], cwd=repo,
                          env=full_env, capture_output=True, text=True, check=False)


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
    """Two versions published into a temporary clone."""

    repo: Path
    # The gh-pages branch as files: <tree>/kit-forums/{1.0,1.1,latest,versions.json,index.html}.
    tree: Path
    port: int
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]

    @property
    def served(self) -> Path:
        """The folder served at /kit-forums/."""
        return self.tree / PREFIX.strip("/")

    def read(self, path: str) -> str:
        """A file of the published tree: ``read("1.1/note/index.html")``."""
        return (self.served / path).read_text(encoding="utf-8")


def add_version_1_1(repo: Path) -> None:
    """Commit, dated 10 March 2009, a change to the note and its changelog entry."""
    note = repo / "docs" / CHANGED_PAGE
    note.write_text(note.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{ADDED_TEXT}\n", encoding="utf-8")
    for name, heading, item in (
        ("nouveautes.md", "## Version 1.1 — 10 mars 2009",
         f"- [Note de fond]({CHANGED_PAGE}) : un paragraphe ajouté."),
        ("nouveautes.en.md", "## Version 1.1 — 10 March 2009",
         f"- [Background note]({CHANGED_PAGE}): one paragraph added."),
    ):
        path = repo / "docs" / name
        text = path.read_text(encoding="utf-8")
        first = text.index("\n## ")
        path.write_text(f"{text[:first]}\n{heading}\n\n{item}\n{text[first:]}", encoding="utf-8")
    git(repo, "add", "docs")
    stamp = f"{CHANGE_DAY}T12:00:00+01:00"
    git(repo, "commit", "--quiet", "-m", "Version 1.1: note", env={"GIT_AUTHOR_DATE": stamp,
                                                                  "GIT_COMMITTER_DATE": stamp})


def make_published(tmp: Path) -> Published:
    """Publish 1.0, commit a change, publish 1.1; export gh-pages (see :class:`Published`)."""
    repo = clone_work_tree(tmp / "repo")
    port = free_port()
    env = {"SITE_URL": f"http://127.0.0.1:{port}{PREFIX}"}
    first = publish(repo, "1.0", "--sans-tests", env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    add_version_1_1(repo)
    second = publish(repo, "--sans-tests", env=env)
    assert second.returncode == 0, second.stdout + second.stderr
    tree = export_branch(repo, "gh-pages", tmp / "www" / PREFIX.strip("/")).parent
    return Published(repo, tree, port, first, second)


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    """Versions 1.0 and 1.1 published with scripts/publish.py in a temporary clone."""
    return make_published(tmp_path_factory.mktemp("published"))


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
