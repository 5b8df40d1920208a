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


def project_with_own_overrides(root: Path) -> Path:
    """A small project whose overrides/ is a copy (one template can be edited); its mkdocs.yml."""
    config = small_project(root)
    (root / "overrides").unlink()
    shutil.copytree(ROOT / "overrides", root / "overrides")
    return config


def test_a_build_takes_back_the_templates_an_earlier_build_compiled(tmp_path: Path) -> None:
    config = project_with_own_overrides(tmp_path / "projet")
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

    # The same kit in another folder takes back the same entries: nothing compiled, nothing added.
    elsewhere = project_with_own_overrides(tmp_path / "ailleurs")
    build_here(elsewhere, tmp_path / "troisieme", env=env)
    assert compiled(cache) == second

    # An edited template is compiled again, under a key of its own; the others are taken back as they were.
    main = tmp_path / "projet" / "overrides" / "main.html"
    main.write_text(main.read_text(encoding="utf-8") + "\n{# modifié #}\n", encoding="utf-8")
    build_here(config, tmp_path / "quatrieme", env=env)
    fourth = compiled(cache)
    assert {name: fourth[name] for name in second} == second
    assert len(fourth) == len(second) + 1, sorted(set(fourth) - set(second))


def test_a_cache_already_given_is_kept() -> None:
    """The editor's loop gives its builds a cache in memory (kit.site.serve): it stays theirs."""
    plugin = TemplatesPlugin()
    plugin.load_config({"cache_dir": "inutilise"})
    env = Environment()
    mine = FileSystemBytecodeCache("/nonexistent")
    env.bytecode_cache = mine
    assert plugin.on_env(env, config=None) is env  # type: ignore[arg-type]
    assert env.bytecode_cache is mine
