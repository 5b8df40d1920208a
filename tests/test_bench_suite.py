"""The suite's benchmark (``python -m kitdev.bench --suite``): what it reads of a run and what it prints."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from kitdev.bench_suite import TARGET_SECONDS, Outcome, Run, budget, node_id, read_junit, report, shares, timed
from kitdev.figures import Timing

ROOT = Path(__file__).resolve().parents[1]

SAMPLE = '''
import pytest

def test_passes():
    assert True

def test_fails():
    assert 1 == 2

@pytest.mark.skip(reason="pas ici")
def test_skipped():
    pass

@pytest.fixture
def breaks_at_teardown():
    yield
    raise RuntimeError("nettoyage")

def test_fails_then_breaks(breaks_at_teardown):
    assert 1 == 2

class TestGroup:
    @pytest.mark.parametrize("value", [1, 2])
    def test_in_a_class(self, value):
        assert value
'''


def test_a_real_pytest_report_is_read_whole(tmp_path: Path) -> None:
    module = tmp_path / "tests" / "test_echantillon.py"
    module.parent.mkdir()
    module.write_text(SAMPLE, encoding="utf-8")
    report_file = tmp_path / "junit.xml"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider",
                    "-p", "no:randomly", f"--junitxml={report_file}", "--rootdir", str(tmp_path),
                    "-c", "/dev/null", "tests/test_echantillon.py"],
                   cwd=tmp_path, capture_output=True, text=True, check=False)
    outcome = read_junit(report_file)
    assert (outcome.passed, outcome.failed, outcome.skipped) == (3, 2, 1)
    assert set(outcome.seconds) == {
        "tests/test_echantillon.py::test_passes", "tests/test_echantillon.py::test_fails",
        "tests/test_echantillon.py::test_skipped", "tests/test_echantillon.py::test_fails_then_breaks",
        "tests/test_echantillon.py::TestGroup::test_in_a_class[1]",
        "tests/test_echantillon.py::TestGroup::test_in_a_class[2]",
    }


def test_node_ids_are_pytests_own() -> None:
    assert node_id("tests.browser.test_a11y", "test_x[a]") == "tests/browser/test_a11y.py::test_x[a]"
    assert node_id("tests.test_b.TestC", "test_d") == "tests/test_b.py::TestC::test_d"
    assert node_id("", "test_e") == "test_e"


def test_the_slowest_come_first_and_are_ten() -> None:
    seconds = {f"tests/test_m.py::test_{n}": float(n % 13) for n in range(30)}
    slowest = Outcome(30, 0, 0, seconds).slowest()
    assert len(slowest) == 10
    assert [s for _, s in slowest] == sorted(seconds.values(), reverse=True)[:10]


def test_the_report_gives_every_figure_in_french() -> None:
    seconds = {"tests/test_a.py::test_lent": 42.5, "tests/test_b.py::test_rapide": 0.4}
    first = Run(Timing(TARGET_SECONDS + 65.2, 400.0), Outcome(1271, 0, 1, seconds), 0)
    second = Run(Timing(TARGET_SECONDS - 12.0, 350.5), Outcome(1271, 0, 1, seconds), 0)
    text = report("abc1234", 0.3312, Timing(26.4, 19.3), first, second, cores=2)
    assert "clone neuf de abc1234 (2 cœurs)" in text
    assert "sonde de la machine : 0,331 s" in text
    assert "installation (make .venv/.installed-test node_modules/.installed) : 26 s (26,4 s ; 19,3 s de processeur)" in text
    assert "premier passage (caches des tests vides) : 4 min 05 s (245,2 s ; 400,0 s de processeur), " \
           "1\u202f271 réussis, 1 ignoré" in text
    assert "premier passage manqué de 1 min 05 s, deuxième passage atteint (12 s de marge)" in text
    assert "le deuxième passage en a demandé 350 s ; en 3 min, 2 cœurs en donnent 360 s au plus : " \
           "l'objectif tient dans ce que la machine donne" in text
    assert "part de chaque dossier dans la durée des tests du deuxième passage : tests 100 %" in text
    slow = text.splitlines()[-2:]
    assert slow[0].split() == ["42,5", "tests/test_a.py::test_lent"]
    assert slow[1].split() == ["0,4", "tests/test_b.py::test_rapide"]
    english = re.compile(r"\b(passed|failed|skipped|seconds|target|install)\b")
    assert not english.search(text.replace("make .venv/.installed-test", "")), text


def test_the_budget_says_how_much_work_the_target_leaves() -> None:
    """Two cores give 360 s of processor time in three minutes: a run that needed 720 s is twice too much."""
    assert budget(720.0, 2).endswith("2 cœurs en donnent 360 s au plus : il faudrait en demander 50 % de moins")
    assert budget(360.0, 2).endswith("l'objectif tient dans ce que la machine donne")
    assert "4 cœurs en donnent 720 s" in budget(720.0, 4)
    # Just over: still some work to take out, never « 0 % de moins ».
    assert budget(361.0, 2).endswith("il faudrait en demander 1 % de moins")


def test_each_folder_gets_its_share_of_the_tests_seconds() -> None:
    seconds = {"tests/browser/test_a.py::test_x": 30.0, "tests/browser/test_b.py::test_y": 10.0,
               "tests/test_c.py::test_z": 60.0, "test_seul": 0.0}
    assert shares(Outcome(4, 0, 0, seconds)) == [("tests", 0.6), ("tests/browser", 0.4), (".", 0.0)]


def test_a_step_keeps_its_output_and_exit_code(tmp_path: Path) -> None:
    log = tmp_path / "etape.log"
    timing, code = timed(["sh", "-c", "echo sortie; echo erreur >&2; exit 3"], tmp_path, {"PATH": "/usr/bin:/bin"}, log)
    assert code == 3
    assert log.read_text(encoding="utf-8").split() == ["sortie", "erreur"]
    assert timing.wall > 0 and timing.cpu >= 0


def test_the_bench_offers_the_suite() -> None:
    result = subprocess.run([sys.executable, "-m", "kitdev.bench", "--help"], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert "--suite" in result.stdout
