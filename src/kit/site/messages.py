"""MkDocs plugin: MkDocs' link and menu warnings in French, at their file and line (kit.editorial)."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority

from kit.editorial.mkdocs_messages import install
from kit.site import NoOptions


class MessagesPlugin(BasePlugin[NoOptions]):
    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Before any other plugin: MkDocs' console handler rewrites the warnings it knows into French."""
        install(logging.getLogger("mkdocs"), Path(config.docs_dir), Path(config.config_file_path))
        return config
