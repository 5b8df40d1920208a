"""Where the project's files live."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS_DIR = ROOT / "docs"
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
INCLUDES_DIR = ROOT / "includes"
