"""The README's test command on a fresh clone: install, first run, second run (--suite).

A fresh clone of this checkout's last commit is made in a temporary folder; its tools are installed
as a newcomer does (``make .venv/.installed-test node_modules/.installed``, pip's and npm's download
caches reused), then ``make test`` runs twice: once as on a machine that has never run the tests
(every cache of the tests empty), once with the caches the first run filled. Each step gives its
wall-clock time and the machine's processor time (read from /proc/stat: the machine should be doing
nothing else), and the ten slowest tests of the second run. The second run's processor time is set
against what the target gives (this machine's cores × 180 s: however the tests are shared out, no
more can be done in three minutes), and each folder of tests gets its share of the tests' seconds.

The same work takes longer on a slower machine: a fixed piece of pure Python, timed before the
runs (the « sonde »), tells how fast this machine is, so that two measures taken on different days
can be told apart from a change of the suite.
"""

from __future__ import annotations

import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from kit.french import elapsed
from kitdev.figures import ROOT, Timing, fr, size

# The suite's target: `make test` in under three minutes on the project's machine (2 cores).
TARGET_SECONDS = 180
INSTALL = ["make", ".venv/.installed-test", "node_modules/.installed"]
TEST = ["make", "test"]


def machine_busy() -> float:
    """Seconds the machine's processors have spent busy since it started (all cores, /proc/stat)."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def timed(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> tuple[Timing, int]:
    """Run ``command``, its output written to ``log``: its wall-clock and machine processor time, its exit code."""
    busy, start = machine_busy(), time.perf_counter()
    with log.open("w", encoding="utf-8") as output:
        code = subprocess.run(command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT,
                              check=False).returncode
    return Timing(time.perf_counter() - start, machine_busy() - busy), code


def probe(rounds: int = 5) -> float:
    """Median seconds of a fixed piece of pure Python (integer arithmetic, no allocation to speak of)."""
    def once() -> float:
        start = time.perf_counter()
        total = 0
        for number in range(2_000_000):
            total += number * number % 7
        return time.perf_counter() - start

    return statistics.median(once() for _ in range(rounds))


@dataclass(frozen=True)
class Outcome:
    """What pytest's JUnit report says of a run: counts, and each test's seconds (setup, call, teardown)."""

    passed: int
    failed: int
    skipped: int
    seconds: dict[str, float]

    def slowest(self, count: int = 10) -> list[tuple[str, float]]:
        return sorted(self.seconds.items(), key=lambda item: (-item[1], item[0]))[:count]


def node_id(classname: str, name: str) -> str:
    """pytest's id of a test from its JUnit names: « tests.browser.test_a11y » → « tests/browser/test_a11y.py »."""
    parts = classname.split(".") if classname else []
    classes: list[str] = []
    while parts and parts[-1][:1].isupper():  # a test class, not a module
        classes.insert(0, parts.pop())
    return "::".join([f"{'/'.join(parts)}.py"] * bool(parts) + classes + [name])


def read_junit(path: Path) -> Outcome:
    """The counts and durations of a JUnit report written by ``pytest --junitxml``."""
    seconds: dict[str, float] = {}
    failed: set[str] = set()
    skipped: set[str] = set()
    for case in ET.parse(path).getroot().iter("testcase"):
        # A test may have two entries (a failed call, then an error at teardown): counted once.
        name = node_id(case.get("classname") or "", case.get("name") or "")
        seconds[name] = seconds.get(name, 0.0) + float(case.get("time") or 0)
        if case.find("failure") is not None or case.find("error") is not None:
            failed.add(name)
        elif case.find("skipped") is not None:
            skipped.add(name)
    skipped -= failed
    return Outcome(len(seconds) - len(failed) - len(skipped), len(failed), len(skipped), seconds)


@dataclass(frozen=True)
class Run:
    timing: Timing
    outcome: Outcome
    returncode: int


def run_tests(checkout: Path, report: Path, env: dict[str, str], log: Path) -> Run:
    """``make test`` in ``checkout``, its JUnit report in ``report`` and its output in ``log``."""
    env = {**env, "PYTEST_ADDOPTS": f"{env.get('PYTEST_ADDOPTS', '')} --junitxml={report}".strip()}
    timing, code = timed(TEST, checkout, env, log)
    outcome = read_junit(report) if report.is_file() else Outcome(0, 0, 0, {})
    return Run(timing, outcome, code)


def seconds_and_cpu(timing: Timing) -> str:
    return f"{elapsed(timing.wall)} ({fr(timing.wall, 1)} s ; {fr(timing.cpu, 1)} s de processeur)"


def counts(outcome: Outcome) -> str:
    said = [f"{size(outcome.passed)} réussis"]
    if outcome.failed:
        said.append(f"{size(outcome.failed)} en échec")
    if outcome.skipped:
        said.append(f"{size(outcome.skipped)} ignoré{'s' if outcome.skipped > 1 else ''}")
    return ", ".join(said)


def verdict(wall: float) -> str:
    if wall < TARGET_SECONDS:
        return f"atteint ({elapsed(TARGET_SECONDS - wall)} de marge)"
    return f"manqué de {elapsed(wall - TARGET_SECONDS)}"


def budget(cpu: float, cores: int) -> str:
    """What the target leaves of processor time, against what a run needed.

    However the tests are shared out, ``cores`` processors give at most ``cores`` × 180 s of
    processor time in three minutes: a run that needs more cannot meet the target on this machine.
    """
    given = cores * TARGET_SECONDS
    said = (f"  processeur : le deuxième passage en a demandé {fr(cpu, 0)} s ; en {TARGET_SECONDS // 60} min, "
            f"{cores} cœurs en donnent {size(given)} s au plus")
    if cpu <= given:
        return f"{said} : l'objectif tient dans ce que la machine donne"
    # Rounded up: a run just over the budget still has to ask for 1 % less, never « 0 % ».
    return f"{said} : il faudrait en demander {math.ceil(100 * (cpu - given) / cpu)} % de moins"


def shares(outcome: Outcome) -> list[tuple[str, float]]:
    """Each folder of tests (« tests/browser », « tests ») and its share of the tests' summed seconds."""
    total: dict[str, float] = {}
    for name, seconds in outcome.seconds.items():
        folder = name.split("::")[0].rpartition("/")[0] or "."
        total[folder] = total.get(folder, 0.0) + seconds
    whole = sum(total.values()) or 1.0
    return sorted(((folder, seconds / whole) for folder, seconds in total.items()), key=lambda item: (-item[1], item[0]))


def report(commit: str, sonde: float, install: Timing, first: Run, second: Run, cores: int | None = None) -> str:
    """The figures, in French, as the bench prints them (``cores``: this machine's, unless given)."""
    cores = cores if cores is not None else len(os.sched_getaffinity(0))
    lines = [
        f"Suite de tests d'un clone neuf de {commit} ({cores} cœurs)",
        f"  sonde de la machine : {fr(sonde, 3)} s (boucle Python fixe, médiane de 5 ; plus petit = plus rapide)",
        f"  installation ({' '.join(INSTALL)}) : {seconds_and_cpu(install)}",
        f"  make test, premier passage (caches des tests vides) : {seconds_and_cpu(first.timing)}, "
        f"{counts(first.outcome)}",
        f"  make test, deuxième passage (caches remplis) : {seconds_and_cpu(second.timing)}, "
        f"{counts(second.outcome)}",
        f"  objectif : make test en moins de {TARGET_SECONDS // 60} min : premier passage "
        f"{verdict(first.timing.wall)}, deuxième passage {verdict(second.timing.wall)}",
        budget(second.timing.cpu, cores),
        "  part de chaque dossier dans la durée des tests du deuxième passage : "
        + " ; ".join(f"{folder} {round(100 * share)} %" for folder, share in shares(second.outcome)),
        "Les dix tests les plus longs du deuxième passage (préparation, test et nettoyage, en secondes) :",
    ]
    lines += [f"  {fr(seconds, 1):>6}  {name}" for name, seconds in second.outcome.slowest()]
    return "\n".join(lines)


def failed(what: str, log: Path) -> int:
    """Say which step failed and keep its output (the clone is removed) in .cache/bench/."""
    kept = ROOT / ".cache" / "bench" / log.name
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(log, kept)
    print(f"{what} : sa sortie est dans {kept.relative_to(ROOT)}.", file=sys.stderr)
    return 1


def main_suite() -> int:
    """Clone, install, run the suite twice, print the figures; non-zero when a step failed."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.strip()
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER", "PYTEST_CURRENT_TEST", "VIRTUAL_ENV")}
    print("… sonde de la machine", file=sys.stderr, flush=True)
    sonde = probe()
    with tempfile.TemporaryDirectory(prefix="kit-bench-suite-") as tmp:
        checkout = Path(tmp) / "kit"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(checkout)], check=True)
        print(f"… installation dans un clone neuf de {commit}", file=sys.stderr, flush=True)
        log = Path(tmp) / "installation.log"
        install, code = timed(INSTALL, checkout, env, log)
        if code != 0:
            return failed(f"L'installation ({' '.join(INSTALL)}) a échoué", log)
        runs = []
        for number in (1, 2):
            print(f"… make test, passage {number} sur 2", file=sys.stderr, flush=True)
            log = Path(tmp) / f"make-test-{number}.log"
            runs.append(run_tests(checkout, Path(tmp) / f"junit-{number}.xml", env, log))
            if runs[-1].returncode != 0:
                return failed(f"make test a échoué au passage {number}", log)
    print(report(commit, sonde, install, runs[0], runs[1]))
    return 0
