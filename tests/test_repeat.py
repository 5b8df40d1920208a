"""tools/kitdev/repeat.py: a selection run N times in a row, stopped at the first failure, counted in French."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def repeat(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run([sys.executable, "-m", "kitdev.repeat", *args, "-p", "no:cacheprovider"], cwd=project,
                          env=env, capture_output=True, text=True, check=False)


def test_a_selection_from_two_folders_is_run_n_times(tmp_path: Path) -> None:
    # Two folders, one with a conftest of its own: pytest then calls the hooks of a subset of its plugins.
    (tmp_path / "un").mkdir()
    (tmp_path / "un" / "conftest.py").write_text("import pytest\n\n\n@pytest.fixture\ndef valeur():\n    return 1\n")
    (tmp_path / "un" / "test_un.py").write_text("def test_un(valeur):\n    assert valeur == 1\n")
    (tmp_path / "deux").mkdir()
    (tmp_path / "deux" / "test_deux.py").write_text("def test_deux():\n    assert True\n")
    result = repeat(tmp_path, "3", "un", "deux", "-q")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "INTERNALERROR" not in result.stdout + result.stderr
    # The last line says how long it took, whatever the machine's speed (kit.french.elapsed).
    last = result.stdout.rstrip().splitlines()[-1]
    assert re.fullmatch(r"3/3 réussis, 2 tests par passage, en (moins d'une seconde|\d+ s|\d+ min \d\d s)", last), last


def test_the_first_failure_stops_the_runs(tmp_path: Path) -> None:
    (tmp_path / "test_rouge.py").write_text("import pytest\n\n\ndef test_rouge(request):\n"
                                            "    assert '2-3' not in request.node.name\n")
    result = repeat(tmp_path, "3", "test_rouge.py", "-q")
    assert result.returncode == 1
    assert "Échec au passage 2/3" in result.stdout and "1/3 réussis" in result.stdout
