"""deploy/nginx.conf over a small tree of its own: backups refused whatever their name, ranges, folders.

The full published site served by nginx is tested in tests/test_publish.py (after
a season of publications); what is looked at here needs only a few files.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator

import pytest

from publishing import PREFIX, free_port, nginx

# Each backup, swap or leftover file the configuration's comments list, in several cases.
BACKUPS = ["index.html.bak", "index.html.BAK", "index.html.Bak", "index.html.backup", "index.html.bak2",
           "index.html.1", "index.html.old", "index.html.old.1", "index.html.OLD", "index.html.rej",
           "index.html.orig", "index.html.ORIG", "index.html~", "index.html.swp", "index.html.SWP",
           ".index.html.swp", "index.html.swo", "index.html.tmp", "index.html.save", "#index.html#",
           "Thumbs.db", "thumbs.db", "desktop.ini", ".DS_Store", ".htaccess", "note/index.html.Bak",
           "forums.csv.bak", "forums.ics.orig"]
KEPT = ["index.html", "note/index.html", "forums.csv", "forums.ics", "404.html"]


def get(url: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tree = tmp_path_factory.mktemp("www")
    latest = tree / PREFIX.strip("/") / "latest"
    for name in KEPT:
        path = latest / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<p>page {name}</p>\n" * 200, encoding="utf-8")
    for name in BACKUPS:
        (latest / name).parent.mkdir(parents=True, exist_ok=True)
        (latest / name).write_text("copie de sauvegarde\n", encoding="utf-8")
    (latest / "sans-index").mkdir()
    (latest / "sans-index" / "image.png").write_bytes(b"\x89PNG")
    (tree / PREFIX.strip("/") / "1.0").mkdir()
    (tree / PREFIX.strip("/") / "1.0" / "index.html").write_text("<p>version 1.0</p>\n", encoding="utf-8")
    with nginx(tree, free_port(), tmp_path_factory.mktemp("nginx")) as url:
        yield url


@pytest.mark.nginx
@pytest.mark.parametrize("name", BACKUPS)
def test_a_backup_is_never_served_whatever_its_case(server: str, name: str) -> None:
    status, _, body = get(server, f"{PREFIX}latest/{name.replace('#', '%23')}")
    assert status == 404 and b"copie de sauvegarde" not in body


@pytest.mark.nginx
def test_the_site_and_its_versions_stay_served(server: str) -> None:
    for name in KEPT:
        assert get(server, f"{PREFIX}latest/{name}")[0] == 200, name
    status, headers, _ = get(server, f"{PREFIX}1.0")
    assert status == 301 and headers["location"] == f"{PREFIX}1.0/"
    assert get(server, f"{PREFIX}1.0/")[0] == 200


@pytest.mark.nginx
def test_a_folder_without_index_answers_404(server: str) -> None:
    status, _, body = get(server, f"{PREFIX}latest/sans-index/")
    assert status == 404 and b"page 404.html" in body


@pytest.mark.nginx
def test_many_ranges_never_make_a_larger_answer(server: str) -> None:
    size = len(get(server, f"{PREFIX}latest/index.html")[2])
    ranges = ",".join(f"{n}-{n}" for n in range(0, 600, 2))
    status, _, body = get(server, f"{PREFIX}latest/index.html", {"Range": f"bytes={ranges}"})
    assert status in (200, 416) and len(body) <= size
    status, headers, body = get(server, f"{PREFIX}latest/index.html", {"Range": "bytes=0-9"})
    assert status == 206 and len(body) == 10 and headers["content-range"].startswith("bytes 0-9/")
