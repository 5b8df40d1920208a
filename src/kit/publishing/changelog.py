"""The kit's changelog (``docs/nouveautes.md``): versions, what each changed, and which pages.

The page stays ordinary Markdown for editors. Each version is a level-2
heading, newest first::

    ## Version 1.1 — 10 mars 2009

    - Nouveau : [calendrier des forums](calendrier/index.md), mis à jour chaque semaine.
    - [Fiche n° 1](fiche-1.md) : chiffres de la délinquance 2008 corrigés.

Every list item is one change; the Markdown links it holds to ``.md`` files
are the pages it touches. An item starting with « Nouveau » / « Nouvelle »
(« New » in English) marks its pages as new, any other as changed.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

# ASCII digits only: « \d » would also take Arabic-Indic and other Unicode digits.
VERSION_PATTERN = r"[0-9]+\.[0-9]+(?:\.[0-9]+)?"
_HEADING = re.compile(r"^##\s+(?P<rest>.*?)\s*(?:\{[^}]*\})?\s*$")
_VERSION_HEADING = re.compile(
    rf"^(?:Version|Édition|Edition)\s+(?P<version>{VERSION_PATTERN})\s*(?:[—–-]\s*(?P<date>.+))?$"
)
_ITEM = re.compile(r"^\s{0,3}[-*+]\s+(?P<text>.*)$")
_CONTINUATION = re.compile(r"^\s{2,}\S")
_LINK = re.compile(r"\[(?P<label>[^\]]*)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_NEW = re.compile(r"^\s*(?:\*\*)?(?:Nouveau|Nouvelle|Nouveaux|Nouvelles|New)\b", re.IGNORECASE)
_FENCE = re.compile(r"^\s*(```|~~~)")


class ChangelogError(ValueError):
    """The changelog cannot be read: every problem found, each with its file and line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Change:
    """One line of the changelog: what changed, and in which pages."""

    text: str
    pages: tuple[str, ...]
    new: bool
    line: int

    @property
    def summary(self) -> str:
        """The item as plain text: links keep their label, the « Nouveau : » prefix goes."""
        text = _LINK.sub(lambda m: m.group("label"), self.text)
        text = re.sub(r"[*_`]", "", text)
        if self.new:
            text = re.sub(r"^\s*(?:Nouveaux|Nouvelles|Nouveau|Nouvelle|New)\s*:?\s*", "", text,
                          flags=re.IGNORECASE)
        return text.strip()


@dataclass
class Release:
    """A version of the kit and its changes."""

    version: str
    date: str | None
    line: int
    changes: list[Change] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        """The id of the version's heading on the changelog page: ``version-1-1``."""
        return version_anchor(self.version)

    def change_for(self, src_uri: str) -> Change | None:
        """The change of this version that touches ``src_uri`` (a docs-relative path), if any."""
        for change in self.changes:
            if src_uri in change.pages:
                return change
        return None


def version_anchor(version: str) -> str:
    """``1.1`` -> ``version-1-1``."""
    return "version-" + version.replace(".", "-")


def version_key(version: str) -> tuple[int, ...]:
    """Sort key of a version number: ``1.10`` comes after ``1.9``."""
    return tuple(int(part) for part in version.split("."))


def _page_targets(text: str, changelog_uri: str) -> list[str]:
    """Docs-relative ``.md`` paths linked from ``text`` (written in ``changelog_uri``)."""
    base = posixpath.dirname(changelog_uri)
    pages: list[str] = []
    for match in _LINK.finditer(text):
        target = match.group("target").split("#", 1)[0]
        if not target.endswith(".md") or "://" in target or target.startswith("/"):
            continue
        path = posixpath.normpath(posixpath.join(base, target))
        if path not in pages:
            pages.append(path)
    return pages


def parse(text: str, *, name: str = "docs/nouveautes.md", src_uri: str = "nouveautes.md") -> list[Release]:
    """Read a changelog; raise :class:`ChangelogError` listing every problem (file and line)."""
    releases: list[Release] = []
    problems: list[str] = []
    current: Release | None = None
    in_fence = False
    in_comment = False
    item_lines: list[str] = []
    item_start = 0

    def flush_item() -> None:
        nonlocal item_lines
        if current is not None and item_lines:
            joined = " ".join(part.strip() for part in item_lines)
            current.changes.append(Change(joined, tuple(_page_targets(joined, src_uri)),
                                          bool(_NEW.match(joined)), item_start))
        item_lines = []

    for number, line in enumerate(text.splitlines(), start=1):
        if in_comment:
            in_comment = "-->" not in line
            continue
        if line.lstrip().startswith("<!--"):
            in_comment = "-->" not in line
            continue
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        heading = _HEADING.match(line)
        if heading or line.startswith("# "):
            flush_item()
            if not heading:
                continue
            match = _VERSION_HEADING.match(heading.group("rest"))
            if match is None:
                problems.append(
                    f"{name}, ligne {number} : titre « {line.strip()} » non reconnu ; "
                    "écrivez « ## Version 1.1 — 10 mars 2009 » (numéro, puis la date)."
                )
                current = None
                continue
            version = match.group("version")
            if any(release.version == version for release in releases):
                problems.append(f"{name}, ligne {number} : la version {version} figure déjà plus haut.")
            current = Release(version, (match.group("date") or "").strip() or None, number)
            releases.append(current)
            continue
        item = _ITEM.match(line)
        if item and current is not None:
            flush_item()
            item_lines = [item.group("text")]
            item_start = number
        elif item_lines and _CONTINUATION.match(line):
            item_lines.append(line)
        else:
            flush_item()
    flush_item()

    for previous, following in zip(releases, releases[1:], strict=False):
        if version_key(following.version) >= version_key(previous.version):
            problems.append(
                f"{name}, ligne {following.line} : la version {following.version} doit venir "
                f"avant la version {previous.version} (la plus récente en premier)."
            )
    if not releases and not problems:
        problems.append(f"{name} : aucune version trouvée ; ajoutez une section « ## Version 1.0 — date ».")
    if problems:
        raise ChangelogError(problems)
    return releases


def load(path: Path, *, src_uri: str | None = None) -> list[Release]:
    """Read the changelog file ``path`` (see :func:`parse`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ChangelogError([f"{path} : fichier introuvable."]) from None
    except UnicodeDecodeError as error:
        raise ChangelogError([f"{path} : le fichier n'est pas en UTF-8 ({error.reason})."]) from None
    name = _display_name(path)
    return parse(text, name=name, src_uri=src_uri or path.name)


def _display_name(path: Path) -> str:
    parts = path.parts
    return "/".join(parts[-2:]) if len(parts) >= 2 else str(path)


def find(releases: list[Release], version: str) -> Release | None:
    """The release numbered ``version``, if the changelog has it."""
    return next((release for release in releases if release.version == version), None)


def latest(releases: list[Release]) -> Release:
    """The newest release (the first of the page)."""
    return releases[0]
