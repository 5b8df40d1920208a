"""What a build served by the editor's loop (``make serve``, kit.site.serve) can ask of it.

Under ``make build`` and publication there is no session: each part of the build does
its whole job, every time. Under ``make serve`` the session lets a part of the build

- hand over a file that is slow to make (a PDF, a DOCX): the server makes it after the
  page is served, in a separate process (kit.site.serve.DeferredMaker), then rebuilds the pages that show it; until then
  those pages say the file is being prepared;
- keep a value for the next build, under a key that names everything the value was made
  from (a content hash): a build whose inputs did not change reuses it;
- know whether the site folder still holds the files of the previous build (a partial
  rebuild), so that files that did not change need not be written again.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig

PLUGIN_NAME = "kit-editor-loop"  # the server's own plugin, added to each build's configuration


def no_keeping(data: bytes) -> None:
    """A :class:`DeferredFile` whose content is not kept anywhere but in the site folder."""


@dataclass(frozen=True)
class DeferredFile:
    """A file to make once the page is served.

    It is made in a separate process, started afresh (spawned): ``make`` and ``keep`` must be
    picklable, module-level functions or :func:`functools.partial` of them with picklable arguments.
    """

    key: str  # what the content is made from (a content hash): the same key is made once
    targets: tuple[Path, ...]  # where it goes in the site folder (none: ``make`` writes its own files)
    make: Callable[[], bytes]
    keep: Callable[[bytes], None]  # e.g. store it in the artifact cache for the next build
    pages: tuple[str, ...] = ()  # source URIs of the pages that show it: rebuilt once it is made
    kind: str = "documents"  # what it is, for the server's messages (see KINDS)


# What the server says of each kind of file it makes after the page is served: (singular, plural).
KINDS: dict[str, tuple[str, str]] = {
    "documents": ("document à imprimer", "documents à imprimer"),
    "calendar": ("lot de fichiers du calendrier", "lots de fichiers du calendrier"),
}


@dataclass
class EditorSession:
    """Shared by the builds of one ``make serve``."""

    site_kept: bool = False  # this build rewrites only what changed in the previous build's site folder
    _values: dict[str, tuple[str, Any]] = field(default_factory=dict)
    _pending: dict[str, DeferredFile] = field(default_factory=dict)
    _busy: set[str] = field(default_factory=set)  # keys being made right now
    _failed: set[str] = field(default_factory=set)  # keys whose making failed: not tried again
    _inputs: set[str] = field(default_factory=set)  # files read again at every build (absolute paths)
    _page_keys: dict[str, str] = field(default_factory=dict)  # this build's generated pages → content key
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def new_build(self, *, site_kept: bool) -> None:
        self.site_kept = site_kept
        self._page_keys = {}

    def read_at_every_build(self, path: str | Path) -> None:
        """``path`` is read again by every build: saving it needs no full build."""
        with self._lock:
            self._inputs.add(os.path.abspath(path))

    def inputs(self) -> set[str]:
        with self._lock:
            return set(self._inputs)

    def page_key(self, src_uri: str, key: str) -> None:
        """The generated page ``src_uri`` is made from ``key`` alone (with the templates and the code):
        a partial rebuild renders it again only if the key changed."""
        self._page_keys[src_uri] = key

    def page_keys(self) -> dict[str, str]:
        return self._page_keys

    def recall(self, name: str, key: str) -> Any | None:
        """The value remembered under ``name`` if it was made from ``key``, else None."""
        with self._lock:
            kept = self._values.get(name)
        return kept[1] if kept is not None and kept[0] == key else None

    def remember(self, name: str, key: str, value: Any) -> None:
        with self._lock:
            self._values[name] = (key, value)

    def defer(self, job: DeferredFile) -> None:
        """Make ``job`` after the build (once, however many builds ask for it meanwhile)."""
        with self._lock:
            if job.key not in self._busy and job.key not in self._failed:
                self._pending.setdefault(job.key, job)

    def take_pending(self) -> list[DeferredFile]:
        """The files to make now; they count as busy until :meth:`done` is called with them."""
        with self._lock:
            jobs = list(self._pending.values())
            self._pending.clear()
            self._busy.update(job.key for job in jobs)
        return jobs

    def done(self, jobs: list[DeferredFile]) -> None:
        with self._lock:
            self._busy.difference_update(job.key for job in jobs)

    def mark_failed(self, keys: Iterable[str]) -> None:
        """These files could not be made (the error is logged): the next builds do not hand them over again."""
        with self._lock:
            self._failed.update(keys)

    def forget_failed(self, keys: Iterable[str]) -> None:
        with self._lock:
            self._failed.difference_update(keys)


def session_of(config: MkDocsConfig) -> EditorSession | None:
    """The editor's loop session of this build, or None (``make build``, publication, ``mkdocs serve``)."""
    plugin = config.plugins.get(PLUGIN_NAME)
    session = getattr(plugin, "session", None)
    return session if isinstance(session, EditorSession) else None
