"""The « Films » page: the WebVTT checker, the editorial check of data/films.toml, and the built pages.

The site with a film is a copy of the repository in which the README's « film »
recipe is done (tests/films_media.py makes its test video with ffmpeg), built the
way mike builds a version to publish: the media files stay out of the site and
are reached in the films folder next to the versions (deploy/nginx.conf).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import ROOT, page
from editors_day import copy_of_the_repository, run_script
from films_media import add_the_recipes_film, build_published_tree, need_ffmpeg
from kit.films import catalogue as films
from kit.films import webvtt
from readme_recipes import read_recipes

RECIPES = read_recipes(ROOT / "README.md")
GOOD = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nBonjour.\n\n00:02.000 --> 00:00:04.000 align:start\nAu revoir.\n"


# -- WebVTT ---------------------------------------------------------------------------------------

def test_a_valid_file_has_its_cues() -> None:
    cues, problems = webvtt.read(GOOD)
    assert problems == []
    assert [(c.line, c.start, c.end, c.text) for c in cues] == [(3, 0.0, 2.0, "Bonjour."), (6, 2.0, 4.0, "Au revoir.")]


def test_identifiers_notes_and_bom_are_allowed() -> None:
    text = "\ufeffWEBVTT - sous-titres\n\nNOTE relu le 5 mars\n\n1\n00:00:01.000 --> 00:00:02.500\nUn.\n"
    assert webvtt.read(text)[1] == []


@pytest.mark.parametrize(("text", "line", "words"), [
    ("WEBVTX\n\n00:00:00.000 --> 00:00:01.000\nA\n", 1, "WEBVTT"),
    ("", 1, "WEBVTT"),
    ("WEBVTT\n00:00:00.000 --> 00:00:01.000\nA\n", 2, "ligne vide après « WEBVTT »"),
    ("WEBVTT\n\n00:00:00,000 --> 00:00:01.000\nA\n", 3, "mal écrit"),
    ("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nA\n\n00:00:03.000 --> 00:00:02.000\nB\n", 6, "finit"),
    ("WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nA\n\n00:00:01.000 --> 00:00:02.000\nB\n", 6, "hors d'ordre"),
    ("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n", 3, "sans texte"),
    ("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nA\n00:00:01.000 --> 00:00:02.000\nB\n", 5, "« --> »"),
    ("WEBVTT\n\nUn texte sans horaire\n", 3, "sans horaire"),
    ("WEBVTT\n\n00:00:61.000 --> 00:01:02.000\nA\n", 3, "mal écrit"),
    ("WEBVTT\n", 1, "aucun sous-titre"),
])
def test_problems_are_found_at_their_line(text: str, line: int, words: str) -> None:
    problems = webvtt.check(text)
    assert problems, text
    assert (problems[0].line, words in problems[0].problem) == (line, True), problems


# -- The editorial check -------------------------------------------------------------------------

def test_the_kit_ships_no_film() -> None:
    """No film is invented: the list holds only its commented example until the DICOM's films arrive."""
    shipped, problems = films.read(ROOT)
    assert shipped == [] and problems == []
    assert re.search(r"^# \[\[film\]\]$", (ROOT / films.LIST).read_text(encoding="utf-8"), re.MULTILINE)


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository with the README's test film in it (not committed)."""
    need_ffmpeg()
    repo = copy_of_the_repository(tmp_path_factory.mktemp("films") / "kit")
    add_the_recipes_film(repo, RECIPES)
    return repo


def _line_of(path: Path, start: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if line.startswith(start))


def test_the_recipe_passes_the_check(clone: Path) -> None:
    result = run_script(clone, "scripts/verifier.py")
    assert result.returncode == 0, result.stdout


def test_missing_captions_are_refused_at_their_line(clone: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kit"
    shutil.copytree(clone, copy, ignore=shutil.ignore_patterns(".git"))
    (copy / "data" / "films" / "essai.vtt").unlink()
    result = run_script(copy, "scripts/verifier.py")
    line = _line_of(copy / "data" / "films.toml", "sous_titres =")
    assert result.returncode == 1
    assert (f"data/films.toml:{line} : fichier « data/films/essai.vtt » absent — créez-le (recette « Ajouter un "
            "film » du README)") in result.stdout


def test_missing_video_and_bad_captions_are_refused(clone: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kit"
    shutil.copytree(clone, copy, ignore=shutil.ignore_patterns(".git"))
    (copy / "films" / "essai.mp4").unlink()
    captions = copy / "data" / "films" / "essai.vtt"
    captions.write_text(captions.read_text(encoding="utf-8").replace("00:00:02.000 --> 00:00:04.000",
                                                                     "00:00:02.000 --> 00:00:01.000"))
    stdout = run_script(copy, "scripts/verifier.py").stdout
    video_line = _line_of(copy / "data" / "films.toml", "video =")
    assert f"data/films.toml:{video_line} : fichier « essai.mp4 » absent du dossier des films (films/)" in stdout
    assert "data/films/essai.vtt:6 : le sous-titre finit (00:00:01.000) avant de commencer (00:00:02.000)" in stdout


# -- The built pages -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def published_tree(clone: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The film's version as mike publishes it, in the server's tree: kit-forums/latest/ and kit-forums/films/."""
    return build_published_tree(clone, tmp_path_factory.mktemp("films-serveur"))


def _site(tree: Path) -> Path:
    return tree / "kit-forums" / "latest"


@pytest.mark.parametrize(("url", "download", "label"), [
    ("films/", "Télécharger le film (MP4, 52\u00a0Ko)", "Français"),
    ("films.en/", "Download the film (MP4, 52\u00a0KB)", "French"),
])
def test_the_page_has_player_captions_transcript_and_download(published_tree: Path, url: str, download: str,
                                                              label: str) -> None:
    site = _site(published_tree)
    root = lxml_html.fromstring(page(site, url))
    (video,) = root.xpath("//video")
    assert video.get("controls") is not None and video.get("preload") == "metadata"
    assert video.get("autoplay") is None
    (source,) = video.xpath("source")
    assert source.get("type") == "video/mp4" and source.get("src") == "../../films/essai.mp4"
    assert video.get("poster") == "../../films/essai.jpg"
    (track,) = video.xpath(".//track")  # libxml2 does not know <source> is empty: <track> lands inside it
    assert (track.get("kind"), track.get("srclang"), track.get("label")) == ("captions", "fr", label)
    assert track.get("default") is not None
    assert (site / url / track.get("src")).resolve() == (site / "films" / "essai.fr.vtt").resolve()
    assert (site / "films" / "essai.fr.vtt").read_text(encoding="utf-8").startswith("WEBVTT")
    transcript = " ".join(root.xpath("string(//details[contains(@class,'kit-film__transcription')])").split())
    assert "une mire de couleurs et un compteur qui défile" in transcript
    links = [" ".join(a.text_content().replace("\u202f", " ").split()) for a in root.xpath("//a[@download]")]
    # The size is the test video's, a few dozen kilobytes whatever ffmpeg's version.
    assert re.sub(r"\d+ (Ko|KB)", r"52 \1", links[0]) == download.replace("\u00a0", " ")
    # Nothing leaves the site: every address is relative.
    for value in root.xpath("//@src | //@href | //@poster"):
        assert not re.match(r"^(https?:)?//", value) or "127.0.0.1" in value, value


def test_no_media_file_enters_a_published_version(published_tree: Path) -> None:
    site = _site(published_tree)
    assert not [p for p in site.rglob("*") if p.suffix in {".mp4", ".webm", ".jpg"}]


def test_the_french_page_says_no_film_yet_without_one() -> None:
    html = films.render([], root=ROOT, films_dir=ROOT / "films", media_url="", captions_url="", lang="fr")
    assert "Aucun film n'est encore publié" in html and "<video" not in html


def test_the_pages_with_a_film_are_valid_html(published_tree: Path) -> None:
    from test_html_valid import nu_errors

    files = [_site(published_tree) / url / "index.html" for url in ("films/", "films.en/")]
    errors = nu_errors(files)
    assert not errors, errors
