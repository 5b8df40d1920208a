"""MkDocs plugin: the « Films » page, built from data/films.toml (see kit.films.catalogue).

The page's Markdown holds a marker (``<div class="kit-films"></div>``) that this
plugin replaces with the list of films, in the page's language: the browser's own
player with French captions on by default, the transcript, the download links.
Each film's captions are added to the site next to the page (``films/<id>.fr.vtt``).

The media files (videos, posters) never enter the built site of a published
version: mike builds it (``MIKE_DOCS_VERSION`` set) into the gh-pages branch,
and the intranet's server serves the films folder next to the versions
(deploy/nginx.conf), where the page finds it at ``../../films/``. A local build
(make build, make serve) copies them into ``films/medias/`` of the site instead,
so that an editor sees the film play. Listed before kit-typography in
mkdocs.yml: the French rules apply to the list too.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from kit.films import catalogue as films
from kit.i18n import language_of
from kit.site import NoOptions

PAGE_DIR = "films"
# Where a local build (make build, make serve) copies the media files, in the site.
LOCAL_MEDIA = "films/medias"
# Where the page of a published version finds the films folder, from the version's root: the server
# serves it next to the versions (deploy/nginx.conf).
PUBLISHED_MEDIA = "../films/"


def films_dir(config: MkDocsConfig) -> Path:
    """The folder of the media files (``extra.films_dir``, relative to mkdocs.yml)."""
    return films.media_folder(Path(config.config_file_path).resolve().parent, config.extra.get("films_dir"))


def published() -> bool:
    """Whether mike is building a version to publish (it passes the version in the environment)."""
    return bool(os.environ.get("MIKE_DOCS_VERSION"))


class FilmsPlugin(BasePlugin[NoOptions]):
    def on_config(self, config: MkDocsConfig, /) -> None:
        self.root = Path(config.config_file_path).resolve().parent
        self.folder = films_dir(config)
        self.films: list[films.Film] = []

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        # Read at each build: make serve reloads the list and the captions, not this code.
        self.films, problems = films.check(self.root, self.folder)
        if problems:
            raise PluginError("Films : " + " ; ".join(f"{p.path}:{p.line} : {p.problem} — {p.fix}" for p in problems))
        for film in self.films:
            content = (self.root / film.sous_titres).read_bytes()
            files.append(File.generated(config, f"{PAGE_DIR}/{films.captions_name(film)}", content=content))
        return files

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, **_: Any) -> str:
        if films.MARKER not in html:
            return html
        up = "../" * page.url.count("/")
        media = up + (PUBLISHED_MEDIA if published() else f"{LOCAL_MEDIA}/")
        lang = language_of(page.file.src_uri)
        # The captions sit next to the French page (films/); other pages reach them from their own folder.
        captions = "" if page.url.rstrip("/") == PAGE_DIR else f"{up}{PAGE_DIR}/"
        listing = films.render(self.films, root=self.root, films_dir=self.folder, media_url=media,
                               captions_url=captions, lang=lang)
        return html.replace(films.MARKER, listing)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if published():
            return
        target = Path(config.site_dir) / LOCAL_MEDIA
        for film in self.films:
            for name in filter(None, (film.video, film.audiodescription, film.affiche)):
                source, copy = self.folder / name, target / name
                if copy.exists() and copy.stat().st_size == source.stat().st_size \
                        and copy.stat().st_mtime >= source.stat().st_mtime:
                    continue
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, copy)
