"""Run a selection of tests several times in a row, stopping at the first failure.

    .venv/bin/python -m tools.repeat 20 tests/browser/
    .venv/bin/python -m tools.repeat 50 "tests/browser/test_rgaa.py::test_sticky_header_never_hides_the_focus[note-fr]"
    make repeter FOIS=20 TESTS=tests/browser/

A test that fails by chance shows itself here: the whole selection is run once, then again (the
order of a run kept from one run to the next, the built kit shared by all), up to N times, and the
first failure stops everything. pytest-repeat does the repeating (``--count N --repeat-scope
session -x``); this script says how many runs passed (« 20/20 réussis ») and how long each took.
What follows N goes to pytest as it is: the tests (``tests/browser/`` when none), ``-n 2`` for
both cores, ``-k``...
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass, field

import pytest


def duration(seconds: float) -> str:
    """« 2 min 05 s », « 4,2 s »."""
    if seconds < 60:
        return f"{seconds:.1f} s".replace(".", ",")
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


@dataclass
class Runs:
    """A pytest plugin that follows the runs: when each began, which one failed first.

    The run of a test is read from its id (pytest-repeat appends « -3-20] »), so that this also
    works under pytest-xdist, where only the reports reach this process.
    """

    count: int
    began: dict[int, float] = field(default_factory=dict)
    failed: tuple[int, str] | None = None
    tests: set[str] = field(default_factory=set)
    finished: float = 0.0

    def run_of(self, nodeid: str) -> int:
        """The run (1 to N) of a test, from its id."""
        found = re.search(rf"(\d+)-{self.count}\]$", nodeid) if self.count > 1 else None
        return int(found.group(1)) if found else 1

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        run = self.run_of(report.nodeid)
        self.tests.add(report.nodeid)
        if run not in self.began:
            self.began[run] = time.monotonic()
            if run - 1 in self.began:
                print(f"\n— passage {run - 1}/{self.count} réussi "
                      f"({duration(self.began[run] - self.began[run - 1])})", flush=True)
        if report.failed and self.failed is None:
            self.failed = (run, report.nodeid)

    def pytest_sessionfinish(self) -> None:
        self.finished = time.monotonic()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.repeat",
        description="Lance une sélection de tests N fois de suite et s'arrête au premier échec.")
    parser.add_argument("fois", type=int, help="nombre de passages (20 pour montrer qu'un test ne dépend pas du hasard)")
    parser.add_argument("pytest", nargs=argparse.REMAINDER,
                        help="tests à lancer et options de pytest, telles quelles (par défaut : tests/browser/)")
    args = parser.parse_args(argv)
    if args.fois < 1:
        parser.error("il faut au moins un passage")
    runs = Runs(args.fois)
    start = time.monotonic()
    # In a fixed order (no pytest-randomly if it is ever installed), stopped by the first failure.
    code = pytest.main([*(args.pytest or ["tests/browser/"]), "--count", str(args.fois),
                        "--repeat-scope", "session", "-x", "-p", "no:randomly"], plugins=[runs])
    total = time.monotonic() - start
    if not runs.tests or code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.NO_TESTS_COLLECTED):
        print(f"\nAucun test lancé (code {int(code)}) : vérifiez la sélection.", file=sys.stderr)
        return int(code) or 1
    if 1 in runs.began:
        # Until the first test's setup is over: what all the runs share (the kit's build, Chromium).
        print(f"\nAvant le premier test (construction du kit, navigateur…) : {duration(runs.began[1] - start)}")
    if runs.failed is not None:
        run, nodeid = runs.failed
        passed = run - 1
        print(f"\nÉchec au passage {run}/{args.fois} : {nodeid}")
    elif code != pytest.ExitCode.OK:
        passed = max(runs.began, default=1) - 1
        print(f"\nInterrompu au passage {passed + 1}/{args.fois} (code {int(code)})")
    else:
        passed = args.fois
        if args.fois in runs.began:
            print(f"\n— passage {args.fois}/{args.fois} réussi ({duration(runs.finished - runs.began[args.fois])})")
    print(f"{passed}/{args.fois} réussis, {len(runs.tests) // args.fois} tests par passage, en {duration(total)}")
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
