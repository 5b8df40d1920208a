"""mypy over the kit's code (pyproject.toml's ``[tool.mypy]``: src, tools, scripts), as one of the tests.

``make test`` runs ruff first (a tenth of a second) and mypy here, among the tests: in a fresh
checkout mypy's first run reads every typed package from scratch (seconds), which the test
workers share instead of waiting for it; later runs read its cache (``.mypy_cache``).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


def test_mypy_finds_no_type_error() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, ("mypy signale des erreurs de types (réglages : pyproject.toml, [tool.mypy]) :\n"
                                    + result.stdout + result.stderr)
    assert "Success: no issues found" in result.stdout, result.stdout
