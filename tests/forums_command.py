"""scripts/forums.py run two ways, with one signature and one result: in the test process, or as its own process.

:func:`as_process` starts ``python scripts/forums.py …`` as an editor does: the interpreter starts and
imports the kit each time (0.3 to 1 s). :func:`in_process` calls the script's ``main(argv)`` in the test
process and gives the same :class:`subprocess.CompletedProcess`:

- ``returncode``: ``main``'s return value, or the code of the ``SystemExit`` it raised (argparse's usage
  errors exit with 2), turned into an exit status as the interpreter does; an uncaught exception prints its
  traceback on stderr and gives 1, as the interpreter does;
- ``stdout`` and ``stderr``: exactly what the script wrote, encoded as a child's pipes encode it (the
  locale's encoding; stderr with ``backslashreplace``) and decoded as ``subprocess.run(text=True)`` decodes
  it (universal newlines). ``sys.stdout.buffer`` is there (``export`` writes bytes to it); stdin is empty;
- the working folder (``cwd``) and the environment: ``env`` added to this process's, FORUMS_CSV removed
  unless ``env`` gives it, as :func:`as_process` does; ``sys.argv`` as the interpreter sets it.

What one run in this process could leave to the next, or find left by the tests, and how each is kept out:

- the script's module: loaded once (``PROJECT``, and argparse made French); its globals are compared
  after each run, and a run that rebinds one fails;
- argparse: the script makes it speak French for the whole process it runs in (``argparse_fr.install``
  rebinds ``argparse._`` and ``argparse.ngettext``); they are French during a run and put back after it,
  as after loading the script. Usage lines are wrapped at 80 columns, as in a child whose stdout is a
  pipe (COLUMNS set for the run unless the environment gives it); argparse's ``exit`` is the
  ``SystemExit`` above;
- ``sys.stdin``, ``sys.stdout``, ``sys.stderr``, ``sys.argv``, the working folder and the environment:
  set for the run, put back after it (``pytest.MonkeyPatch``);
- warnings: pytest records them and turns them into errors (``filterwarnings = error``); during a run
  they follow Python's default filters and are printed on the run's stderr, as in the script's process;
- logging: a library's warning reaches stderr through Python's « last resort » only when the root
  logger has no handler; pytest's handlers are taken off the root logger for the run;
- ``csv.field_size_limit``, process-wide: Python's default during the run (``check`` reports a cell over
  it in French), then put back;
- the locale: put back after the run (the kit sets none);
- xlrd writes its own messages to the ``sys.stdout`` of the moment it was imported: the run's stdout
  instead, during the run;
- caches: the kit's ``lru_cache``s keyed by a path hold data/reference only (the départements and
  communes of 2009), which no test rewrites; a calendar, a received file and data/campagne.toml are read
  again at each run, so a file rewritten between two runs is seen anew
  (``tests/test_forums_command.py`` checks it).

A thread of this process that writes to sys.stdout, or opens a relative path, during a run would see the
run's streams and folder: the modules that use :func:`in_process` start no thread.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import locale
import logging
import os
import subprocess
import sys
import traceback
import types
import warnings
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Protocol

import pytest
import xlrd  # imported here, before any run: its default log is the sys.stdout of its import

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "forums.py"
# Python's own csv field limit (_csv.c), the one a new process starts with.
CSV_FIELD_LIMIT = 128 * 1024
# The width argparse wraps at when stdout is not a terminal (shutil.get_terminal_size's fallback).
PIPE_COLUMNS = "80"
# Python's default warning filters (no -W option, no PYTHONWARNINGS, a release build), most recent first.
DEFAULT_WARNING_FILTERS = [
    ("default", None, DeprecationWarning, "__main__", 0),
    ("ignore", None, DeprecationWarning, None, 0),
    ("ignore", None, PendingDeprecationWarning, None, 0),
    ("ignore", None, ImportWarning, None, 0),
    ("ignore", None, ResourceWarning, None, 0),
]


class ForumsRun(Protocol):
    """The signature :func:`in_process` and :func:`as_process` share."""

    def __call__(self, *args: str, cwd: Path | None = None,
                 env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]: ...


def as_process(*args: str, cwd: Path | None = None,
               env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python scripts/forums.py ARGS`` started by this interpreter, in ``cwd``, without FORUMS_CSV unless ``env``."""
    full_env = {k: v for k, v in os.environ.items() if k != "FORUMS_CSV"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True,
                          env=full_env, check=False)


def in_process(*args: str, cwd: Path | None = None,
               env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``main(ARGS)`` of scripts/forums.py in this process, observed as :func:`as_process` observes the script."""
    script = _script()
    before = _globals(script)
    encoding = locale.getpreferredencoding(False)
    stdout = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="strict")
    stderr = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="backslashreplace")
    stdin = io.TextIOWrapper(io.BytesIO(), encoding=encoding)
    saved_locale = locale.setlocale(locale.LC_ALL)
    saved_field_limit = csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings():
            if cwd is not None:
                patch.chdir(cwd)
            patch.delenv("FORUMS_CSV", raising=False)
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            if "COLUMNS" not in os.environ:
                patch.setenv("COLUMNS", PIPE_COLUMNS)
            patch.setattr(sys, "argv", [str(SCRIPT), *args])
            patch.setattr(sys, "stdin", stdin)
            patch.setattr(sys, "stdout", stdout)
            patch.setattr(sys, "stderr", stderr)
            patch.setattr(logging.root, "handlers", [])
            _french_argparse(patch)
            _xlrd_log_to(stdout, patch)
            warnings.filters[:] = DEFAULT_WARNING_FILTERS
            patch.setattr(warnings, "showwarning", _show_warning)
            returncode = _run(script.main, list(args))
            stdout.flush()
            stderr.flush()
    finally:
        csv.field_size_limit(saved_field_limit)
        locale.setlocale(locale.LC_ALL, saved_locale)
    changed = sorted(name for name, value in _globals(script).items() if before.get(name) is not value)
    assert not changed, f"scripts/forums.py changed its module globals during a run: {changed}"
    return subprocess.CompletedProcess([sys.executable, str(SCRIPT), *args], returncode,
                                       _as_text(stdout, encoding), _as_text(stderr, encoding))


@cache
def _script() -> types.ModuleType:
    """scripts/forums.py as a module, loaded once; argparse is put back as it was before."""
    spec = importlib.util.spec_from_file_location("kit_forums_script", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    with pytest.MonkeyPatch.context() as patch:
        _french_argparse(patch)  # undone, with what the script's import does, when the block ends
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


def _globals(module: types.ModuleType) -> dict[str, object]:
    """The script's own globals (not ``__warningregistry__`` and the like, which Python keeps there)."""
    return {name: value for name, value in vars(module).items() if not name.startswith("__")}


def _french_argparse(patch: pytest.MonkeyPatch) -> None:
    """argparse in French until ``patch`` is undone (argparse_fr.install rebinds these two)."""
    from kit.cli import argparse_fr

    patch.setattr(argparse, "_", argparse._)
    patch.setattr(argparse, "ngettext", argparse.ngettext)
    argparse_fr.install()


def _xlrd_log_to(stream: io.TextIOWrapper, patch: pytest.MonkeyPatch) -> None:
    """xlrd.open_workbook's default ``logfile`` (its first default) is ``stream`` until ``patch`` is undone."""
    defaults = xlrd.open_workbook.__defaults__
    patch.setattr(xlrd.open_workbook, "__defaults__", (stream, *defaults[1:]))


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: object = None, line: str | None = None) -> None:
    """Print a warning on the run's stderr, as Python does in the script's own process."""
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def _run(main: Callable[[list[str]], object], argv: list[str]) -> int:
    """``sys.exit(main(argv))`` as the interpreter runs it: the process's exit status."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    except Exception:
        traceback.print_exc()
        return 1
    return _exit_status(code)


def _exit_status(code: object) -> int:
    """The exit status of ``sys.exit(code)``: None is 0, a number its low byte, anything else printed and 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _as_text(stream: io.TextIOWrapper, encoding: str) -> str:
    """What ``subprocess.run(text=True)`` makes of the bytes written to ``stream``."""
    data = stream.buffer.getvalue()
    return data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
