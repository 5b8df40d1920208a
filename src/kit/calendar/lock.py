"""One merge at a time on a calendar file, and no leftovers from a killed one.

``merge`` holds an exclusive ``fcntl`` lock on the calendar's folder
(``data/``) while it reads, checks and replaces the calendar: a second merge
waits, a bounded time, then gives up with a French message, so two
prefectures' files merged at once both arrive. The folder is locked rather
than the file, which each merge replaces by a new one, or a lock file, which
would stay beside the data. The system releases the lock when the process
ends, killed or not. Readers (a build) need no lock: the calendar is only
ever replaced whole (see :func:`kit.store.write_atomic`).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEFAULT_WAIT_SECONDS = 60.0


class Busy(Exception):
    """Another merge held the lock for longer than the wait: the French message says so."""


@contextmanager
def merge_lock(target: Path, *, wait: float = DEFAULT_WAIT_SECONDS, poll: float = 0.05) -> Iterator[None]:
    """Hold the merge lock of ``target`` for the ``with`` block; :class:`Busy` after ``wait`` seconds."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy(f"une autre fusion est en cours dans « {folder} » depuis plus de {wait:g} s : "
                               "attendez qu'elle se termine puis relancez la fusion (rien n'a été "
                               "modifié)") from None
                time.sleep(poll)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


def remove_leftovers(target: Path) -> list[Path]:
    """Remove what a killed merge of ``target`` may have left beside it; call with the lock held.

    Temporary copies of the calendar (``.forums.csv.XXXX.tmp``, written
    before the atomic rename) and verification folders of older versions
    (``.verif-XXXX``) hold the ``contact`` column: they must not stay.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    removed: list[Path] = []
    for leftover in folder.glob(f".{target.name}.*.tmp"):
        leftover.unlink(missing_ok=True)
        removed.append(leftover)
    for leftover in folder.glob(".verif-*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
            removed.append(leftover)
    return removed
