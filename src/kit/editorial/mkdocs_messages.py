"""MkDocs' own warnings, said in French in the editorial check's form « FICHIER:LIGNE : problème — que faire ».

A logging filter, put on MkDocs' console handler by the ``kit-messages`` plugin (kit.site.messages),
rewrites the messages it knows; the others pass unchanged. The level of each
record is kept, so that ``--strict`` counts exactly what it counted before.
:func:`french_abort` says in French the last line of a build that stops (« Aborted with … »).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

from kit.french import count as french_count

_Rewrite = Callable[[re.Match[str], "FrenchMessages"], str]


class FrenchMessages(logging.Filter):
    """Rewrites MkDocs' link and menu warnings about the files under ``docs_dir``."""

    def __init__(self, docs_dir: Path, config_file: Path) -> None:
        super().__init__("kit.editorial")
        self.docs_dir = docs_dir
        self.config_file = config_file

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            if record.levelno == logging.INFO:
                _french_info(record)
            return True
        message = record.getMessage()
        for pattern, rewrite in _RULES:
            match = pattern.fullmatch(message)
            if match:
                record.msg, record.args = rewrite(match, self), ()
                break
        return True

    def page_line(self, src: str, url: str) -> str:
        """``docs/src:LINE`` where ``url`` is written in the page."""
        return f"{self._relative(self.docs_dir / src)}:{_line_of(self.docs_dir / src, url)}"

    def config_line(self, text: str) -> str:
        return f"{self._relative(self.config_file)}:{_line_of(self.config_file, text)}"

    def _relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.config_file.parent).as_posix()
        except ValueError:
            return path.as_posix()


def _line_of(path: Path, needle: str) -> int:
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError:
        return 1
    for wanted in (f"({needle}", needle):
        for number, line in enumerate(lines, start=1):
            if wanted in line:
                return number
    return 1


def _hint(match: re.Match[str]) -> str:
    hint = match.groupdict().get("hint")
    return f" (vouliez-vous « {hint} » ?)" if hint else ""


def _missing_page(match: re.Match[str], messages: FrenchMessages) -> str:
    return (f"{messages.page_line(match['src'], match['url'])} : lien vers une page qui n'existe pas : "
            f"« {match['url']} » — corrigez le nom du fichier{_hint(match)}")


def _missing_anchor(match: re.Match[str], messages: FrenchMessages) -> str:
    anchor = match["url"].partition("#")[2]
    target = match["doc"] or match["src"]
    return (f"{messages.page_line(match['src'], match['url'])} : lien vers une section « #{anchor} » absente "
            f"de {target} — copiez le nom de la section depuis le lien « # » qui suit son titre sur le site")


def _unrecognized(match: re.Match[str], messages: FrenchMessages) -> str:
    return (f"{messages.page_line(match['src'], match['url'])} : lien « {match['url']} » qui ne mène à aucun "
            "fichier du kit — visez le fichier .md de la page, par exemple « note.md »" + _hint(match))


def _absolute(match: re.Match[str], messages: FrenchMessages) -> str:
    return (f"{messages.page_line(match['src'], match['url'])} : lien absolu « {match['url']} » (il ne marchera "
            "pas sur l'intranet) — écrivez un lien relatif vers le fichier .md, par exemple « note.md »"
            + _hint(match))


def _rebuild_failed(_match: re.Match[str], _messages: FrenchMessages) -> str:
    return ("la reconstruction a échoué : le serveur garde les pages d'avant tant que les erreurs "
            "ci-dessus ne sont pas corrigées — enregistrez la correction, il reconstruira aussitôt")


def _nav_missing(match: re.Match[str], messages: FrenchMessages) -> str:
    return (f"{messages.config_line(match['url'])} : le menu mène à une page qui n'existe pas : "
            f"« {match['url']} » — corrigez le nom du fichier, ou créez docs/{match['url']}")


def _not_in_nav(match: re.Match[str], messages: FrenchMessages) -> str:
    pages = [line.strip()[2:] for line in match["pages"].split("\n") if line.strip().startswith("- ")]
    return "\n".join(f"{messages._relative(messages.docs_dir / page)}:1 : page absente du menu du site — "
                     "ajoutez-la sous nav: dans mkdocs.yml" for page in pages)


_HINT = r"(?: Did you mean '(?P<hint>[^']*)'\?)?"
_RULES: list[tuple[re.Pattern[str], _Rewrite]] = [
    (re.compile(r"Doc file '(?P<src>[^']+)' contains a link '(?P<url>[^']+)', but the target(?: '[^']+')? "
                r"is not found among documentation files\." + _HINT, re.DOTALL), _missing_page),
    (re.compile(r"Doc file '(?P<src>[^']+)' contains a link '(?P<url>[^']+)', but (?:the doc '(?P<doc>[^']+)' "
                r"does not contain an anchor '#[^']*'|there is no such anchor on this page)\..*", re.DOTALL),
     _missing_anchor),
    (re.compile(r"Doc file '(?P<src>[^']+)' contains an unrecognized relative link '(?P<url>[^']+)', "
                r"it was left as is\." + _HINT, re.DOTALL), _unrecognized),
    (re.compile(r"Doc file '(?P<src>[^']+)' contains an absolute link '(?P<url>[^']+)', "
                r"it was left as is\." + _HINT, re.DOTALL), _absolute),
    (re.compile(r"A reference to '(?P<url>[^']+)' is included in the 'nav' configuration, "
                r"which is not found in the documentation files\."), _nav_missing),
    (re.compile(r"The following pages exist in the docs directory, but are not included in the \"nav\" "
                r"configuration:(?P<pages>.*)", re.DOTALL), _not_in_nav),
    # make serve, after a rebuild that failed (mkdocs.livereload).
    (re.compile(r"An error happened during the rebuild\. The server will appear stuck until build errors "
                r"are resolved\."), _rebuild_failed),
]

# MkDocs' own progress lines (mkdocs.commands.build, mkdocs.livereload), as make build and make serve show them.
_INFO: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"Cleaning site directory"), lambda m: "Dossier du site vidé"),
    (re.compile(r"Building documentation to directory: (?P<dir>.+)", re.DOTALL),
     lambda m: f"Construction du site dans {m['dir']}"),
    (re.compile(r"Building documentation\.\.\."), lambda m: "Construction du site…"),
    (re.compile(r"Documentation built in (?P<seconds>[\d.]+) seconds"),
     lambda m: f"Site construit en {m['seconds'].replace('.', ',')} s"),
    (re.compile(r"Watching paths for changes: (?P<paths>.+)", re.DOTALL),
     lambda m: f"Modifications surveillées dans : {m['paths']}"),
    (re.compile(r"Serving on (?P<url>\S+) and opening it in a browser"),
     lambda m: f"Kit servi à l'adresse {m['url']} (ouverture dans le navigateur)"),
    (re.compile(r"Serving on (?P<url>\S+)"), lambda m: f"Kit servi à l'adresse {m['url']}"),
    (re.compile(r"Detected file changes"), lambda m: "Modification détectée"),
    (re.compile(r"Browser connected: (?P<url>.+)", re.DOTALL), lambda m: f"Navigateur connecté : {m['url']}"),
    (re.compile(r"Reloading browsers"), lambda m: "Page rechargée dans le navigateur"),
    (re.compile(r"The directory contains stale files\. Use --clean to remove them\."),
     lambda m: "Le dossier du site contient des fichiers d'une construction précédente"),
]


_CLOCK = re.compile(r"\[\d\d:\d\d:\d\d\] ")


def _french_info(record: logging.LogRecord) -> None:
    """One of MkDocs' progress lines in French (others unchanged)."""
    message = record.getMessage()
    clock = _CLOCK.match(message)  # make serve's lines start with the time (mkdocs.livereload)
    start = clock.end() if clock else 0
    for pattern, rewrite in _INFO:
        match = pattern.fullmatch(message, start)
        if match:
            record.msg, record.args = message[:start] + rewrite(match), ()
            return


# The last line of a build that stops: mkdocs.commands.build raises mkdocs.exceptions.Abort with
# « Aborted with 2 warnings, 1 errors in strict mode! » or « Aborted with a BuildError! ».
_STRICT_ABORT = re.compile(r"Aborted with (?P<counts>.+) in strict mode!")
_COUNT = re.compile(r"(?P<number>\d+) (?P<level>[a-z]+)s")
_LEVELS = {"warning": ("avertissement", "avertissements"), "error": ("erreur", "erreurs"),
           "critical": ("erreur grave", "erreurs graves")}
_STOPPED = "Le site n'a pas été construit : "


def french_abort(message: str) -> str:
    """The last line of a stopped build in French; a message it does not know is returned unchanged."""
    if message == "Aborted with a BuildError!":
        return _STOPPED + "corrigez d'abord l'erreur signalée juste au-dessus, puis relancez la construction."
    match = _STRICT_ABORT.fullmatch(message)
    if match is None:
        return message
    counts = []
    for part in match["counts"].split(", "):
        count = _COUNT.fullmatch(part)
        if count is None or count["level"] not in _LEVELS:
            return message
        counts.append(french_count(int(count["number"]), *_LEVELS[count["level"]]))
    return (_STOPPED + f"corrigez d'abord ce que signalent les lignes ci-dessus ({' et '.join(counts)}), "
            "puis relancez la construction. Le mode strict s'arrête au moindre avertissement, pour ne "
            "jamais publier une page en défaut.")


def install(logger: logging.Logger, docs_dir: Path, config_file: Path) -> None:
    """Put the French messages on every handler of ``logger`` that does not have them yet."""
    for handler in logger.handlers:
        current = [f for f in handler.filters if isinstance(f, FrenchMessages)]
        for old in current:
            handler.removeFilter(old)
        handler.addFilter(FrenchMessages(docs_dir, config_file))
