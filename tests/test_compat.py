"""The MkDocs internals the kit uses (kit.site.compat) still exist and behave on the versions of requirements.lock."""

from __future__ import annotations

import inspect
import re
import threading
from pathlib import Path

import pytest
import watchdog.observers
from jinja2 import DictLoader, Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.theme import Theme

from kit.site import compat
from kit.site.messages import MessagesPlugin

ROOT = Path(__file__).resolve().parent.parent


def test_checked_versions_are_those_of_the_lock() -> None:
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pinned = dict(re.findall(r"^([a-z0-9-]+)==([^ ;\\\n]+)", lock, re.MULTILINE))
    assert {name: pinned.get(name) for name in compat.CHECKED_WITH} == compat.CHECKED_WITH


def test_installed_versions_are_accepted() -> None:
    assert compat.check_versions() is None


def test_another_minor_version_is_refused_in_french() -> None:
    versions = {**compat.CHECKED_WITH, "mkdocs": "1.7.0"}
    message = compat.check_versions(versions.__getitem__)
    assert message is not None
    assert "MkDocs 1.7.0 est installé, mais le kit a été vérifié avec la version 1.6 (1.6.1 dans requirements.lock)" \
        in message
    assert "« make serve »" in message and "requirements.lock" in message
    # A patch release of the same major.minor is accepted.
    assert compat.check_versions({**compat.CHECKED_WITH, "mkdocs": "1.6.9"}.__getitem__) is None


def test_version_error_stops_the_build(monkeypatch: pytest.MonkeyPatch) -> None:
    versions = {**compat.CHECKED_WITH, "mkdocs-material": "10.0.0"}
    monkeypatch.setattr("kit.site.messages.check_versions", lambda: compat.check_versions(versions.__getitem__))
    with pytest.raises(PluginError, match="Material for MkDocs 10.0.0 est installé"):
        MessagesPlugin().on_config(MkDocsConfig())


def test_serve_url_is_mkdocs_own() -> None:
    assert compat.serve_url("127.0.0.1", 8000, "/") == "http://127.0.0.1:8000/"
    assert compat.serve_url("127.0.0.1", 8123, "kit") == "http://127.0.0.1:8123/kit/"


def test_dirty_build_asks_is_modified_which_can_be_replaced(tmp_path: Path) -> None:
    file = File("page.md", str(tmp_path), str(tmp_path / "site"), use_directory_urls=True)
    compat.render_only_if(file, True)
    assert file.is_modified() is True
    compat.render_only_if(file, False)
    assert file.is_modified() is False
    # MkDocs' dirty build still asks it (mkdocs.commands.build).
    from mkdocs.commands import build
    assert "page.file.is_modified()" in inspect.getsource(build)


def test_theme_env_passes_through_the_change() -> None:
    theme = Theme(name="mkdocs")
    seen: list[Environment] = []

    def change(env: Environment) -> Environment:
        seen.append(env)
        env.loader = DictLoader({"x.html": "x"})
        return env

    compat.wrap_theme_env(theme, change)
    env = theme.get_env()
    assert seen == [env] and env.list_templates() == ["x.html"]
    # MkDocs lists the theme's files from get_env()'s environment (its list_templates()), before on_env.
    from mkdocs.commands import build
    from mkdocs.structure.files import Files as MkDocsFiles

    assert "env.list_templates(" in inspect.getsource(MkDocsFiles.add_files_from_theme)
    source = inspect.getsource(build.build)
    assert source.index("config.theme.get_env()") < source.index("add_files_from_theme") \
        < source.index("plugins.on_env")


def test_server_internals(tmp_path: Path) -> None:
    built = threading.Event()
    server = LiveReloadServer(builder=built.set, host="127.0.0.1", port=0, root=str(tmp_path))
    try:
        assert isinstance(server._rebuild_cond, threading.Condition)
        assert server._want_rebuild is False
        assert compat.watched_count(server) == {}
        observer = watchdog.observers.Observer()
        compat.use_observer(server, observer)
        assert server.observer is observer
        compat.keep_watch(server, str(tmp_path), "surveillance")
        assert server._watch_refs == {str(tmp_path): "surveillance"}
        # Waking the server runs its builder, as its own watcher does.
        loop = threading.Thread(target=server._build_loop, daemon=True)
        loop.start()
        compat.wake_server(server)
        assert built.wait(30)
    finally:
        server.shutdown()  # stops the build loop (and the observer)
        server.server_close()
    loop.join(30)
    assert not loop.is_alive()


def test_page_config_leaves_the_shared_configuration_alone() -> None:
    config = MkDocsConfig()
    config.load_dict({"site_name": "Kit", "theme": {"name": "mkdocs", "language": "fr"},
                      "extra": {"alternate": [{"lang": "fr", "link": ""}, {"lang": "en", "link": "index.en/"}]}})
    assert not config.validate()[0]
    page = compat.PageConfig(config, language="en", site_name="Kit (en)")
    page["theme"].language = "en"  # as mkdocs-i18n writes it
    page["extra"]["alternate"][1]["link"] = "page.en/"
    assert (page.site_name, page["site_name"], page.theme.language, page["theme"]["language"]) == \
           ("Kit (en)", "Kit (en)", "en", "en")
    assert page.theme.name == "mkdocs" and page.theme["name"] == "mkdocs"
    assert page.extra["alternate"][1]["link"] == "page.en/"
    assert page.use_directory_urls is config.use_directory_urls
    assert (config.site_name, config.theme["language"], getattr(config.theme, "language", None)) == ("Kit", "fr", None)
    assert config.extra["alternate"][1]["link"] == "index.en/"


def test_server_build_delay_and_request_handler(tmp_path: Path) -> None:
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    try:
        assert server.build_delay > 0
        compat.set_build_delay(server, 0.05)
        assert server.build_delay == 0.05
        # Overridden by the kit's server (kit.site.serve.KitServer), set by MkDocs' own serve.
        assert list(inspect.signature(server.serve_request).parameters) == ["environ", "start_response"]
        assert callable(server.error_handler)
    finally:
        server.server_close()


def test_dirty_build_warning_is_mkdocs_own() -> None:
    from mkdocs.commands import build

    assert compat.DIRTY_BUILD_WARNING in inspect.getsource(build.build)


def test_search_index_is_written_as_material_writes_it() -> None:
    from material.plugins.search.plugin import SearchIndex

    source = inspect.getsource(SearchIndex.generate_search_index)
    assert re.search(r'json\.dumps\(\s*data,\s*separators = \(",", ":"\),\s*default = str\s*\)', source)
    assert compat.search_index_text({"config": {"lang": ["fr"]}, "docs": [{"location": "é/"}]}) == \
        '{"config":{"lang":["fr"]},"docs":[{"location":"\\u00e9/"}]}'


def test_page_anchors_are_mkdocs_own(tmp_path: Path) -> None:
    config = MkDocsConfig()
    config.load_dict({"site_name": "Kit", "docs_dir": str(tmp_path)})
    assert not config.validate()[0]
    (tmp_path / "autre.md").write_text("# Autre\n\n## Partie\n", encoding="utf-8")
    (tmp_path / "page.md").write_text("# Titre\n\n[lien](autre.md#partie)\n", encoding="utf-8")
    files = Files([File(name, str(tmp_path), str(tmp_path / "site"), use_directory_urls=True)
                   for name in ("page.md", "autre.md")])
    page = Page(None, files.get_file_from_path("page.md"), config)
    page.read_source(config)
    page.render(config, files)
    present, links = compat.page_anchors(page)
    assert "titre" in present
    assert {file.src_uri: anchors for file, anchors in links.items()} == {"autre.md": {"partie": "autre.md#partie"}}
    other = Page(None, files.get_file_from_path("autre.md"), config)
    compat.restore_anchors(other, {"partie"}, {})
    assert compat.page_anchors(other) == ({"partie"}, {})


def test_version_error_stops_make_serve_before_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    from kit.site import serve

    message = compat.check_versions({**compat.CHECKED_WITH, "mkdocs-i18n": "0.5.0"}.__getitem__)
    assert message is not None and "mkdocs-i18n 0.5.0 est installé" in message
    monkeypatch.setattr(serve, "check_versions", lambda: message)
    monkeypatch.setattr(serve, "EditorLoop", None)  # never reached: nothing is built or served
    with pytest.raises(SystemExit) as stopped:
        serve.serve("mkdocs.yml")
    assert stopped.value.code == message


def test_added_plugin_receives_its_events() -> None:
    from mkdocs.plugins import BasePlugin, PluginCollection

    class Seen(BasePlugin):  # type: ignore[type-arg]
        def on_pre_build(self, *, config: MkDocsConfig) -> None:
            seen.append("pre_build")

    seen: list[str] = []
    plugins = PluginCollection()
    compat.add_plugin(plugins, "kit-editor-loop", Seen())
    plugins.on_pre_build(config=MkDocsConfig())
    assert seen == ["pre_build"] and "kit-editor-loop" in plugins
