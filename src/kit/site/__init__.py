"""The kit's MkDocs plugins: thin glue between MkDocs' events and the domain modules.

Each plugin is declared in pyproject.toml (entry points ``mkdocs.plugins``)
and listed in mkdocs.yml, whose order is the order in which MkDocs runs their
events (after Material's search, mkdocs-i18n and mike, before nothing else).
What a build needs from one event to the next lives on the plugin instance.
"""

from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig


class NoOptions(Config):
    """A kit plugin that takes no option in mkdocs.yml (MkDocs' own ``enabled`` still applies)."""


class CachingOptions(Config):
    """A kit plugin that keeps what it made between builds, in ``cache_dir``.

    mkdocs.yml sets it with ``!ENV`` (``KIT_CALENDAR_CACHE``, ``KIT_DOCUMENTS_CACHE``), so
    that a test or a measure can give a build a cache of its own; a relative path is
    relative to the folder of mkdocs.yml. MkDocs' generic ``enabled`` option turns the
    plugin off altogether (``KIT_DOCUMENTS=false``: a build that makes no document).
    """

    cache_dir = c.Type(str)

    def folder(self, config: MkDocsConfig) -> Path:
        """The cache folder as an absolute path."""
        return Path(config.config_file_path).resolve().parent / self.cache_dir
