"""MkDocs plugin: the theme's Jinja templates compiled once, kept between builds.

MkDocs gives every build a new Jinja environment, which compiles each of Material's
templates again (its base, partials and icons: about 45 templates). Compiling them is a
good share of a whole build: 0.3 s of the kit's 1.7 s warm ``make build`` (CONTRIBUTING.md,
« Mesures »). Jinja's own file cache keeps the compiled code in ``cache_dir``, keyed by
the template's name and file, and checks each template's source before taking its code
back: an edited template, in ``overrides/`` or in an upgraded Material, is compiled again.

The editor's loop (kit.site.serve) gives its builds a cache held in memory for the whole
session instead; this plugin leaves that one in place.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin

from kit.site import CachingOptions


class TemplatesPlugin(BasePlugin[CachingOptions]):
    def on_env(self, env: Environment, /, *, config: MkDocsConfig, **_: Any) -> Environment:
        if env.bytecode_cache is None:
            folder = self.config.folder(config)
            folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = FileSystemBytecodeCache(str(folder))
        return env
