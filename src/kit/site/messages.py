"""MkDocs plugin: MkDocs' link and menu warnings in French, at their file and line, and the last line
of a build that stops (kit.editorial)."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, event_priority

from kit.editorial.mkdocs_messages import french_abort, install
from kit.site import NoOptions
from kit.site.compat import check_versions


class MessagesPlugin(BasePlugin[NoOptions]):
    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Before any other plugin: the versions of MkDocs, Material and mkdocs-i18n checked (kit.site.compat),
        then MkDocs' console handler rewrites the warnings it knows into French."""
        problem = check_versions()
        if problem is not None:
            raise PluginError(problem)
        install(logging.getLogger("mkdocs"), Path(config.docs_dir), Path(config.config_file_path))
        return config

    @event_priority(-100)  # last: every other plugin has cleaned up before the error is replaced
    def on_build_error(self, *, error: Exception) -> None:
        """A build that stops says why in French: MkDocs prints the message of its Abort as its last line.

        MkDocs raises that Abort inside its build, so this event receives it; the same Abort, in
        French, takes its place (same type, same exit status 1), the original kept as its cause.
        """
        if isinstance(error, Abort):
            french = french_abort(error.message)
            if french != error.message:
                raise Abort(french) from error
