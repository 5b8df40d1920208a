"""The kit's films: the list an editor keeps in data/films.toml, its checks, and the page's HTML.

Each ``[[film]]`` block names a film's texts, kept in git next to the list
(captions in WebVTT, transcript in Markdown, under data/films/), and its media
files (video, audio-described version, poster), which are large and kept out
of git in the films folder (``extra.films_dir`` in mkdocs.yml, ``films/`` by
default). On the intranet the server serves that folder next to the published
versions (deploy/nginx.conf): a page of a version reaches it at ``../../films/``.
Nothing here imports MkDocs: the editorial check and the kit-films plugin both use it.
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import markdown

from kit.films import webvtt
from kit.i18n import STRINGS, human_size

LIST = "data/films.toml"
DEFAULT_DIR = "films"
# The marker a films page holds where the list goes (docs/films.md, docs/films.en.md).
MARKER = '<div class="kit-films"></div>'

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DURATION = re.compile(r"^(?:(\d+):)?([0-5]?\d):([0-5]\d)$")
REQUIRED = ("id", "titre", "theme", "duree", "description", "video", "affiche", "sous_titres", "transcription")
OPTIONAL = ("audiodescription", "titre_en", "theme_en", "description_en")
VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm"}
POSTER_TYPES = (".jpg", ".jpeg", ".png", ".webp")


@dataclass(frozen=True)
class Problem:
    """A problem of the films' list at a line of a file (French), and what to do."""

    path: str
    line: int
    problem: str
    fix: str


@dataclass
class Film:
    """One film of the list, with the lines its keys are on in data/films.toml."""

    id: str
    titre: str
    theme: str
    duree: str
    description: str
    video: str
    affiche: str
    sous_titres: str
    transcription: str
    audiodescription: str | None = None
    titre_en: str | None = None
    theme_en: str | None = None
    description_en: str | None = None
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def seconds(self) -> int:
        match = _DURATION.match(self.duree)
        assert match, self.duree
        hours, minutes, seconds = match.groups()
        return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)


def _key_lines(text: str) -> list[dict[str, int]]:
    """For each ``[[film]]`` block, in order, the 1-based line of the block (key ``""``) and of each key."""
    blocks: list[dict[str, int]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith("[[") and stripped.split("#")[0].strip() == "[[film]]":
            blocks.append({"": number})
        elif blocks and (match := re.match(r"^([A-Za-z0-9_-]+)\s*=", stripped)):
            blocks[-1].setdefault(match.group(1), number)
    return blocks


def read(root: Path) -> tuple[list[Film], list[Problem]]:
    """The films of ``root``'s data/films.toml and the problems of the list itself (keys, values)."""
    path = root / LIST
    if not path.exists():
        return [], []
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(error))) else 1
        return [], [Problem(LIST, line, f"{LIST} illisible ({error})",
                            "comparez avec l'exemple en tête du fichier : « clé = \"valeur\" », un bloc [[film]] "
                            "par film")]
    problems: list[Problem] = []
    unknown_tables = [key for key in data if key != "film"]
    for key in unknown_tables:
        problems.append(Problem(LIST, 1, f"clé « {key} » inconnue hors d'un bloc [[film]]",
                                "chaque film commence par la ligne [[film]]"))
    films: list[Film] = []
    seen: dict[str, int] = {}
    for entry, lines in zip(data.get("film", []), _key_lines(text), strict=False):
        at = lines[""]
        bad = False
        for key in entry:
            if key not in REQUIRED and key not in OPTIONAL:
                problems.append(Problem(LIST, lines.get(key, at), f"clé « {key} » inconnue : le site l'ignorerait",
                                        "clés possibles : " + ", ".join(REQUIRED + OPTIONAL)))
        for key in REQUIRED:
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                problems.append(Problem(LIST, lines.get(key, at), f"film sans « {key} »",
                                        f"ajoutez la ligne « {key} = \"…\" » au bloc [[film]] de la ligne {at}"))
                bad = True
        if bad:
            continue
        film = Film(**{key: entry[key] for key in REQUIRED + OPTIONAL if key in entry}, lines=lines)
        if not _ID.match(film.id):
            problems.append(Problem(LIST, lines["id"], f"identifiant « {film.id} » mal écrit",
                                    "minuscules sans accents, chiffres et tirets, par exemple « ouverture »"))
        elif film.id in seen:
            problems.append(Problem(LIST, lines["id"], f"identifiant « {film.id} » déjà pris ligne {seen[film.id]}",
                                    "donnez à chaque film un identifiant différent"))
        seen.setdefault(film.id, lines["id"])
        if not _DURATION.match(film.duree):
            problems.append(Problem(LIST, lines["duree"], f"durée « {film.duree} » mal écrite",
                                    "écrivez minutes et secondes, par exemple « 4:30 » (ou « 1:04:30 »)"))
            continue
        for key in ("video", "audiodescription"):
            name = getattr(film, key)
            if name and Path(name).suffix.lower() not in VIDEO_TYPES:
                problems.append(Problem(LIST, lines[key], f"format de vidéo non pris en charge « {name} »",
                                        "donnez un fichier MP4 (H.264 et AAC) ou WebM, que lit tout navigateur"))
        if Path(film.affiche).suffix.lower() not in POSTER_TYPES:
            problems.append(Problem(LIST, lines["affiche"], f"format d'image non pris en charge « {film.affiche} »",
                                    "donnez une image JPEG, PNG ou WebP"))
        films.append(film)
    return films, problems


def media_folder(root: Path, setting: str | None) -> Path:
    """The folder of the media files: ``setting`` (mkdocs.yml's ``extra.films_dir``, relative to the
    kit's folder), else ``films/``."""
    return root / (setting or DEFAULT_DIR)


def check(root: Path, films_dir: Path) -> tuple[list[Film], list[Problem]]:
    """The films of the list, and every problem of it: its values, and each file it names missing or, for
    captions, invalid (the list is only usable when there is none)."""
    films, problems = read(root)
    for film in films:
        for key in ("video", "audiodescription", "affiche"):
            name = getattr(film, key)
            if name and not (films_dir / name).is_file():
                where = _shown(films_dir, root)
                problems.append(Problem(LIST, film.lines[key], f"fichier « {name} » absent du dossier des films "
                                                               f"({where})",
                                        f"copiez-le dans {where}, ou corrigez son nom (majuscules et extension "
                                        "comprises)"))
        for key in ("sous_titres", "transcription"):
            name = getattr(film, key)
            if not (root / name).is_file():
                problems.append(Problem(LIST, film.lines[key], f"fichier « {name} » absent",
                                        "créez-le (recette « Ajouter un film » du README) ou corrigez son chemin, "
                                        "depuis le dossier du kit, par exemple « data/films/ouverture.vtt »"))
        captions = root / film.sous_titres
        if captions.is_file():
            if captions.suffix != ".vtt":
                problems.append(Problem(LIST, film.lines["sous_titres"], f"sous-titres « {film.sous_titres} » : "
                                        "un fichier WebVTT (.vtt) est attendu", "donnez le fichier .vtt du film"))
            else:
                for problem in webvtt.check(captions.read_text(encoding="utf-8-sig", errors="replace")):
                    problems.append(Problem(film.sous_titres, problem.line, problem.problem, problem.fix))
    return films, sorted(problems, key=lambda p: (p.path, p.line, p.problem))


def _shown(folder: Path, root: Path) -> str:
    try:
        return folder.relative_to(root).as_posix() + "/"
    except ValueError:
        return folder.as_posix() + "/"


# -- The page -------------------------------------------------------------------------------------

def duration(seconds: int, lang: str) -> str:
    """« 4 min 30 s » (the same in English)."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = ([f"{hours}\u00a0h"] if hours else []) + ([f"{minutes}\u00a0min"] if minutes else [])
    parts += [f"{secs}\u00a0s"] if secs or not parts else []
    return " ".join(parts)


def _format(name: str) -> str:
    return Path(name).suffix.lstrip(".").upper().replace("JPEG", "JPG")


def captions_name(film: Film) -> str:
    """The captions' file name in the built site, next to the page."""
    return f"{film.id}.fr.vtt"


def render(films: list[Film], *, root: Path, films_dir: Path, media_url: str, captions_url: str, lang: str) -> str:
    """The HTML of the films' list, in ``lang``; ``media_url`` and ``captions_url`` lead from the page to the
    media files and to the captions."""
    words = STRINGS[lang]
    if not films:
        return f'<p class="kit-films__aucun">{html.escape(words["films_none"], quote=False)}</p>'
    out: list[str] = ['<div class="kit-films">']
    for film in films:
        title = film.titre_en if lang == "en" and film.titre_en else film.titre
        french_only = lang == "en" and not film.titre_en
        theme = film.theme_en if lang == "en" and film.theme_en else film.theme
        description = film.description_en if lang == "en" and film.description_en else film.description
        heading = f"film-{film.id}"
        lang_attr = ' lang="fr"' if french_only else ""
        video_url = media_url + film.video
        captions = captions_url + captions_name(film)
        size = human_size((films_dir / film.video).stat().st_size, lang)
        transcript = markdown.markdown((root / film.transcription).read_text(encoding="utf-8"))
        out += [
            f'<section class="kit-film" aria-labelledby="{heading}">',
            f'<h2 id="{heading}"{lang_attr}>{html.escape(title, quote=False)}</h2>',
            '<ul class="kit-film__infos">',
            f'<li>{words["film_theme"]}{words["separator"]}<span{_lang(lang, film.theme_en)}>{html.escape(theme, quote=False)}</span></li>',
            f'<li>{words["film_duration"]}{words["separator"]}{duration(film.seconds, lang)}</li>',
            "</ul>",
            f'<p{_lang(lang, film.description_en)}>{html.escape(description, quote=False)}</p>',
            _video(film.video, video_url, media_url + film.affiche, captions, words),
            '<ul class="kit-film__telechargements">',
            f'<li><a href="{html.escape(video_url)}" download>{words["film_download"]} ({_format(film.video)}, {size})</a>'
            "</li>",
            f'<li><a href="{captions}" download>{words["film_download_captions"]} (WebVTT, '
            f'{human_size((root / film.sous_titres).stat().st_size, lang)})</a></li>',
        ]
        if film.audiodescription:
            ad_url = media_url + film.audiodescription
            ad_size = human_size((films_dir / film.audiodescription).stat().st_size, lang)
            out.append(f'<li><a href="{html.escape(ad_url)}" download>{words["film_download_ad"]} '
                       f'({_format(film.audiodescription)}, {ad_size})</a></li>')
        out.append("</ul>")
        if film.audiodescription:
            out += [f'<details class="kit-film__audiodescription"><summary>{words["film_ad"]}</summary>',
                    f'<p>{words["film_ad_intro"]}</p>',
                    _video(film.audiodescription, media_url + film.audiodescription, media_url + film.affiche,
                           captions, words), "</details>"]
        out += [f'<details class="kit-film__transcription"><summary>{words["film_transcript"]}</summary>',
                f'<div lang="fr">{transcript}</div>', "</details>", "</section>"]
    out.append("</div>")
    return "\n".join(out)


def _lang(lang: str, translated: str | None) -> str:
    return ' lang="fr"' if lang == "en" and not translated else ""


def _video(name: str, url: str, poster: str, captions: str, words: dict[str, str]) -> str:
    kind = VIDEO_TYPES[Path(name).suffix.lower()]
    return (f'<video class="kit-film__video" controls preload="metadata" poster="{html.escape(poster)}">'
            f'<source src="{html.escape(url)}" type="{kind}">'
            f'<track kind="captions" srclang="fr" label="{words["film_label"]}" src="{captions}" default>'
            f'<p>{html.escape(words["film_fallback"], quote=False)}</p></video>')
