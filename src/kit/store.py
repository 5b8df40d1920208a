"""Writing files safely and keeping generated files: the one atomic writer, the one artifact cache.

- :func:`write_atomic`: a file is replaced whole or not at all.
- :class:`ArtifactCache`: generated files kept by content hash
  (:func:`content_key`), reused by the next build with the same inputs, pruned
  when no build has used them for a while; a file two builds need at once is
  made once. A cache that cannot be read or written is skipped, never an error.
- :class:`LinkedFiles`: files of the built site kept once by their content and
  placed by hard link, so that thousands of unchanged downloads are not created again.
- :class:`Memo`: values kept in memory from one build to the next (``make serve``),
  by key; what a build did not use is dropped after the next one.
"""

from __future__ import annotations

import fcntl
import gc
import hashlib
import os
import pickle
import stat
import tempfile
import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")

# Generated files no build has used for this many days are forgotten.
CACHE_DAYS = 14


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path | str, data: bytes, *, durable: bool = True, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` all at once or not at all.

    A temporary file in the same folder is written, then renamed over
    ``path``: a reader never sees a half-written file, and on any failure
    ``path`` is left as it was. The file keeps the permissions of the one it
    replaces, or takes ``mode``. ``durable`` also flushes the file and its folder to disk (a data
    file); without it (files of the built site, cache entries, thousands of
    them) the rename alone is the guarantee.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        if mode is None:
            try:
                mode = stat.S_IMODE(path.stat().st_mode)
            except FileNotFoundError:
                mode = _default_mode()
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if durable:
        _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    try:
        directory = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(directory)
    except OSError:
        pass
    finally:
        os.close(directory)


def content_key(*parts: str | bytes) -> str:
    """A stable hash of everything a generated file depends on (each part length-prefixed)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def unpickled(data: bytes) -> object:
    """``pickle.loads`` of a large value (thousands of objects) without the garbage collector's
    passes, which would walk every object made so far while they are being made."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if enabled:
            gc.enable()


# The cache's lock files, one for each file being made (kept empty, pruned with the files).
LOCKS = ".verrous"


class ArtifactCache:
    """Generated files kept in ``folder`` as ``<key>.<suffix>``, so that unchanged ones are not redone."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _path(self, key: str, suffix: str) -> Path:
        return self.folder / f"{key}.{suffix.lstrip('.')}"

    def get(self, key: str, suffix: str) -> bytes | None:
        """The file made before with ``key``, or None."""
        path = self._path(key, suffix)
        try:
            data = path.read_bytes()
            os.utime(path)  # still in use: not pruned
        except OSError:
            return None
        return data

    def holds(self, key: str, suffix: str) -> bool:
        """Whether a file was made before with ``key`` (without reading it)."""
        return self._path(key, suffix).is_file()

    def made(self, key: str, suffix: str, make: Callable[[], bytes]) -> tuple[bytes, bool]:
        """The file of ``key``: from the cache, else made by ``make`` and kept; and whether it was made now.

        Two builds that need it at once (two test workers, a build beside ``make serve``) make it
        once: the second waits for the first, then takes its file from the cache.
        """
        data = self.get(key, suffix)
        if data is not None:
            return data, False
        with self._making(key, suffix):
            data = self.get(key, suffix)
            if data is not None:
                return data, False
            data = make()
            self.put(key, suffix, data)
            return data, True

    @contextmanager
    def _making(self, key: str, suffix: str) -> Iterator[None]:
        """Hold the lock of the file of ``key`` (none if the cache's folder cannot hold one)."""
        try:
            (self.folder / LOCKS).mkdir(parents=True, exist_ok=True)
            lock = open(self.folder / LOCKS / f"{key}.{suffix.lstrip('.')}", "a")
        except OSError:
            yield
            return
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def put(self, key: str, suffix: str, data: bytes) -> None:
        """Keep ``data`` under ``key`` (complete or absent, never half-written)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(self._path(key, suffix), data, durable=False)
        except OSError:
            pass

    def keep_latest(self, suffix: str, count: int) -> None:
        """Forget all but the ``count`` files of ``suffix`` used last (large files, one per input)."""
        try:
            found = sorted(self.folder.glob(f"*.{suffix.lstrip('.')}"), key=lambda p: p.stat().st_mtime,
                           reverse=True)
            for path in found[count:]:
                path.unlink(missing_ok=True)
        except OSError:
            pass

    def prune(self, *, keep: Iterable[str] = (), days: float = CACHE_DAYS) -> None:
        """Forget the files not in ``keep`` that no build has used for ``days`` days."""
        wanted = set(keep)
        limit = time.time() - days * 86400
        for folder in (self.folder, self.folder / LOCKS):
            try:
                for path in folder.iterdir():
                    if path.is_file() and path.name.split(".")[0] not in wanted and path.stat().st_mtime < limit:
                        path.unlink(missing_ok=True)
            except OSError:
                pass


class LinkedFiles:
    """Files of the built site kept once in ``folder``, named by their content, and placed by hard link.

    On many disks creating a file costs far more than linking one (on the machine of
    CONTRIBUTING.md's measures, 1 ms against 15 µs): the thousands of downloads a
    calendar has are linked from here rather than created again at every build. A kept
    file is read-only, so that a file of the site edited in place cannot change what the
    next build publishes. Where a link cannot be made (another disk, a file system
    without links), the file is written as :func:`write_atomic` does.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _kept(self, data: bytes) -> str | None:
        """The path of the kept copy of ``data`` (made now if needed), or None if it cannot be kept."""
        name = hashlib.sha256(data).hexdigest()
        path = os.path.join(self.folder, name[:2], name)
        try:
            kept = os.stat(path)
            if kept.st_size == len(data) and not kept.st_mode & 0o222:
                os.utime(path)  # still in use: not pruned
                return path
        except FileNotFoundError:
            pass
        except OSError:
            return None
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            write_atomic(path, data, durable=False, mode=0o444)
        except OSError:
            return None
        return path

    def place(self, target: str, data: bytes) -> None:
        """Make ``target`` hold ``data``: whole or not at all, as :func:`write_atomic` does."""
        kept = self._kept(data)
        if kept is not None:
            try:
                os.link(kept, target)
                return
            except FileExistsError:
                if _same_file(kept, target):
                    return
                temporary = f"{target}.{os.getpid()}.{time.monotonic_ns()}.tmp"
                try:
                    os.link(kept, temporary)
                    os.replace(temporary, target)
                    return
                except OSError:
                    Path(temporary).unlink(missing_ok=True)
            except OSError:
                pass  # no links here: written
        write_atomic(target, data, durable=False)

    def prune(self, *, days: float = CACHE_DAYS) -> None:
        """Forget the kept files that no build has placed for ``days`` days."""
        limit = time.time() - days * 86400
        try:
            for shard in os.scandir(self.folder):
                if shard.is_dir(follow_symlinks=False):
                    for entry in os.scandir(shard.path):
                        if entry.stat(follow_symlinks=False).st_mtime < limit:
                            os.unlink(entry.path)
        except OSError:
            pass


def _same_file(first: str, second: str) -> bool:
    try:
        one, other = os.stat(first), os.stat(second, follow_symlinks=False)
    except OSError:
        return False
    return (one.st_ino, one.st_dev) == (other.st_ino, other.st_dev)


class Memo(Generic[T]):
    """Values made by one build, reused by the next one when their key comes again.

    A key names everything its value is made from. Each build starts with
    :meth:`begin`: the values the previous build used stay at hand, the older
    ones are dropped, so that the memo never grows beyond two builds' worth.
    """

    def __init__(self) -> None:
        self._current: dict[Hashable, T] = {}
        self._previous: dict[Hashable, T] = {}
        self.hits = 0
        self.misses = 0

    def begin(self) -> None:
        """A new build: keep what the last one used, forget the rest."""
        if self._current:
            self._previous = self._current
        self._current = {}
        self.hits = self.misses = 0

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value under ``key``: kept from before, or made now by ``make()``."""
        value = self._current.get(key, _MISSING)
        if value is not _MISSING:
            self.hits += 1
            return value  # type: ignore[return-value]
        value = self._previous.pop(key, _MISSING)
        if value is _MISSING:
            self.misses += 1
            value = make()
        else:
            self.hits += 1
        self._current[key] = value  # type: ignore[assignment]
        return value  # type: ignore[return-value]


_MISSING = object()


class Key:
    """A memo key made of large values (hundreds of records): hashed once, not at each lookup."""

    __slots__ = ("_hash", "value")

    def __init__(self, value: Hashable) -> None:
        self.value = value
        self._hash = hash(value)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Key) and self._hash == other._hash and self.value == other.value
