"""How ``make test`` shares the modules among its workers: one worker more than the cores (conftest.py), the
modules handed out longest first, from the record of the last whole run (tests/ordering.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import pytest_xdist_auto_num_workers
from ordering import guessed, longest_first, recorded


def test_modules_come_longest_first_unknown_ones_before_and_each_keeps_its_order() -> None:
    nodeids = ["tests/a.py::one", "tests/a.py::two", "tests/b.py::one", "tests/c.py::one", "tests/c.py::two",
               "tests/new.py::one"]
    durations = {"tests/a.py": 3.0, "tests/b.py": 40.0, "tests/c.py": 12.5}
    ordered = [nodeids[index] for index in longest_first(nodeids, durations)]
    assert ordered == ["tests/new.py::one", "tests/b.py::one", "tests/c.py::one", "tests/c.py::two",
                       "tests/a.py::one", "tests/a.py::two"]
    assert longest_first(nodeids, {}) == list(range(len(nodeids)))


def test_without_a_record_the_slow_modules_come_first_then_the_most_tests() -> None:
    nodeids = ["tests/a.py::one", "tests/b.py::one", "tests/b.py::two", "tests/b.py::three", "tests/slow.py::one",
               "tests/c.py::one", "tests/c.py::two"]
    weights = guessed(nodeids, {"tests/slow.py"})
    assert [nodeids[index] for index in longest_first(nodeids, weights)] == [
        "tests/slow.py::one", "tests/b.py::one", "tests/b.py::two", "tests/b.py::three", "tests/c.py::one",
        "tests/c.py::two", "tests/a.py::one"]


def test_a_missing_or_broken_record_reads_as_empty(tmp_path: Path) -> None:
    assert recorded(tmp_path / "absent.json") == {}
    (tmp_path / "abime.json").write_text("{", encoding="utf-8")
    assert recorded(tmp_path / "abime.json") == {}
    (tmp_path / "liste.json").write_text("[1, 2]", encoding="utf-8")
    assert recorded(tmp_path / "liste.json") == {}
    (tmp_path / "bon.json").write_text('{"tests/a.py": 2.5, "tests/b.py": "x"}', encoding="utf-8")
    assert recorded(tmp_path / "bon.json") == {"tests/a.py": 2.5}


@pytest.mark.parametrize(("record", "expected"), [
    ('{"test_long.py": 30.0, "test_moyen.py": 5.0, "test_court.py": 1.0, "test_slow.py": 0.5}',
     ["test_long.py", "test_moyen.py", "test_court.py", "test_slow.py"]),
    (None, ["test_slow.py", "test_court.py", "test_moyen.py", "test_long.py"]),
], ids=["record", "no-record"])
def test_xdist_hands_the_modules_out_in_the_plugins_order(tmp_path: Path, record: str | None,
                                                           expected: list[str]) -> None:
    """With one worker, the order the modules run in is the order xdist hands them out: the record's, longest
    first; without one, the slow modules first, then the most tests (never xdist's own sort)."""
    for name, tests in (("test_court", 3), ("test_long", 1), ("test_moyen", 2), ("test_slow", 1)):
        marker = "import pytest\n\npytestmark = pytest.mark.slow\n\n" if name == "test_slow" else ""
        (tmp_path / f"{name}.py").write_text(marker + "".join(f"def test_{n}():\n    pass\n" for n in range(tests)),
                                              encoding="utf-8")
    durations = tmp_path / "durees.json"
    if record is not None:
        durations.write_text(record, encoding="utf-8")
    (tmp_path / "conftest.py").write_text(
        "from pathlib import Path\nfrom ordering import LongestFirst\n\n"
        "def pytest_configure(config):\n"
        "    config.addinivalue_line('markers', 'slow: long')\n"
        f"    config.pluginmanager.register(LongestFirst(config, Path({str(durations)!r})), 'kit-longest-first')\n",
        encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pytest", "-n", "1", "--dist", "loadfile", "-v", "-p",
                             "no:cacheprovider", "-c", os.devnull, "--rootdir", str(tmp_path), str(tmp_path)],
                            cwd=tmp_path, capture_output=True, text=True, check=False,
                            env={**{k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"},
                                 "PYTHONPATH": str(Path(__file__).parent)})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    modules = [line.split("PASSED ", 1)[1].split("::")[0] for line in result.stdout.splitlines() if "PASSED " in line]
    assert list(dict.fromkeys(modules)) == expected, result.stdout


def test_auto_gives_one_worker_more_than_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTEST_XDIST_AUTO_NUM_WORKERS", raising=False)
    assert pytest_xdist_auto_num_workers(None) == len(os.sched_getaffinity(0)) + 1  # type: ignore[arg-type]
    monkeypatch.setenv("PYTEST_XDIST_AUTO_NUM_WORKERS", "5")
    assert pytest_xdist_auto_num_workers(None) is None  # type: ignore[arg-type]  # xdist's own hook reads it
