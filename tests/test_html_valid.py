"""Valid HTML (RGAA 8.2): the W3C Nu checker finds no error on any kind of page, in either language.

The checker is npm's ``vnu-jar`` (installed into node_modules/ by ``make test``)
and runs on Java. It takes seconds to start: it is run once, on every page
type of the build at the same time, plus one page broken on purpose so that a
checker that reports nothing is caught too.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from browser.pagetypes import PAGE_TYPES

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA_HELP = (
    "Java est introuvable : le validateur HTML du W3C (vnu.jar) en a besoin. "
    "Sous Debian ou Ubuntu : « sudo apt-get install default-jre-headless » "
    "(le script .ci/run l'installe sur les machines d'intégration)."
)
# A run of a few seconds: the JVM's quick compiler alone (its optimising one costs more than it saves here:
# 1.7 s of processor time instead of 3.5 s on 40 pages, the same messages), whose larger frames want a
# deeper stack than the checker's 512 Kio, and one garbage-collector thread.
JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1", "-Xss8m", "-XX:+UseSerialGC"]
# What the theme wrote before it was fixed, kept as a canary: the checker must flag it.
BROKEN = '<label class="md-nav__link" for="x" tabindex="">Menu</label>'


def nu_errors(files: list[Path]) -> dict[str, list[str]]:
    """Run the Nu checker once on ``files``; its errors, per file path."""
    java = shutil.which("java")
    if java is None:
        pytest.fail(JAVA_HELP)
    if not VNU_JAR.is_file():
        pytest.fail(f"{VNU_JAR.relative_to(ROOT)} est absent : « make test » l'installe depuis npm (npm ci).")
    result = subprocess.run(
        [java, *JAVA_OPTIONS, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout", *map(str, files)],
        capture_output=True, text=True, check=False,
    )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"réponse illisible du validateur (code {result.returncode}) : {result.stderr[-2000:]}")
    errors: dict[str, list[str]] = {}
    for message in messages:
        if message.get("type") != "error":
            continue
        path = message.get("url", "").removeprefix("file:")
        where = f"ligne {message['lastLine']} : " if "lastLine" in message else ""
        errors.setdefault(path, []).append(f"{where}{message['message']} — {message.get('extract', '').strip()[:120]}")
    return errors


def test_every_page_type_is_valid_html(site: Path, tmp_path: Path) -> None:
    pages: dict[str, Path] = {}
    missing = []
    for page_type in PAGE_TYPES:
        url = page_type.find(site)
        if url is None:
            missing.append(page_type.id)
            continue
        pages[page_type.id] = site / url / "index.html"
    assert not missing, f"types de page absents du site : {missing}"
    pages["404"] = site / "404.html"
    canary = tmp_path / "casse.html"
    home = (site / "index.html").read_text(encoding="utf-8")
    canary.write_text(home.replace("</body>", BROKEN + "</body>"), encoding="utf-8")

    errors = nu_errors([*pages.values(), canary])

    assert str(canary) in errors, "le validateur ne signale pas une page fausse : il ne vérifie rien"
    found = {page_id: errors[str(path)] for page_id, path in pages.items() if str(path) in errors}
    report = "\n".join(f"- {page_id} ({pages[page_id].relative_to(site)}) : {len(lines)} erreurs\n    "
                       + "\n    ".join(lines[:8]) for page_id, lines in found.items())
    assert not found, f"le validateur HTML du W3C signale des erreurs :\n{report}"
