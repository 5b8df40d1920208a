"""The kit's MkDocs plugins: thin glue between MkDocs' events and the domain modules.

Each plugin is declared in pyproject.toml (entry points ``mkdocs.plugins``)
and listed in mkdocs.yml, whose order is the order in which MkDocs runs their
events (after Material's search, mkdocs-i18n and mike, before nothing else).
What a build needs from one event to the next lives on the plugin instance.
"""

from mkdocs.config.base import Config


class NoOptions(Config):
    """The kit's plugins take no option in mkdocs.yml."""
