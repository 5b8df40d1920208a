"""kit-templates: the theme's templates compiled once and taken back by the next build."""

from __future__ import annotations

import shutil
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache

from conftest import ROOT
from kit.site.templates import TemplatesPlugin
from small_project import build_here, small_project


def compiled(folder: Path) -> dict[str, int]:
    """Each compiled template in ``folder``, with the time it was written (nanoseconds)."""
    return {path.name: path.stat().st_mtime_ns for path in folder.glob("__jinja2_*.cache")}


def test_a_build_takes_back_the_templates_an_earlier_build_compiled(tmp_path: Path) -> None:
    project = tmp_path / "projet"
    config = small_project(project)
    # The small project's overrides/ is a copy here, so that one template can be edited.
    (project / "overrides").unlink()
    shutil.copytree(ROOT / "overrides", project / "overrides")
    cache = tmp_path / "gabarits"
    env = {"KIT_TEMPLATES_CACHE": str(cache)}

    build_here(config, tmp_path / "premier", env=env)
    first = compiled(cache)
    assert len(first) > 20, first  # Material's base, partials and icons, the kit's overrides

    build_here(config, tmp_path / "second", env=env)
    second = compiled(cache)
    # (The second build may use one template more: the page the calendar takes back, kit.site.rendered.)
    recompiled = {name for name, written in first.items() if second.get(name) != written}
    assert not recompiled, f"la 2e construction a recompilé des gabarits inchangés : {recompiled}"
    assert (tmp_path / "second" / "calendrier" / "index.html").is_file()

    # An edited template is compiled again; the others are taken back as they were.
    main = project / "overrides" / "main.html"
    main.write_text(main.read_text(encoding="utf-8") + "\n{# modifié #}\n", encoding="utf-8")
    build_here(config, tmp_path / "troisieme", env=env)
    third = compiled(cache)
    rewritten = {name for name, written in third.items() if second.get(name) != written}
    assert len(rewritten) == 1, rewritten


def test_a_cache_already_given_is_kept() -> None:
    """The editor's loop gives its builds a cache in memory (kit.site.serve): it stays theirs."""
    plugin = TemplatesPlugin()
    plugin.load_config({"cache_dir": "inutilise"})
    env = Environment()
    mine = FileSystemBytecodeCache("/nonexistent")
    env.bytecode_cache = mine
    assert plugin.on_env(env, config=None) is env  # type: ignore[arg-type]
    assert env.bytecode_cache is mine
