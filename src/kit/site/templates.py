"""MkDocs plugin: the theme's Jinja templates compiled once, kept between builds.

MkDocs gives every build a new Jinja environment, which compiles each of Material's
templates again (its base, partials and icons: about 45 templates). Compiling them is a
good share of a whole build: a warm ``mkdocs build --strict`` of the kit took 2.62 s of
processor time without them and 2.20 s with them (CONTRIBUTING.md, « Mesures », 7 December
2026). Jinja's own file cache keeps the compiled code in ``cache_dir``, and takes it back
only for the same source: an edited template, in ``overrides/`` or in an upgraded Material,
is compiled again.

A compiled template is keyed by its name and its source, not by where its file lies, so that
copies of the kit in other folders (the tests' copies, a second checkout) share one entry for
the same template instead of adding one each. (The code keeps the file name it was compiled
from: the kit's messages name a template by its base name, kit.site.problems.)

The editor's loop (kit.site.serve) gives its builds a cache held in memory for the whole
session instead; this plugin leaves that one in place.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache
from jinja2.bccache import Bucket
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin

from kit.site import CachingOptions


class ContentBytecodeCache(FileSystemBytecodeCache):
    """Jinja's file cache, its entries keyed by a template's name and source (never its folder)."""

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        checksum = self.get_source_checksum(source)
        bucket = Bucket(environment, self.get_cache_key(name, checksum), checksum)
        self.load_bytecode(bucket)
        return bucket


class TemplatesPlugin(BasePlugin[CachingOptions]):
    def on_env(self, env: Environment, /, *, config: MkDocsConfig, **_: Any) -> Environment:
        if env.bytecode_cache is None:
            folder = self.config.folder(config)
            folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = ContentBytecodeCache(str(folder))
        return env
