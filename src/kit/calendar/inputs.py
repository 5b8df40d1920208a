"""What the calendar's pages and downloads are made from, as content keys.

A build whose inputs have the same key as an earlier one reuses what that one
made: the calendar file, the campaign, the reference data of 2009, and the
kit's own code and templates (an upgraded kit never reuses an older kit's pages).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import kit
from kit.store import content_key


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Every file of the kit package as this process runs it: code, templates, data files."""
    package = Path(kit.__file__).resolve().parent
    files = sorted(path for path in package.rglob("*")
                   if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc")
    return content_key(*(part for path in files
                         for part in (path.relative_to(package).as_posix(), path.read_bytes())))


def folder_digest(folder: Path) -> str:
    """Every file under ``folder`` (names and contents); an absent folder has a key too."""
    folder = Path(folder)
    files = sorted(path for path in folder.rglob("*") if path.is_file()) if folder.is_dir() else []
    return content_key(*(part for path in files for part in (path.relative_to(folder).as_posix(),
                                                             path.read_bytes())))


def setting_key(campaign_file: Path, reference_dir: Path, *settings: str) -> str:
    """Everything the calendar's pages depend on besides the calendar file itself."""
    campaign = Path(campaign_file).read_bytes() if Path(campaign_file).is_file() else b""
    return content_key(code_digest(), campaign, folder_digest(reference_dir), *settings)


def calendar_key(calendar_file: Path, settings: str) -> str:
    """The calendar file's content, with the key of everything else (:func:`setting_key`)."""
    return content_key(settings, Path(calendar_file).read_bytes())
