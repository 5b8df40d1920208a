"""The films' list (data/films.toml) in the editorial check: each film's files present, its captions valid WebVTT."""

from __future__ import annotations

import os
from pathlib import Path

from kit.editorial import yamlfr
from kit.editorial.slips import Slip
from kit.films import catalogue as films


def films_dir(root: Path, config: yamlfr.Loaded | None) -> Path:
    """The media folder mkdocs.yml names (``extra.films_dir``, ``!ENV [KIT_FILMS_DIR, films]``)."""
    value = os.environ.get("KIT_FILMS_DIR")
    if not value and config is not None and isinstance(config.value, dict):
        extra = config.value.get("extra")
        configured = extra.get("films_dir") if isinstance(extra, dict) else None
        if isinstance(configured, list) and configured:  # !ENV [VARIABLE, default]
            configured = configured[-1]
        value = configured if isinstance(configured, str) else None
    return films.media_folder(root, value)


def check_films(root: Path, config: yamlfr.Loaded | None) -> list[Slip]:
    """Every problem of the films' list, at its file and line."""
    return [Slip(p.path, p.line, p.problem, p.fix) for p in films.check(root, films_dir(root, config))[1]]
