"""A small, strict WebVTT checker for the films' captions: what a browser needs to show every cue.

It follows the WebVTT parsing rules a browser applies (W3C WebVTT, « file
structure » and « cue timings »), and is stricter where a browser would
silently drop a cue: the file starts with ``WEBVTT``; each cue has a timing line
``hh:mm:ss.ttt --> hh:mm:ss.ttt`` (hours may be left out: ``mm:ss.ttt``) whose
start comes before its end and not before the previous cue's start, and at
least one line of text. Problems are in French, each with its 1-based line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"^{_TIMESTAMP}[ \t]+-->[ \t]+{_TIMESTAMP}(?:[ \t]+.*)?$")
_HEADER = re.compile(r"^WEBVTT(?:[ \t].*)?$")
FORMAT = "« hh:mm:ss.ttt --> hh:mm:ss.ttt », par exemple « 00:00:01.000 --> 00:00:04.500 »"


@dataclass(frozen=True)
class Problem:
    """What is wrong at a line of a captions file, and what to do (French)."""

    line: int
    problem: str
    fix: str


@dataclass(frozen=True)
class Cue:
    """One cue: its timing line, start and end in seconds, and its text."""

    line: int
    start: float
    end: float
    text: str


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _clock(value: float) -> str:
    whole = round(value * 1000)
    return f"{whole // 3_600_000:02d}:{whole // 60_000 % 60:02d}:{whole // 1000 % 60:02d}.{whole % 1000:03d}"


def read(text: str) -> tuple[list[Cue], list[Problem]]:
    """The cues of a WebVTT file, and its problems (none: the file is valid)."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or not _HEADER.match(lines[0]):
        return [], [Problem(1, "la première ligne n'est pas « WEBVTT » : ce n'est pas un fichier de sous-titres "
                               "WebVTT", "écrivez « WEBVTT » seul sur la première ligne, puis une ligne vide")]
    cues: list[Cue] = []
    problems: list[Problem] = []
    # Blocks are separated by blank lines; the header block ends at the first one.
    index = 1
    while index < len(lines) and lines[index].strip():
        if "-->" in lines[index]:
            problems.append(Problem(index + 1, "il manque une ligne vide après « WEBVTT »",
                                    "laissez une ligne vide entre « WEBVTT » et le premier sous-titre"))
            break
        index += 1
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = index
    for number in range(index, len(lines)):
        if lines[number].strip():
            if not current:
                start = number
            current.append(lines[number])
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    previous: Cue | None = None
    for first, block in blocks:
        head = block[0].strip()
        if head == "NOTE" or head.startswith(("NOTE ", "NOTE\t")):
            continue
        if (head in ("STYLE", "REGION")) and not cues:
            continue
        timing_at = 1 if len(block) > 1 and "-->" not in block[0] else 0
        timing_line = first + timing_at + 1
        match = _TIMING.match(block[timing_at].strip())
        if not match:
            if "-->" in block[timing_at]:
                problems.append(Problem(timing_line, f"horaire de sous-titre mal écrit « {block[timing_at].strip()} »",
                                        f"écrivez-le {FORMAT} (deux chiffres par nombre, trois pour les millièmes)"))
            else:
                problems.append(Problem(first + 1, "bloc sans horaire : chaque sous-titre commence par sa ligne "
                                                   "d'horaire", f"ajoutez l'horaire {FORMAT}, ou séparez ce texte du "
                                                                 "sous-titre précédent sans ligne vide"))
            continue
        begin, end = _seconds(*match.groups()[:4]), _seconds(*match.groups()[4:])
        text_lines = block[timing_at + 1:]
        cue = Cue(timing_line, begin, end, "\n".join(text_lines))
        if begin >= end:
            problems.append(Problem(timing_line, f"le sous-titre finit ({_clock(end)}) avant de commencer "
                                                 f"({_clock(begin)})", "mettez l'heure de fin après l'heure de début"))
        if previous is not None and begin < previous.start:
            problems.append(Problem(timing_line, f"sous-titre hors d'ordre : il commence ({_clock(begin)}) avant le "
                                                 f"précédent, ligne {previous.line} ({_clock(previous.start)})",
                                    "rangez les sous-titres dans l'ordre de leur heure de début"))
        if not text_lines:
            problems.append(Problem(timing_line, "sous-titre sans texte", "écrivez son texte sous la ligne d'horaire, "
                                                                          "ou retirez cet horaire"))
        for offset, extra in enumerate(text_lines):
            if "-->" in extra:
                problems.append(Problem(timing_line + 1 + offset, "« --> » dans le texte d'un sous-titre : il manque "
                                        "sans doute une ligne vide avant cet horaire",
                                        "laissez une ligne vide entre deux sous-titres"))
        cues.append(cue)
        previous = cue
    if not cues and not problems:
        problems.append(Problem(1, "le fichier de sous-titres ne contient aucun sous-titre",
                                f"ajoutez les sous-titres du film, chacun avec son horaire {FORMAT}"))
    return cues, problems


def check(text: str) -> list[Problem]:
    """The problems of a WebVTT file; an empty list when a browser will show every cue."""
    return read(text)[1]
