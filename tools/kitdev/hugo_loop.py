"""The same editor's loop measured on Hugo, for comparison (``hugo server``, Debian's ``hugo`` package).

A Hugo site with the same content is made in a folder: the kit's French pages
(``docs/*.md``, as Markdown), a national calendar page and one page per département,
whose tables Hugo's templates draw from the same calendar file (``assets/forums.csv``).
The edits are the kit's: a sentence appended to ``note.md``, one forum's place changed
in the calendar file. Hugo has no search index here: only the time is compared.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from kitdev.editor_loop import Edits, LoopResult, edit_loop, served, write_rows

ROOT = Path(__file__).resolve().parents[2]  # tools/kitdev/ -> the checkout
HUGO = shutil.which("hugo")

_CONFIG = """baseURL = "http://127.0.0.1/"
title = "Forums sécurité 2009 : le kit"
languageCode = "fr"
disablePathToLower = true
disableKinds = ["taxonomy", "term", "RSS", "sitemap"]
[markup.goldmark.renderer]
unsafe = true
"""

_BASEOF = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><nav><ul>{{ range where site.RegularPages "Section" "" }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
<li><a href="{{ "calendrier/" | relURL }}">Calendrier des forums</a></li></ul></nav>
<main>{{ block "main" . }}{{ end }}</main></body></html>
"""

_SINGLE = """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}
"""

# The national list, or a département's list when the page's front matter names one.
_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
{{ $rows := (resources.Get "forums.csv").Content | transform.Unmarshal (dict "delimiter" ";") }}
{{ $code := .Params.code }}
<table><thead><tr><th>Département</th><th>Date</th><th>Heure</th><th>Commune</th><th>Lieu</th><th>Statut</th></tr></thead>
<tbody>{{ range after 1 $rows }}{{ if or (not $code) (eq (index . 0) $code) }}
<tr><td>{{ index . 0 }}</td><td>{{ index . 1 }}</td><td>{{ index . 2 }}</td><td>{{ index . 4 }}</td><td>{{ index . 5 }}</td><td>{{ index . 9 }}</td></tr>
{{ end }}{{ end }}</tbody></table>
{{ if not $code }}<ul>{{ range .Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
{{ end }}
"""


def make_site(folder: Path, rows: Sequence[dict[str, str]], columns: Sequence[str]) -> Edits:
    """Write the Hugo site into ``folder``; where its edits go."""
    (folder / "layouts" / "_default").mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(_CONFIG, encoding="utf-8")
    (folder / "layouts" / "_default" / "baseof.html").write_text(_BASEOF, encoding="utf-8")
    (folder / "layouts" / "_default" / "single.html").write_text(_SINGLE, encoding="utf-8")
    (folder / "layouts" / "_default" / "list.html").write_text(_LIST, encoding="utf-8")
    content = folder / "content"
    content.mkdir(exist_ok=True)
    for page in sorted((ROOT / "docs").rglob("*.md")):
        if page.name.endswith(".en.md"):
            continue
        target = content / page.relative_to(ROOT / "docs")
        if target.name == "index.md":
            target = target.with_name("_index.md")  # Hugo's home page (« index.md » would make a bundle)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(page, target)
    calendar = content / "calendrier"
    calendar.mkdir(exist_ok=True)
    (calendar / "_index.md").write_text("---\ntitle: Calendrier des forums\n---\n", encoding="utf-8")
    for code in sorted({row["departement"] for row in rows}):
        (calendar / code).mkdir(exist_ok=True)
        (calendar / code / "_index.md").write_text(
            f'---\ntitle: "Forums du département {code}"\ncode: "{code}"\n---\n', encoding="utf-8")
    (folder / "assets").mkdir(exist_ok=True)
    write_rows(folder / "assets" / "forums.csv", columns, rows)
    return Edits(page=content / "note.md", page_url="note/", calendar=folder / "assets" / "forums.csv",
                 departement_url="calendrier/{code}/", search=False)


def measure_hugo(rows: Sequence[dict[str, str]], columns: Sequence[str], workdir: Path, *,
                 edits: int = 5, warm_up: int = 1,
                 progress: Callable[[str], None] = lambda _: None) -> LoopResult:
    """Serve the Hugo site with ``hugo server`` and time the same edits as the kit's."""
    if HUGO is None:
        raise RuntimeError("hugo est absent (paquet Debian « hugo ») : pas de comparaison possible.")
    site = workdir / "hugo"
    where = make_site(site, rows, columns)
    command = [HUGO, "server", "--bind", "127.0.0.1", "--port", "{port}", "--baseURL", "http://127.0.0.1:{port}/",
               "--appendPort=false", "--disableLiveReload"]
    with served(site, {**os.environ}, command) as hugo:
        return edit_loop(hugo, where, rows, columns, count=edits, warm_up=warm_up, progress=progress)
