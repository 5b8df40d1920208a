"""A short test film made by the tests themselves: a test pattern, silent audio, and its poster.

Made with Debian's ffmpeg (installed by .ci/run): a few seconds of the ``testsrc``
pattern in MP4 (H.264 and AAC, the format the README's recipe names), and one
frame as a JPEG poster. Nothing is downloaded.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"


def need_ffmpeg() -> None:
    if not Path(FFMPEG).exists():
        pytest.skip("ffmpeg est absent : .ci/run installe le paquet Debian « ffmpeg ».")


def _ffmpeg(*args: str) -> None:
    subprocess.run([FFMPEG, "-loglevel", "error", "-nostdin", "-y", *args], check=True)


def make_video(dest: Path, seconds: int = 4) -> Path:
    """A ``seconds``-long test pattern with a silent sound track, at ``dest`` (.mp4 or .webm)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    codecs = (["-c:v", "libvpx", "-b:v", "200k", "-c:a", "libopus"] if dest.suffix == ".webm" else
              ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
               "-movflags", "+faststart"])
    _ffmpeg("-f", "lavfi", "-i", f"testsrc=duration={seconds}:size=320x180:rate=15",
            "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", str(seconds), *codecs, "-shortest", str(dest))
    return dest


def make_poster(dest: Path) -> Path:
    """One frame of the test pattern, at ``dest`` (.jpg or .png)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    _ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x180", "-frames:v", "1", str(dest))
    return dest


def make_media(films_dir: Path, toml_block: str) -> list[Path]:
    """The media files a ``[[film]]`` block names (video, audio-described version, poster), made in ``films_dir``."""
    made = []
    for key, name in re.findall(r'^(video|audiodescription|affiche) = "([^"]+)"', toml_block, re.MULTILINE):
        target = films_dir / name
        made.append(make_poster(target) if key == "affiche" else make_video(target))
    return made


def add_the_recipes_film(clone: Path, recipes: dict[str, list[object]]) -> None:
    """The README's « film » recipe done in ``clone`` (its files only; no command, no commit)."""
    from readme_recipes import Step, apply

    for step in recipes["film"]:
        assert isinstance(step, Step)
        if step.kind == "commands":
            continue
        if step.file == "data/films.toml":
            make_media(clone / "films", step.body)
        apply(step, clone)


def build_published_tree(clone: Path, tree: Path) -> Path:
    """``clone`` built as mike builds a version to publish, in a server's tree: kit-forums/latest/, and its
    media in kit-forums/films/ (deploy/nginx.conf serves both)."""
    from conftest import ROOT, build_site
    from editors_day import newest_version

    result = build_site(tree / "kit-forums" / "latest", cwd=clone, env={
        "MIKE_DOCS_VERSION": newest_version(clone / "docs" / "nouveautes.md"), "KIT_DOCUMENTS": "false",
        "KIT_CALENDAR_CACHE": str(ROOT / ".cache" / "calendar")})
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    shutil.copytree(clone / "films", tree / "kit-forums" / "films")
    return tree
