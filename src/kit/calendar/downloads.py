"""The calendar's downloads: which files, made from which forums, and reused from the artifact cache.

The national calendar (ICS, JSON, CSV), one ICS per département and one per
forum; the one-forum files of a département are made and cached together as
one bundle (:func:`pack`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from kit.calendar.exports import to_csv, to_ics, to_json
from kit.calendar.inputs import code_digest
from kit.calendar.locations import FORUM_BUNDLE, ICS_NAME, SECTION, forum_ics_path
from kit.calendar.model import Forum, Ordered
from kit.calendar.pages import CalendarSite
from kit.calendar.xlsx import to_xlsx
from kit.documents.facts import FACTS_NAME, facts_json
from kit.store import ArtifactCache, Memo, content_key
from kit.territory import Territory

# Name of the one-forum files: the same for all, so that their common lines are serialised once.
FORUM_ICS_NAME = "Forums sécurité 2009"


@dataclass(frozen=True)
class Download:
    """A file to publish beside the pages: where, from which forums, and how it is made.

    A bundle is many files made and cached as one (see :func:`pack`): its
    ``path`` names the bundle, the paths of its files are inside it.
    """

    path: str  # under the site root
    forums: Sequence[Forum]
    make: Callable[[], bytes]
    bundle: bool = False


def _forum_files(forums: Sequence[Forum], territory: Territory) -> bytes:
    """The one-forum ICS files of ``forums``, packed: each VEVENT is the one of the national file."""
    return pack({forum_ics_path(forum): to_ics(Ordered((forum,)), territory, name=FORUM_ICS_NAME) for forum in forums})


def _planned_downloads(site: CalendarSite, territory: Territory) -> list[Download]:
    forums = site.forums
    plan = [
        Download(f"{SECTION}/{ICS_NAME}", forums, lambda: to_ics(forums, territory, name="Forums sécurité 2009")),
        Download(f"{SECTION}/forums.json", forums, lambda: to_json(forums, territory).encode("utf-8")),
        # With a BOM, French Excel reads the accents as UTF-8 (without, as Windows-1252).
        Download(f"{SECTION}/forums.csv", forums, lambda: to_csv(forums).encode("utf-8-sig")),
        Download(f"{SECTION}/forums.xlsx", forums, lambda: to_xlsx(forums)),
    ]
    for code, dep_forums in site.by_departement.items():
        name = f"Forums sécurité 2009 – {territory.departements[code].nom} ({code})"
        plan.append(Download(f"{SECTION}/{code}/{ICS_NAME}", dep_forums,
                             partial(to_ics, dep_forums, territory, name=name)))
        # One bundle per département: editing a forum remakes its département's files only.
        plan.append(Download(f"{SECTION}/{code}/{FORUM_BUNDLE}", dep_forums,
                             partial(_forum_files, dep_forums, territory), bundle=True))
        # What each forum's documents are filled with, in the reader's browser (« Préparer un forum »).
        plan.append(Download(f"{SECTION}/{code}/{FACTS_NAME}", dep_forums, partial(facts_json, dep_forums, territory)))
    return plan


_BUNDLE_MAGIC = b"kit-calendar-bundle 1\n"


def pack(files: Mapping[str, bytes]) -> bytes:
    """Many files as one: a first line, an index line (JSON: path and size of each), the contents."""
    index = json.dumps([[path, len(content)] for path, content in files.items()], ensure_ascii=False)
    return _BUNDLE_MAGIC + index.encode("utf-8") + b"\n" + b"".join(files.values())


def unpack(data: bytes) -> dict[str, bytes]:
    """The files of a :func:`pack` bundle; ValueError if it is not a whole one."""
    if not data.startswith(_BUNDLE_MAGIC):
        raise ValueError("not a calendar bundle")
    newline = data.index(b"\n", len(_BUNDLE_MAGIC))
    files: dict[str, bytes] = {}
    offset = newline + 1
    try:
        for path, size in json.loads(data[len(_BUNDLE_MAGIC):newline]):
            files[str(path)] = data[offset:offset + size]
            offset += size
    except TypeError as exc:
        raise ValueError("malformed calendar bundle") from exc
    if offset != len(data):
        raise ValueError("truncated calendar bundle")
    return files


def downloads(site: CalendarSite, territory: Territory) -> dict[str, bytes]:
    """The files to publish beside the pages, by path under the site root.

    The national calendar (ICS, JSON, CSV), one ICS per département and one
    per forum (``calendrier/<code>/<uid>.ics``). None of them carries the
    ``contact`` column: :mod:`kit.exports` leaves it out.
    """
    files: dict[str, bytes] = {}
    for download in _planned_downloads(site, territory):
        content = download.make()
        if download.bundle:
            files.update(unpack(content))
        else:
            files[download.path] = content
    return files


def _common_key(territory: Territory) -> str:
    """What every download depends on besides its forums: the kit's code, the territory."""
    return content_key(code_digest(), repr(list(territory.departements.values())))


def download_keys(site: CalendarSite, territory: Territory, memo: Memo[str] | None = None) -> dict[str, str]:
    """Each download's content key, by path (a bundle's path for its one-forum files).

    A key is made from the text of each forum of the file (its ``repr``, stable from one
    run to the next); with a ``memo`` (``make serve``), a forum seen before is not described again.
    """
    common = _common_key(territory)
    keys: dict[str, str] = {}
    described: dict[int, bytes] = {}  # the national files share one list of forums: described once
    for download in _planned_downloads(site, territory):
        if id(download.forums) not in described:
            texts = [memo.get(forum, partial(repr, forum)) for forum in download.forums] if memo is not None \
                else [repr(forum) for forum in download.forums]
            described[id(download.forums)] = ("(" + ", ".join(texts) + ("," if len(texts) == 1 else "")
                                              + ")").encode("utf-8")
        keys[download.path] = content_key(common, download.path, described[id(download.forums)])
    return keys


def cached_downloads(site: CalendarSite, territory: Territory, cache_dir: Path, *,
                     only: Collection[str] | None = None) -> tuple[dict[str, bytes], int]:
    """:func:`downloads`, each file reused from ``cache_dir`` when the same forums made it before.

    Editing one forum remakes the national files and its département's
    files only. The one-forum files are cached as one bundle per département,
    not one entry each. Returns the files and how many came from the cache. A
    cache that cannot be written is skipped, never an error. ``only`` limits
    the work to these downloads (paths as :func:`download_keys` names them).
    """
    cache = ArtifactCache(cache_dir)
    keys = download_keys(site, territory)
    files: dict[str, bytes] = {}
    reused = 0
    for download in _planned_downloads(site, territory):
        if only is not None and download.path not in only:
            continue
        key = keys[download.path]
        suffix = Path(download.path).suffix
        content = cache.get(key, suffix)
        if content is not None:
            try:
                made = unpack(content) if download.bundle else {download.path: content}
            except ValueError:
                made = None
            if made is not None:
                files.update(made)
                reused += len(made)
                continue
        content = download.make()
        if download.bundle:
            files.update(unpack(content))
        else:
            files[download.path] = content
        cache.put(key, suffix, content)
    if only is None:
        cache.prune()
    return files, reused
