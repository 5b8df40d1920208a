"""What ``make serve`` tells the editor about the files being edited: in the terminal and on the pages.

The server never stops for an editor's mistake. After each build it knows three things,
each in French:

- the editorial check's slips (``make verifier``: links, menu, page headers, acronyms…);
- the warnings and errors MkDocs logged during the build (already in French, at their line,
  when kit.editorial.mkdocs_messages knows them), except those the check already gives;
- why the build failed, if it did (the pages served are then those of the last good build).

Every served HTML page then carries a banner listing them; the banner goes away by itself
once the files are fixed (the page reloads after the next build, as after any save).
"""

from __future__ import annotations

import html
import logging
import re
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from mkdocs.exceptions import ConfigurationError, MkDocsException

from kit.editorial import yamlfr
from kit.editorial.slips import Slip
from kit.french import count
from kit.html.typography import french_html

log = logging.getLogger("mkdocs.kit.serve")

BANNER_ID = "kit-serve-problemes"
# The thread in which `make serve` runs the editorial check after a build (kit.site.serve).
CHECK_THREAD = "kit-verification"
_WHERE = re.compile(r"^(?P<where>[^\s:]+:\d+) : ")  # « docs/note.md:12 : … »
_ENGLISH_YAML = re.compile(r"MkDocs encountered an error parsing the configuration file")


class CaughtMessages(logging.Handler):
    """MkDocs' warnings and errors during one build (each once, in the order logged).

    Put on the ``mkdocs`` logger before the build starts, so that the ``kit-messages`` plugin
    puts its French rewriting on it too (kit.site.messages). What the editorial check's own thread
    logs meanwhile belongs to the check of an earlier build, not to this one.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.threadName == CHECK_THREAD:
            return
        lines = [line.strip() for line in record.getMessage().strip().split("\n") if line.strip()]
        # One problem per record; a record listing several places (pages absent from the menu) gives one each.
        items = lines if lines and all(_WHERE.match(line) for line in lines) else ["\n".join(lines)]
        for item in items:
            if item and item not in self.messages:
                self.messages.append(item)


@dataclass(frozen=True)
class Problems:
    """What the served pages and the terminal say after a build."""

    slips: tuple[Slip, ...] = ()
    messages: tuple[str, ...] = ()  # MkDocs' own, not already among the slips
    failure: str | None = None  # why the last build failed; None after a good build

    def __bool__(self) -> bool:
        return bool(self.slips or self.messages or self.failure)

    def lines(self) -> list[str]:
        return [*(str(slip) for slip in self.slips), *self.messages]


def without_repeats(messages: list[str], slips: list[Slip]) -> tuple[str, ...]:
    """MkDocs' messages that do not repeat a slip of the check (same file and line)."""
    places = {f"{slip.path}:{slip.line}" for slip in slips}
    kept = []
    for message in messages:
        match = _WHERE.match(message)
        if match is not None and match["where"] in places:
            continue
        kept.append(message)
    return tuple(kept)


def config_problem(error: Exception, config_file: Path, root: Path) -> str:
    """A configuration that cannot be read, in French at its line (PyYAML's message re-read)."""
    try:
        shown = config_file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        shown = config_file.as_posix()
    if isinstance(error, ConfigurationError) and _ENGLISH_YAML.match(str(error)):
        try:
            text = config_file.read_text(encoding="utf-8")
        except OSError:
            text = None
        if text is not None:
            loaded = yamlfr.load(text, path=shown, what=config_file.name)
            if loaded.slip is not None:
                return str(loaded.slip)
    return (f"{shown} : réglage refusé par MkDocs ({_plain(error)}) — corrigez la ligne que vous venez de "
            "modifier, ou reprenez-la telle qu'elle était (git diff la montre)")


def french_failure(error: BaseException, root: Path | None = None) -> str:
    """Why a build stopped, in French, without a traceback (file names relative to ``root``)."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        name = error.filename or error.name or "gabarit"
        if root is not None and error.filename:
            try:
                name = Path(error.filename).resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                pass
        where = f"{name}:{error.lineno}"
        return f"{where} : gabarit illisible ({error.message}) — corrigez cette ligne du gabarit"
    if isinstance(error, MkDocsException):
        # Already said in French by the kit's plugins (the calendar's PluginError, the Abort of
        # kit.site.messages); MkDocs logged the detail just before.
        return _plain(error)
    where = ""
    frames = traceback.extract_tb(error.__traceback__)
    if frames:
        where = f", à {Path(frames[-1].filename).name}:{frames[-1].lineno}"
    return (f"erreur inattendue pendant la construction ({type(error).__name__} : {_plain(error)}{where}) — "
            "si elle ne vient pas d'un fichier que vous venez de modifier, transmettez ce message à l'équipe "
            "technique du kit")


def _plain(error: BaseException) -> str:
    text = str(getattr(error, "message", None) or error).strip()
    return " ".join(text.split()) if text else type(error).__name__


@dataclass
class Report:
    """The current problems, shared by the build thread and the request threads."""

    problems: Problems = field(default_factory=Problems)
    site_built: bool = False  # a build has succeeded: its pages are served
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def set(self, problems: Problems, *, built: bool) -> Problems:
        """Record this build's problems; return the previous ones."""
        with self._lock:
            previous, self.problems = self.problems, problems
            self.site_built = self.site_built or built
        return previous

    def current(self) -> Problems:
        with self._lock:
            return self.problems

    def banner(self) -> bytes:
        """The HTML banner shown at the top of every served page, or b"" when all is well."""
        problems = self.current()
        if not problems:
            return b""
        parts = [f'<div id="{BANNER_ID}" role="alert" style="position:relative;z-index:10;margin:0;'
                 'padding:.8rem 1.2rem;background:#fff3cd;color:#3d2f00;border-bottom:3px solid #c79100;'
                 'font:0.8rem/1.5 sans-serif">']
        if problems.failure is not None:
            parts.append(french_html("<p><strong>La dernière modification n'a pas pu être construite.</strong> "
                                     "Les pages affichées sont celles de la dernière construction réussie.</p>"))
            parts.append(f"<p>{_html_line(problems.failure)}</p>")
        lines = problems.lines()
        if lines:
            parts.append(f"<p><strong>À corriger ({count(len(lines), 'problème', 'problèmes')})\u00a0:</strong></p><ul>")
            parts.extend(f"<li>{_html_line(line)}</li>" for line in lines)
            parts.append("</ul>")
        parts.append(french_html("<p>Ce bandeau n'apparaît qu'avec <code>make serve</code>, jamais sur le site "
                                 "publié ; il disparaît de lui-même dès que la correction est enregistrée.</p>"))
        parts.append("</div>")
        return "".join(parts).encode("utf-8")

    def error_page(self, code: int) -> bytes:
        """The page served when the site has no page at this address (and no 404 page of its own)."""
        if self.site_built:
            title, text = "Page introuvable", "Aucune page du kit ne se trouve à cette adresse."
        else:
            title, text = ("Le site n'est pas encore construit",
                           "Cette page se recharge d'elle-même dès que la construction aura réussi.")
        refresh = "" if self.site_built else '<meta http-equiv="refresh" content="2">'
        page = (f'<!doctype html><html lang="fr"><head><meta charset="utf-8">{refresh}<title>{title}</title>'
                f'</head><body><h1>{title}</h1><p>{text} (erreur {code})</p></body></html>')
        return french_html(page).encode("utf-8")


def _html_line(line: str) -> str:
    """One problem line: its « FICHIER:LIGNE » as code, the rest as text.

    The text is left as the check wrote it: its examples (« nav: », « titre: "…" ») are to be typed
    as they are, so no no-break space is put before their colons."""
    match = _WHERE.match(line)
    where = f"<code>{html.escape(match['where'], quote=False)}</code>\u00a0: " if match else ""
    rest = line[match.end():] if match else line
    return where + html.escape(rest, quote=False).replace("\n", "<br>")


def insert_banner(page: bytes, banner: bytes) -> bytes:
    """``page`` with ``banner`` just inside its ``<body>`` (at the start when it has none)."""
    start = page.find(b"<body")
    end = page.find(b">", start) + 1 if start >= 0 else 0
    return page[:end] + banner + page[end:]


def tell(problems: Problems, previous: Problems) -> None:
    """Say in the terminal what changed in the problems since the last build."""
    if problems == previous:
        return
    if problems.failure is not None:
        log.error("La dernière modification n'a pas pu être construite : %s. Les pages servies restent celles "
                  "de la dernière construction réussie ; enregistrez la correction, le serveur reconstruit "
                  "aussitôt.", problems.failure)
    lines = problems.lines()
    if lines and lines != previous.lines():
        log.warning("À corriger (%s, affichés aussi en haut de chaque page servie) :\n%s",
                    count(len(lines), "problème", "problèmes"), "\n".join(f"  {line}" for line in lines))
    if not problems and previous:
        log.info("Plus aucun problème : le bandeau a disparu des pages servies.")
