"""Network-free fetching for WeasyPrint: local files under the docs folder, ``data:`` URLs, nothing else."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname


class RefusedURLError(ValueError):
    """A document asked for a resource outside the allowed local folders."""


class LocalOnlyFetcher:
    """WeasyPrint URL fetcher that reads local files under ``roots`` and nothing else.

    ``data:`` URLs are allowed (they carry their content); any other URL, and
    any file outside ``roots``, is refused and remembered in :attr:`refused`.
    Allowed URLs are read by WeasyPrint's own fetcher, limited to ``file`` and
    ``data``; WeasyPrint is imported only when a file is actually read, which
    keeps builds that take every document from the cache fast.
    """

    _fail_on_errors = False  # read by WeasyPrint: a refused resource is left out, not fatal

    def __init__(self, roots: Iterable[Path]) -> None:
        self.roots = [Path(root).resolve() for root in roots]
        self.refused: list[str] = []
        self._reader: Any = None

    def allows(self, url: str) -> bool:
        """Whether ``url`` is a ``data:`` URL or a file under one of the roots."""
        parts = urlsplit(url)
        if parts.scheme == "data":
            return True
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = Path(url2pathname(unquote(parts.path))).resolve()
        return any(path == root or root in path.parents for root in self.roots)

    def fetch(self, url: str, headers: dict[str, str] | None = None):
        """Read ``url`` if it is allowed, else record it and raise :class:`RefusedURLError`."""
        if not self.allows(url):
            self.refused.append(url)
            raise RefusedURLError(f"Ressource refusée (hors du site) : {url}")
        if self._reader is None:
            from weasyprint.urls import URLFetcher

            self._reader = URLFetcher(allowed_protocols=("file", "data"), allow_redirects=False)
        return self._reader.fetch(url, headers)

    __call__ = fetch


def local_resources(html: str) -> list[Path]:
    """The local files an HTML document reads (its images), so that a change to them shows in a key."""
    found = []
    for url in re.findall(r'\ssrc="(file:[^"]+)"', html):
        path = Path(url2pathname(unquote(urlsplit(url).path)))
        if path.is_file():
            found.append(path)
    return found
