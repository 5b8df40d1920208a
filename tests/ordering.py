"""The test modules in the order of their last durations, longest first, so that the run's workers end together.

pytest-xdist (``make test``: ``--dist loadfile``) hands the modules out one by one, each to the
next free worker: a long module handed out last keeps one worker busy while the others wait. The
whole suite's run records how long each module took (setup, call and teardown of its tests) in
``.cache/tests/durees.json``; the next run collects the modules longest first, and xdist hands them
out in that order (by default it would sort them again, by their number of tests); a module not yet
recorded comes first. Without a record (a fresh clone's first run), the modules marked ``slow``
(many seconds: they publish, read the largest files, walk every page in Chromium, type-check every
module from scratch) come first, then the others by their number of tests, as xdist would hand
them out. Only the order changes: every test still runs.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from kit.store import write_atomic

RECORD = Path(__file__).resolve().parents[1] / ".cache" / "tests" / "durees.json"


def _module(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def recorded(record: Path = RECORD) -> dict[str, float]:
    """Each module's last duration in seconds; empty without a readable record."""
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(name): float(seconds) for name, seconds in data.items() if isinstance(seconds, (int, float))}


def longest_first(nodeids: list[str], durations: dict[str, float]) -> list[int]:
    """The positions of ``nodeids`` reordered: modules by decreasing duration, unknown ones first, each
    module's tests in their own order."""
    unknown = max(durations.values(), default=0.0) + 1
    return sorted(range(len(nodeids)), key=lambda index: -durations.get(_module(nodeids[index]), unknown))


def guessed(nodeids: list[str], slow: set[str]) -> dict[str, float]:
    """Without a record, a weight for each module in place of its duration: its number of tests, and
    the modules of ``slow`` before every other."""
    counts = Counter(_module(nodeid) for nodeid in nodeids)
    heaviest = max(counts.values(), default=0)
    return {module: count + (heaviest if module in slow else 0) for module, count in counts.items()}


class LongestFirst:
    """The plugin: orders the collected tests, and records the whole suite's durations by module."""

    def __init__(self, config: pytest.Config, record: Path = RECORD) -> None:
        self.config = config
        self.record = record
        self.totals: Counter[str] = Counter()

    def pytest_configure(self, config: pytest.Config) -> None:
        # xdist's scheduler sorts the modules by their number of tests unless told to keep the collection's order.
        if hasattr(config.option, "loadscopereorder"):
            config.option.loadscopereorder = False

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        nodeids = [item.nodeid for item in items]
        durations = recorded(self.record) or guessed(
            nodeids, {_module(item.nodeid) for item in items if item.get_closest_marker("slow")})
        order = longest_first(nodeids, durations)
        items[:] = [items[index] for index in order]

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # Under xdist the workers' reports reach the controller through this same hook.
        self.totals[_module(report.nodeid)] += report.duration

    def whole_suite(self) -> bool:
        """The run ``make test`` makes: every test module, no selection (only such a run is recorded)."""
        option = self.config.option
        return (self.config.args_source == pytest.Config.ArgsSource.TESTPATHS and not option.keyword
                and not option.markexpr and "PYTEST_XDIST_WORKER" not in os.environ)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not self.totals or not self.whole_suite() or session.testsfailed:
            return
        self.record.parent.mkdir(parents=True, exist_ok=True)
        data = {name: round(seconds, 1) for name, seconds in sorted(self.totals.items(), key=lambda kv: -kv[1])}
        write_atomic(self.record, json.dumps(data, indent=0, ensure_ascii=False).encode("utf-8"), durable=False)
