"""MkDocs hook: MkDocs' link and menu warnings in French, at their file and line (kit.editorial)."""

from __future__ import annotations

import logging
from pathlib import Path

import _setup  # noqa: F401  (puts scripts/ on sys.path)
from kit.editorial.mkdocs_messages import install
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority


@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    install(logging.getLogger("mkdocs"), Path(config.docs_dir), Path(config.config_file_path))
    return config
