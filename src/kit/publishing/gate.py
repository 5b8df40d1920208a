"""The publication gate's report: which tests failed, and what they said, for an editor (messages in French).

scripts/publish.py runs the tests marked ``gate`` with this module as a pytest
plugin (``-p kit.publishing.gate --rapport-publication FICHIER``): each failed
test is written to FICHIER (JSON) with its assertion message, its docstring and
where it is. :func:`describe` turns that into what an editor reads: what is
wrong, in which file of docs/ when the test is about a page, and what to do;
never a list of test names.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pytest is only needed when the plugin runs
    import pytest

MARKER = "gate"
OPTION = "--rapport-publication"
# The site publish.py has just built, strict, from the tree under test: the tests' ``site`` fixture
# reads it instead of building the same tree again.
BUILT_SITE = "KIT_SITE_CONSTRUIT"
# Markers of tests that need more than Python (a browser, a server, an office suite, node).
EXTERNAL = ("browser", "nginx", "libreoffice", "icaljs")
# Lines kept of each failure's message, lines shown for each of them, and the width of a shown line.
SHOWN_LINES = 6
WRAPPED_LINES = 3
WIDTH = 100
SHOWN_FAILURES = 12


@dataclass(frozen=True)
class Failure:
    """One failed test (or module that could not be collected)."""

    nodeid: str
    path: str  # the test file, relative to the repository
    line: int | None  # the line of the test file where it failed, when known
    message: str  # the assertion message, as raised
    doc: str  # the test's docstring, first paragraph


# -- The plugin ---------------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(OPTION, metavar="FICHIER", default=None,
                     help="écrit les tests en échec, avec leur message, dans FICHIER (JSON)")


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption(OPTION)
    if path:
        config.pluginmanager.register(_Recorder(Path(path)), "kit-publication-gate-recorder")


class _Recorder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.docs: dict[str, str] = {}
        self.failures: list[Failure] = []

    def pytest_itemcollected(self, item: pytest.Item) -> None:
        doc = getattr(getattr(item, "obj", None), "__doc__", None) or ""
        self.docs[item.nodeid] = doc.strip().split("\n\n", 1)[0]

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self._record(report.nodeid, report.fspath, report.longrepr)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self._record(report.nodeid, report.location[0], report.longrepr)

    def _record(self, nodeid: str, path: str, longrepr: Any) -> None:
        crash = getattr(longrepr, "reprcrash", None)
        message = str(getattr(crash, "message", "") or longrepr or "")
        line = getattr(crash, "lineno", None)
        crash_path = str(getattr(crash, "path", "") or "")
        # The line is only useful when the failure happened in the test file itself.
        if line is not None and not crash_path.endswith(Path(path).name):
            line = None
        self.failures.append(Failure(nodeid, path, line, message, self.docs.get(nodeid, "")))

    def pytest_sessionfinish(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps([asdict(f) for f in self.failures], ensure_ascii=False, indent=1),
                             encoding="utf-8")


def check_gate_items(items: list[pytest.Item]) -> list[str]:
    """Gate tests that need more than Python: the gate must run on an editor's machine as it is."""
    return [item.nodeid for item in items if item.get_closest_marker(MARKER) is not None
            and any(item.get_closest_marker(name) is not None for name in EXTERNAL)]


# -- What an editor reads -----------------------------------------------------------------------


def read_report(path: Path) -> list[Failure]:
    """The failures written by the plugin (none when the file is missing or unreadable)."""
    try:
        return [Failure(**entry) for entry in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        return []


_PAGE = re.compile(r"\bdocs/[\w./-]+?\.md\b")
_EXPLANATION = re.compile(r"^(assert |where |and |\+|-|\?|At index|Full diff|Use -v|\s*$)")


def explanation(message: str) -> list[str]:
    """The message's own lines: « AssertionError: » and pytest's comparison details left out."""
    text = re.sub(r"^(AssertionError|[A-Za-z_.]*(Error|Exception)): ?", "", message.strip())
    lines: list[str] = []
    for line in text.splitlines():
        if lines and _EXPLANATION.match(line):
            break
        if line.startswith("assert "):
            break
        if line.strip():
            lines.append(line.strip())
    return lines


def page_of(failure: Failure, root: Path) -> str | None:
    """The file of docs/ the failure is about: named in its message, or in the test's parameter."""
    found = _PAGE.search(failure.message)
    if found:
        return found.group(0)
    param = re.search(r"\[(.+)\]$", failure.nodeid)
    # A page's address (« fiche-2/ », « note.en/ ») or name (« note-fr ») in the test's parameter.
    for token in re.findall(r"[\w.]+(?:-[\w.]+)*", param.group(1) if param else ""):
        parts = token.split("-")
        for end in range(len(parts), 0, -1):
            name = "-".join(parts[:end]) + ".md"
            if (root / "docs" / name).is_file():
                return f"docs/{name}"
    return None


def describe(failures: list[Failure], root: Path, log: str) -> str:
    """What failed, for an editor: one numbered block per failure, then what to do."""
    blocks = []
    for number, failure in enumerate(failures[:SHOWN_FAILURES], 1):
        page = page_of(failure, root)
        said = explanation(failure.message)
        head = f"  {number}. " + (f"Page {page} : " if page else "")
        if said and page and said[0].startswith(page):
            said[0] = said[0][len(page):].lstrip(" :")
        if said and _looks_french(" ".join(said)):
            first, *others = [textwrap.wrap(line, WIDTH, max_lines=WRAPPED_LINES, placeholder=" […]")
                              for line in said[:SHOWN_LINES]]
            head += first[0]
            rest = first[1:] + [("  " if index else "") + part for block in others
                                for index, part in enumerate(block)]
            if len(said) > SHOWN_LINES:
                rest.append("[…]")
        else:
            head += "une vérification échoue sans explication en français (détail dans le journal)."
            rest = []
        where = failure.path + (f", ligne {failure.line}" if failure.line else "")
        blocks.append("\n".join([head, *(f"     {line}" for line in rest), f"     (vérification : {where})"]))
    if len(failures) > SHOWN_FAILURES:
        blocks.append(f"  … et {len(failures) - SHOWN_FAILURES} autre(s), listée(s) dans le journal.")
    count = len(failures)
    return (f"{count} vérification{'s' if count > 1 else ''} de la publication "
            f"échoue{'nt' if count > 1 else ''} ; rien n'a été publié.\n\n" + "\n\n".join(blocks) + "\n\n"
            "  Corrigez ce qui est dit ci-dessus (make verifier aide pour les pages), enregistrez (git commit),\n"
            "  puis relancez la publication.\n"
            f"  Le détail complet est dans {log} : si un message ne suffit pas, "
            "transmettez ce fichier à l'équipe technique.")


_FRENCH = re.compile(r"[àâçéèêëîïôûùœ«»]|\b(le|la|les|des|une?|est|sont|pas|ne|du|au|aux|dans|sur)\b",
                     re.IGNORECASE)


def _looks_french(text: str) -> bool:
    return bool(_FRENCH.search(text))
