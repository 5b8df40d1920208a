"""tests/ordering.py: the modules run longest first, from the record of the last whole run."""

from __future__ import annotations

from pathlib import Path

from ordering import longest_first, recorded


def test_modules_come_longest_first_unknown_ones_before_and_each_keeps_its_order() -> None:
    nodeids = ["tests/a.py::one", "tests/a.py::two", "tests/b.py::one", "tests/c.py::one", "tests/c.py::two",
               "tests/new.py::one"]
    durations = {"tests/a.py": 3.0, "tests/b.py": 40.0, "tests/c.py": 12.5}
    ordered = [nodeids[index] for index in longest_first(nodeids, durations)]
    assert ordered == ["tests/new.py::one", "tests/b.py::one", "tests/c.py::one", "tests/c.py::two",
                       "tests/a.py::one", "tests/a.py::two"]
    assert longest_first(nodeids, {}) == list(range(len(nodeids)))


def test_a_missing_or_broken_record_orders_nothing(tmp_path: Path) -> None:
    assert recorded(tmp_path / "absent.json") == {}
    (tmp_path / "abime.json").write_text("{", encoding="utf-8")
    assert recorded(tmp_path / "abime.json") == {}
    (tmp_path / "liste.json").write_text("[1, 2]", encoding="utf-8")
    assert recorded(tmp_path / "liste.json") == {}
    (tmp_path / "bon.json").write_text('{"tests/a.py": 2.5, "tests/b.py": "x"}', encoding="utf-8")
    assert recorded(tmp_path / "bon.json") == {"tests/a.py": 2.5}
