"""Run a selection of tests several times in a row, stopping at the first failure.

    .venv/bin/python -m kitdev.repeat 20 tests/browser/
    .venv/bin/python -m kitdev.repeat 50 "tests/browser/test_rgaa.py::test_sticky_header_never_hides_the_focus[note-fr]"
    make repeter FOIS=20 TESTS=tests/browser/

A test that fails by chance shows itself here: the whole selection is run once, then again (the
order of a run kept from one run to the next, the built kit shared by all), up to N times, and the
first failure stops everything. pytest-repeat does the repeating (``--count N --repeat-scope
session -x``); this script says when each run was over and how many passed (« 20/20 réussis »).
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

from kit.french import elapsed


@dataclass(eq=False)  # hashed by identity, as pluggy needs a plugin to be (a dataclass's __eq__ drops __hash__)
class Runs:
    """A pytest plugin that follows the runs: when each one was over, which one failed first.

    The run of a test is read from its id (pytest-repeat appends « -3-20] »), and a run is over
    once each of its tests has been torn down: under pytest-xdist too, where only the reports
    reach this process and a worker may start the next run while the other ends this one.
    """

    count: int
    per_run: int = 0
    done: dict[int, int] = field(default_factory=dict)
    over: dict[int, float] = field(default_factory=dict)
    failed: tuple[int, str] | None = None
    started: float = field(default_factory=time.monotonic)

    def run_of(self, nodeid: str) -> int:
        """The run (1 to N) of a test, from its id."""
        found = re.search(rf"(\d+)-{self.count}\]$", nodeid) if self.count > 1 else None
        return int(found.group(1)) if found else 1

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if session.items:
            self.per_run = len(session.items) // self.count

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: object, ids: list[str]) -> None:
        self.per_run = len(ids) // self.count

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        run = self.run_of(report.nodeid)
        if report.failed and self.failed is None:
            self.failed = (run, report.nodeid)
        if report.when != "teardown":
            return
        self.done[run] = self.done.get(run, 0) + 1
        if self.done[run] == self.per_run and (self.failed is None or run < self.failed[0]):
            self.over[run] = time.monotonic()
            print(f"\n— passage {run}/{self.count} réussi, à {elapsed(self.over[run] - self.started)} du début",
                  flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kitdev.repeat",
        description="Lance une sélection de tests N fois de suite et s'arrête au premier échec.")
    parser.add_argument("fois", type=int, help="nombre de passages (20 pour montrer qu'un test ne dépend pas du hasard)")
    parser.add_argument("pytest", nargs=argparse.REMAINDER,
                        help="tests à lancer et options de pytest, telles quelles (par défaut : tests/browser/)")
    args = parser.parse_args(argv)
    if args.fois < 1:
        parser.error("il faut au moins un passage")
    runs = Runs(args.fois)
    # In a fixed order (no pytest-randomly if it is ever installed), stopped by the first failure.
    code = pytest.main([*(args.pytest or ["tests/browser/"]), "--count", str(args.fois),
                        "--repeat-scope", "session", "-x", "-p", "no:randomly"], plugins=[runs])
    total = time.monotonic() - runs.started
    if not runs.per_run or code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.NO_TESTS_COLLECTED):
        print(f"\nAucun test lancé (code {int(code)}) : vérifiez la sélection.", file=sys.stderr)
        return int(code) or 1
    # A run counts once all its tests have passed; under xdist, runs overlap.
    passed = sum(1 for run in runs.over if runs.failed is None or run < runs.failed[0])
    if runs.failed is not None:
        print(f"\nÉchec au passage {runs.failed[0]}/{args.fois} : {runs.failed[1]}")
    elif code != pytest.ExitCode.OK:
        print(f"\nInterrompu (code {int(code)})")
    print(f"{passed}/{args.fois} réussis, {runs.per_run} tests par passage, en {elapsed(total)}")
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
