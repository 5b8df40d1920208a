"""Serve a built site on 127.0.0.1 under a sub-path, as the intranet does.

Used by the browser tests and by the page-weight measures of ``bench.py``:
a small threaded ``http.server`` that maps ``/<prefix>/…`` onto a folder,
answers 404 to anything outside the prefix (so a link that escapes the
sub-path is caught), optionally compresses text with gzip and sends cache
headers like the intranet's nginx (deploy/nginx.conf). A test may also have
files of its own served beside the site, outside the prefix (``aside``).
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from email.utils import formatdate
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

DEFAULT_PREFIX = "/kit-forums/"
# Types worth compressing; images and fonts already are.
_COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".ics", ".map")


# The cache policy of deploy/nginx.conf: Material's hashed assets kept a year,
# images, fonts and documents an hour, everything else revalidated each time.
_IMMUTABLE = re.compile(r"\.[0-9a-f]{8}\.min\.(css|js)$")
_ONE_HOUR = re.compile(r"\.(png|jpe?g|gif|svg|ico|webp|woff2?|pdf|docx|odt|xlsx)$")
_GZIP_MIN_LENGTH = 1024


@dataclass(frozen=True)
class ServeOptions:
    """How the site is served."""

    prefix: str = DEFAULT_PREFIX
    # Compress text as the intranet server does (gzip on, from 1 KB).
    gzip: bool = False
    # Files served beside the site, outside its prefix, by absolute URL path (a test's own scripts).
    aside: Mapping[str, Path] = field(default_factory=dict)


@dataclass
class _GzipCache:
    """Compressed bodies, computed once per file and modification time."""

    entries: dict[tuple[str, float], bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, path: Path) -> bytes:
        key = (str(path), path.stat().st_mtime)
        with self.lock:
            if key not in self.entries:
                self.entries[key] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
            return self.entries[key]


class _Handler(SimpleHTTPRequestHandler):
    """Static files under one URL prefix, nothing else."""

    protocol_version = "HTTP/1.1"

    def __init__(self, *args: object, options: ServeOptions, gzip_cache: _GzipCache,
                 **kwargs: object) -> None:
        self.options = options
        self.gzip_cache = gzip_cache
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the tests and the bench print their own figures."""

    def _in_prefix(self) -> bool:
        path = unquote(urlsplit(self.path).path)
        if path in self.options.aside:
            return True
        return path.startswith(self.options.prefix) or path + "/" == self.options.prefix

    def translate_path(self, path: str) -> str:
        """Map ``/<prefix>/a/b`` onto ``<directory>/a/b``."""
        url_path = urlsplit(path).path
        if url_path in self.options.aside:
            return os.fspath(self.options.aside[url_path])
        prefix = self.options.prefix.rstrip("/")
        rest = url_path[len(prefix):] if url_path.startswith(prefix) else url_path
        return super().translate_path(rest or "/")

    def send_head(self):
        """Refuse what is outside the prefix, then serve (maybe compressed)."""
        if not self._in_prefix():
            self.send_error(HTTPStatus.NOT_FOUND, "Hors du sous-chemin du site")
            return None
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if (self.options.gzip and accepts_gzip and path.is_file() and path.suffix in _COMPRESSIBLE
                and path.stat().st_size >= _GZIP_MIN_LENGTH and not self._not_modified(path)):
            return self._send_gzip(path)
        return super().send_head()

    def _not_modified(self, path: Path) -> bool:
        since = self.headers.get("If-Modified-Since")
        return since is not None and since == formatdate(int(path.stat().st_mtime), usegmt=True)

    def _send_gzip(self, path: Path) -> io.BytesIO:
        body = self.gzip_cache.get(path)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", formatdate(int(path.stat().st_mtime), usegmt=True))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self) -> None:
        """Add the cache policy of deploy/nginx.conf."""
        path = urlsplit(self.path).path
        if _IMMUTABLE.search(path):
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        elif _ONE_HOUR.search(path):
            self.send_header("Cache-Control", "public, max-age=3600")
        else:
            self.send_header("Cache-Control", "no-cache")
        if self.options.gzip:
            self.send_header("Vary", "Accept-Encoding")
        super().end_headers()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that closes a connection early is no error worth a traceback."""
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextlib.contextmanager
def serve(root: Path, options: ServeOptions | None = None) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 (a free port) and yield the site's base URL.

    The URL ends with the prefix, for instance ``http://127.0.0.1:40123/kit-forums/``.
    """
    options = options or ServeOptions()
    if not (options.prefix.startswith("/") and options.prefix.endswith("/")):
        raise ValueError(f"Le sous-chemin doit commencer et finir par « / » : {options.prefix!r}")
    if not root.is_dir():
        raise FileNotFoundError(f"Dossier du site introuvable : {root}")
    handler = partial(_Handler, directory=os.fspath(root), options=options, gzip_cache=_GzipCache())
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="kit-localserve", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{options.prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
