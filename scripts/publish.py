"""Publish a version of the kit to the gh-pages branch with mike (messages in French).

    python scripts/publish.py [VERSION] [--title TITLE] [--push]
                              [--sans-tests | --tests-complets | --tests CHEMIN…]
    python scripts/publish.py --retour VERSION [--push]

Without VERSION, the newest entry of docs/nouveautes.md is published; when it
is already on gh-pages there is nothing to publish (exit 0, said in French:
the CI job runs on every push to main).

Order, so that an editor learns every problem at once and fast:
1. the repository: git identity, no uncommitted change (a received file with a
   « contact » column is never advised for a commit);
2. the version: ASCII number, changelog entry, never older than « latest »,
   never a version already published (refused: a published version does not
   change; a correction gets a new number);
3. the site's address (SITE_URL, else deploy/adresse.txt): --push refuses
   without one, or with an address of this machine (127.0.0.1, localhost);
   without --push the address used is said in one line;
4. the test tools, when the kit's own .venv lacks them (after « make serve »
   only): installed with « make .venv/.installed-test »;
5. the editorial check (scripts/verifier.py, when present) and a strict build,
   both run, every problem listed;
6. the publication gate (unless --sans-tests, for CI that has just run the full
   suite): the tests marked « gate », which guard what is published and need
   only Python; --tests-complets runs the whole suite instead (except the
   « publication » tests, which publish themselves and run in CI), --tests
   chosen test files. A failure is told as the test's own French message, with
   the page it is about; pytest's whole output goes to .cache/publication/tests.log;
7. mike builds the version into gh-pages, moves « latest » to it and makes the
   root redirect there; --push sends gh-pages to origin.

Each step says how long it took.

--retour moves « latest » back to a version already published: nothing is rebuilt.
"""

from __future__ import annotations

import argparse
import importlib.util
import ipaddress
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# The repository this script belongs to (not the one an installed « kit » package comes from).
ROOT = Path(__file__).resolve().parents[1]
# Modules the publication needs from the project's environment (.venv).
NEEDED = ("mkdocs", "material", "mike", "mkdocs_i18n", "kit")
# Modules the publication gate's tests need on top (requirements-test.txt, « make .venv/.installed-test »).
TEST_NEEDED = ("pytest", "pyld")
VENV = ROOT / ".venv"
# The Makefile target that installs the test tools into .venv (requirements-test.txt).
TEST_TOOLS_TARGET = ".venv/.installed-test"


def runs_tests(argv: list[str]) -> bool:
    """Whether the command line asks for a test run (the default)."""
    return not any(arg in ("--sans-tests", "-h", "--help") or arg.startswith("--retour") for arg in argv)


def missing_modules(argv: list[str]) -> tuple[list[str], list[str]]:
    """The kit's modules and the test tools this Python lacks, for what the command line asks."""
    importlib.invalidate_caches()
    kit = [name for name in NEEDED if importlib.util.find_spec(name) is None]
    tests = [name for name in TEST_NEEDED if importlib.util.find_spec(name) is None] if runs_tests(argv) else []
    return kit, tests


def is_project_python() -> bool:
    """Whether this interpreter is the kit's own environment (.venv), the one « make serve » installs."""
    try:
        return VENV.is_dir() and Path(sys.prefix).resolve() == VENV.resolve()
    except OSError:
        return False


def interpreter_problem(argv: list[str]) -> str | None:
    """Why this Python cannot publish (French), naming a command that works; None when it can.

    The kit's own .venv lacking only the test tools (« make serve » does not
    install them) is no problem: the publication installs them itself.
    """
    kit, tests = missing_modules(argv)
    if not kit and not tests:
        return None
    command = " ".join([".venv/bin/python", "scripts/publish.py", *map(shlex.quote, argv)])
    if is_project_python():
        if not kit:
            return None
        return (f"l'installation du kit dans .venv est incomplète : il y manque {', '.join(kit)}.\n"
                "  Supprimez le dossier .venv, réinstallez (make .venv/.installed-test, quelques minutes), "
                f"puis relancez :\n  {command}")
    advice = (f"  Lancez plutôt : {command}" if (VENV / "bin" / "python").exists() else
              f"  Installez-le d'abord (make {TEST_TOOLS_TARGET}, une seule fois), puis lancez :\n"
              f"  {command}")
    return (f"ce Python ({sys.executable}) n'est pas celui du kit : il lui manque "
            f"{', '.join(kit + tests)}. Le kit s'installe dans .venv.\n{advice}")


if __name__ == "__main__":
    # Before anything is imported from the kit: another Python may not even have it.
    _problem = interpreter_problem(sys.argv[1:])
    if _problem:
        print(f"Publication refusée : {_problem}", file=sys.stderr)
        sys.exit(1)

# A « kit » package under src/ is this repository's own, ahead of any installed copy (as for the builds).
if (ROOT / "src" / "kit").is_dir() and str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from kit import argparse_fr, changelog, publication_gate, release_policy  # noqa: E402
from kit.french import elapsed  # noqa: E402
from kit.received import RECEIVED_DIR, data_files_with_personal_data, holds_contact_column  # noqa: E402

BRANCH = "gh-pages"
REMOTE = "origin"
ALIAS = "latest"
CHANGELOG = ROOT / "docs" / "nouveautes.md"
VERIFIER = ROOT / "scripts" / "verifier.py"
# The publication gate: the tests that guard what is published, declared in the tests (marker « gate »).
GATE_TESTS = ["-m", publication_gate.MARKER]
# --tests-complets: everything but the tests that publish with this script themselves (run in CI).
FULL_TESTS = ["-m", "not publication"]
# Where the publication keeps the whole output of its steps (git-ignored, like all of .cache/).
LOGS = ROOT / ".cache" / "publication"
# The site's address: the variable SITE_URL, else this file (committed), else mkdocs.yml's local default.
ADDRESS_FILE = ROOT / "deploy" / "adresse.txt"
LOCAL_ADDRESS = "http://127.0.0.1:8000/"
ADDRESS_EXAMPLE = "https://intranet.interieur.gouv.fr/kit-forums/"


class Refusal(Exception):
    """The publication cannot go on; the message says why, in French."""


@dataclass(frozen=True)
class Tools:
    """Commands and environment used to build and deploy."""

    env: dict[str, str]
    mike: list[str]


def _tools() -> Tools:
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if not env.get("SITE_URL"):
        # An empty variable (CI without the setting) would blank mkdocs.yml's default address.
        env.pop("SITE_URL", None)
    # mike runs « mkdocs » by name: the project's own, from the same environment.
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    # A « kit » package under src/ is this repository's own, ahead of any installed copy.
    if (ROOT / "src" / "kit").is_dir():
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    # mike from this very interpreter (it has no « python -m mike »).
    return Tools(env, [sys.executable, "-c", "import sys; from mike.driver import main; sys.exit(main())"])


def _run(cmd: list[str], tools: Tools, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(cmd, cwd=cwd, env=tools.env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise Refusal(f"la commande « {cmd[0]} » est introuvable sur cette machine.") from None


def _git(*args: str, tools: Tools) -> subprocess.CompletedProcess[str]:
    return _run(["git", *args], tools)


def _tail(text: str, lines: int = 25) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join("    " + line for line in kept[-lines:])


def _relative(path: Path) -> str:
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def _keep_log(name: str, text: str) -> str:
    """Write a step's whole output to .cache/publication/``name``; its path, as shown to the editor."""
    LOGS.mkdir(parents=True, exist_ok=True)
    (LOGS / name).write_text(text, encoding="utf-8")
    return _relative(LOGS / name)


@contextmanager
def step(label: str) -> Iterator[None]:
    """Announce a step, then say how long it took, on the same line."""
    print(f"{label}…", end=" ", flush=True)
    started = time.monotonic()
    try:
        yield
    finally:
        print(f"({elapsed(time.monotonic() - started)})", flush=True)


def check_repository(tools: Tools) -> None:
    """Refuse outside a git work tree or without a git identity (mike commits to gh-pages)."""
    if _git("rev-parse", "--is-inside-work-tree", tools=tools).returncode != 0:
        raise Refusal(f"{ROOT} n'est pas un dépôt git : la publication passe par la branche {BRANCH}.")
    for key, example in (("user.name", "Prénom Nom"), ("user.email", "prenom.nom@interieur.gouv.fr")):
        if not _git("config", key, tools=tools).stdout.strip():
            raise Refusal(
                f"git ne connaît pas votre identité ({key}), nécessaire pour enregistrer la publication.\n"
                f"  Indiquez-la une fois pour toutes : git config --global {key} \"{example}\""
            )


def check_clean(tools: Tools) -> None:
    """Refuse when the work tree has changes that are not committed.

    A new file with a « contact » column (a prefecture's file) is never advised
    for a commit: it goes to recu/, which git ignores, or out of the repository.
    """
    status = _git("status", "--porcelain", "--untracked-files=all", tools=tools)
    entries = [(line[:2], line[3:]) for line in status.stdout.splitlines() if line.strip()]
    if not entries:
        return
    held = [name for code, name in entries if code == "??" and holds_contact_column(ROOT / name)]
    # Copies left by a merge that was killed (data/.verif-XXXX/): to delete, not to keep.
    leftovers = [name for name in held if re.search(r"(^|/)\.verif-", name)]
    received = [name for name in held if name not in leftovers]
    others = [name for _, name in entries if name not in held]
    parts = ["des modifications ne sont pas enregistrées dans git :"]
    if others:
        parts.append("\n".join(f"    {name}" for name in others[:15]))
        if len(others) > 15:
            parts.append(f"    … et {len(others) - 15} autre(s)")
        parts.append("  Enregistrez-les (git add puis git commit) ou annulez-les, puis relancez la publication :\n"
                     "  la version publiée doit correspondre exactement à un état enregistré du kit.")
    if received:
        parts.append("  Fichiers reçus des préfectures (colonne « contact » : données personnelles) :\n"
                     + "\n".join(f"    {name}" for name in received)
                     + f"\n  Ne les enregistrez pas dans git : rangez-les dans le dossier {RECEIVED_DIR}/, "
                     "que git ignore, ou hors du dépôt, puis relancez.")
    if leftovers:
        folders = sorted({name.rsplit("/", 1)[0] for name in leftovers})
        parts.append("  Copies laissées par une fusion interrompue (avec la colonne « contact ») :\n"
                     + "\n".join(f"    {folder}/" for folder in folders)
                     + "\n  Supprimez-les (" + " ; ".join(f"rm -r {folder}" for folder in folders)
                     + "), sans les enregistrer dans git, puis relancez.")
    raise Refusal("\n".join(parts))


def check_no_personal_data() -> None:
    """Refuse when a file of data/ holds a contact column, an e-mail address or a phone number."""
    found = data_files_with_personal_data(ROOT / "data")
    if found:
        lines = "\n".join(f"    {path.relative_to(ROOT).as_posix()}:{line} : {what}" for path, line, what in found)
        raise Refusal("des fichiers du dossier data/ contiennent des données personnelles ; rien n'a été publié :\n"
                      f"{lines}\n  Retirez-les (les contacts se gardent dans le dossier {RECEIVED_DIR}/, que git "
                      "ignore), enregistrez la correction (git commit), puis relancez.")


def read_release(version: str | None) -> changelog.Release:
    """The changelog entry of ``version`` (the newest one when ``version`` is None)."""
    if version is not None:
        problem = release_policy.number_problem(version)
        if problem:
            raise Refusal(problem)
    try:
        releases = changelog.load(CHANGELOG)
    except changelog.ChangelogError as error:
        raise Refusal("docs/nouveautes.md est à corriger :\n" +
                      "\n".join(f"    {problem}" for problem in error.problems)) from None
    if version is None:
        newest = changelog.latest(releases)
        problem = release_policy.number_problem(newest.version)
        if problem:
            raise Refusal(f"docs/nouveautes.md, ligne {newest.line} : {problem}")
        return newest
    release = changelog.find(releases, version)
    if release is None:
        known = ", ".join(r.version for r in releases)
        raise Refusal(
            f"docs/nouveautes.md n'a pas d'entrée pour la version {version} (versions décrites : {known}).\n"
            f"  Ajoutez en haut de docs/nouveautes.md une section « ## Version {version} — date » qui dit\n"
            "  ce qui change et vers quelles pages, enregistrez-la (git commit), puis relancez."
        )
    return release


def _published_entries(tools: Tools) -> list[dict[str, Any]]:
    result = _git("show", f"{BRANCH}:versions.json", tools=tools)
    if result.returncode != 0:
        return []
    try:
        return list(json.loads(result.stdout))
    except ValueError:
        return []


def published_state(tools: Tools) -> release_policy.Published:
    """The versions on gh-pages and the one « latest » points to."""
    entries = _published_entries(tools)
    latest = next((str(e.get("version")) for e in entries if ALIAS in (e.get("aliases") or [])), None)
    return release_policy.Published(tuple(str(e.get("version")) for e in entries), latest)


def first_publication(version: str, tools: Tools) -> str | None:
    """The source commit named by the gh-pages commit that first published ``version``."""
    log = _git("log", "--reverse", "--format=%s", BRANCH, tools=tools).stdout
    for subject in log.splitlines():
        match = re.fullmatch(rf"Publication de la version {re.escape(version)} du kit \(commit (\w+)\)", subject)
        if match:
            return match.group(1)
    return None


def site_address(env: dict[str, str]) -> tuple[str | None, str]:
    """The site's address and where it comes from: SITE_URL first, then deploy/adresse.txt."""
    given = env.get("SITE_URL", "").strip()
    if given:
        return given, "variable SITE_URL"
    if ADDRESS_FILE.is_file():
        for line in ADDRESS_FILE.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                return line.strip(), _relative(ADDRESS_FILE)
    return None, ""


def address_problem(address: str, origin: str, *, push: bool) -> str | None:
    """Why ``address`` cannot be the site's address (French), or None."""
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        return (f"« {address} » ({origin}) n'est pas une adresse de site : écrivez-la en entier, "
                f"par exemple {ADDRESS_EXAMPLE}")
    host = parts.hostname.rstrip(".").lower()
    try:
        local = ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        local = host == "localhost" or host.endswith(".localhost")
    if push and local:
        return (f"l'adresse {address} ({origin}) est celle de ce poste : en ligne, les liens canoniques, "
                "la page 404 et les liens des PDF renverraient chaque lecteur vers son propre ordinateur.\n"
                f"  Donnez l'adresse du kit sur l'intranet, par exemple {ADDRESS_EXAMPLE}")
    return None


def choose_address(tools: Tools, *, push: bool, argv: list[str]) -> None:
    """Set the build's SITE_URL: refused with --push when missing or local; said in one line otherwise."""
    address, origin = site_address(tools.env)
    if address is None:
        if push:
            command = " ".join(["SITE_URL=" + ADDRESS_EXAMPLE, ".venv/bin/python", "scripts/publish.py",
                                *map(shlex.quote, argv)])
            raise Refusal(
                "--push met la version en ligne, mais l'adresse du kit sur l'intranet n'est pas indiquée : "
                f"les liens canoniques,\n  la page 404 et les liens des PDF mèneraient à {LOCAL_ADDRESS}, "
                "l'adresse de ce poste. Rien n'a été publié.\n"
                f"  Donnez-la pour cette fois (remplacez l'exemple par la vraie adresse) :\n    {command}\n"
                f"  ou une fois pour toutes : écrivez-la dans {_relative(ADDRESS_FILE)}, puis enregistrez ce "
                f"fichier (git add {_relative(ADDRESS_FILE)} puis git commit).")
        print(f"Adresse du site : {LOCAL_ADDRESS} (adresse de ce poste, par défaut : ni variable SITE_URL, "
              f"ni {_relative(ADDRESS_FILE)}).", flush=True)
        tools.env.pop("SITE_URL", None)
        return
    problem = address_problem(address, origin, push=push)
    if problem:
        raise Refusal(problem)
    address = address if address.endswith("/") else address + "/"
    tools.env["SITE_URL"] = address
    print(f"Adresse du site : {address} ({origin}).", flush=True)


def install_test_tools(tools: Tools, argv: list[str]) -> None:
    """After « make serve » only, the kit's .venv lacks the test tools: install them (make), saying so."""
    _, tests = missing_modules(argv)
    if not tests or not is_project_python():
        return
    with step(f"Installation des outils de vérification dans .venv (une seule fois, make {TEST_TOOLS_TARGET})"):
        result = _run(["make", TEST_TOOLS_TARGET], tools)
    if result.returncode != 0 or missing_modules(argv)[1]:
        log = _keep_log("installation.log", result.stdout + result.stderr)
        raise Refusal(f"l'installation des outils de vérification (make {TEST_TOOLS_TARGET}) a échoué ; "
                      "rien n'a été publié :\n" + _tail(result.stdout + result.stderr, 10)
                      + f"\n  Vérifiez l'accès à Internet (PyPI), puis relancez. Journal complet : {log}")


def editorial_and_build(tools: Tools, *, build: bool) -> None:
    """scripts/verifier.py (when present) and a strict build; every problem of both, at once."""
    problems: list[str] = []
    if VERIFIER.exists():
        with step("Vérification des textes"):
            result = _run([sys.executable, str(VERIFIER)], tools)
        if result.returncode != 0:
            problems.append("La vérification des textes signale :\n" + _tail(result.stdout + result.stderr, 60))
    if build:
        with step("Construction stricte du site"), tempfile.TemporaryDirectory(prefix="kit-publication-") as site:
            result = _run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", site], tools)
        if result.returncode != 0:
            log = _keep_log("construction.log", result.stdout + result.stderr)
            problems.append(_build_failure(result.stdout + result.stderr, log))
    if problems:
        raise Refusal("rien n'a été publié. Corrigez d'abord :\n\n" + "\n\n".join(problems))


def _build_failure(output: str, log: str | None = None) -> str:
    lines = [line for line in output.splitlines()
             if re.match(r"(WARNING|ERROR)\s+-|Aborted|Error|  - |.*:\d+", line)]
    return ("La construction stricte du site a échoué (mkdocs build --strict montre la même chose) :\n"
            + _tail("\n".join(lines) or output, 40)
            + (f"\n  Journal complet de la construction : {log}" if log else ""))


def run_tests(tools: Tools, selection: list[str], label: str) -> None:
    """Run the gate (or the tests asked for); refuse with each failure's own message, the names in a log."""
    report = LOGS / "rapport.json"
    report.unlink(missing_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    with step(label):
        result = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                       "-p", "kit.publication_gate", publication_gate.OPTION, str(report), *selection], tools)
    log = _keep_log("tests.log", "$ pytest " + " ".join(map(shlex.quote, selection)) + "\n\n"
                    + result.stdout + result.stderr)
    if result.returncode == 5:
        raise Refusal("aucun test trouvé pour « " + " ".join(selection) + " ».")
    if result.returncode != 0:
        failures = publication_gate.read_report(report)
        if failures:
            raise Refusal(publication_gate.describe(failures, ROOT, log))
        raise Refusal("les vérifications n'ont pas pu se faire ; rien n'a été publié :\n"
                      + _tail(result.stdout + result.stderr, 10) + f"\n  Journal complet : {log}")
    passed = re.search(r"(\d+) passed", result.stdout)
    print(f"Vérifications réussies : {passed.group(1) if passed else 'toutes'}.", flush=True)


def _fetch(tools: Tools) -> None:
    """Start from the published branch of the remote, so that nothing published is lost."""
    if _git("remote", "get-url", REMOTE, tools=tools).returncode != 0:
        raise Refusal(f"--push : le dépôt n'a pas de dépôt distant « {REMOTE} » où envoyer {BRANCH}.")
    heads = _git("ls-remote", "--exit-code", "--heads", REMOTE, BRANCH, tools=tools)
    if heads.returncode == 0:
        fetch = _git("fetch", "--quiet", REMOTE, f"+refs/heads/{BRANCH}:refs/remotes/{REMOTE}/{BRANCH}",
                     tools=tools)
        if fetch.returncode != 0:
            raise Refusal(f"impossible de récupérer la branche {BRANCH} de « {REMOTE} » :\n" + _tail(fetch.stderr))
        # The local branch follows the remote one (a CI clone has none; an editor's may be behind).
        local = _git("rev-parse", "--verify", "--quiet", BRANCH, tools=tools)
        remote = f"refs/remotes/{REMOTE}/{BRANCH}"
        if local.returncode != 0 or _git("merge-base", "--is-ancestor", BRANCH, remote, tools=tools).returncode == 0:
            _git("update-ref", f"refs/heads/{BRANCH}", remote, tools=tools)
    elif heads.returncode != 2:
        raise Refusal(f"impossible de joindre le dépôt distant « {REMOTE} » :\n" + _tail(heads.stderr))


def _push(tools: Tools) -> None:
    push = _git("push", "--quiet", REMOTE, BRANCH, tools=tools)
    if push.returncode != 0:
        raise Refusal(f"la version est prête sur la branche locale {BRANCH}, mais l'envoi à « {REMOTE} » a échoué :\n"
                      + _tail(push.stderr) + f"\n  Réessayez : git push {REMOTE} {BRANCH}")


def deploy(version: str, title: str, tools: Tools) -> None:
    """Build ``version`` strictly and commit it to gh-pages with the alias ``latest``."""
    commit = _git("rev-parse", "--short", "HEAD", tools=tools).stdout.strip()
    result = _run([*tools.mike, "deploy", "--update-aliases", "--title", title,
                   "--message", f"Publication de la version {version} du kit (commit {commit})",
                   version, ALIAS], tools)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        log = _keep_log("mike.log", output)
        if re.search(r"^(WARNING|ERROR)\s+-|Aborted with|Error:", output, re.MULTILINE):
            raise Refusal("rien n'a été publié.\n" + _build_failure(output, log))
        raise Refusal("mike n'a pas pu publier la version :\n" + _tail(output))
    default = _run([*tools.mike, "set-default", "--message",
                    f"Adresse racine : redirection vers {ALIAS}", ALIAS], tools)
    if default.returncode != 0:
        raise Refusal("la version est déposée, mais la redirection de l'adresse racine a échoué :\n"
                      + _tail(default.stdout + default.stderr))


def rollback(version: str, tools: Tools) -> None:
    """Point ``latest`` back at an already published ``version`` (nothing is rebuilt)."""
    problem = release_policy.number_problem(version)
    if problem:
        raise Refusal(problem)
    state = published_state(tools)
    if version not in state.versions:
        listed = ", ".join(state.versions) or "aucune"
        raise Refusal(f"la version {version} n'a jamais été publiée sur {BRANCH} (versions publiées : {listed}).")
    result = _run([*tools.mike, "alias", "--update-aliases", "--message",
                   f"Retour arrière : {ALIAS} revient à la version {version}", version, ALIAS], tools)
    if result.returncode != 0:
        raise Refusal(f"mike n'a pas pu remettre « {ALIAS} » sur la version {version} :\n"
                      + _tail(result.stdout + result.stderr))


def _describe(tools: Tools) -> str:
    lines = []
    for entry in _published_entries(tools):
        aliases = ", ".join(str(alias) for alias in entry.get("aliases") or [])
        title = entry.get("title") or entry.get("version")
        lines.append(f"    {title}" + (f"  [{aliases}]" if aliases else ""))
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    argparse_fr.install()
    parser = argparse.ArgumentParser(
        prog="publish.py",
        description="Publie une version du kit (branche gh-pages, avec mike).",
        epilog="Exemple : .venv/bin/python scripts/publish.py 1.1 --push",
    )
    parser.add_argument("version", nargs="?", metavar="VERSION",
                        help="numéro de la version (par défaut : la plus récente de docs/nouveautes.md)")
    parser.add_argument("--title", metavar="TITRE",
                        help="titre dans le sélecteur de versions (par défaut : numéro et date du journal)")
    parser.add_argument("--push", action="store_true", help=f"envoie ensuite la branche {BRANCH} à {REMOTE}")
    parser.add_argument("--sans-tests", action="store_true",
                        help="ne relance pas les tests (intégration continue qui vient de les passer)")
    parser.add_argument("--tests-complets", action="store_true",
                        help="lance tous les tests (plusieurs minutes, navigateur compris) au lieu des seules "
                             "vérifications de la publication")
    parser.add_argument("--tests", nargs="+", metavar="CHEMIN",
                        help="tests à lancer au lieu des vérifications de la publication "
                             "(les tests marqués « gate »)")
    parser.add_argument("--retour", metavar="VERSION",
                        help=f"remet l'alias « {ALIAS} » sur une version déjà publiée (retour arrière, "
                             "sans rien reconstruire)")
    return parser


def _publish(args: argparse.Namespace, tools: Tools, argv: list[str]) -> bool:
    """Publish the version asked for; False when there was nothing to publish."""
    chosen = [name for name, on in (("--sans-tests", args.sans_tests), ("--tests-complets", args.tests_complets),
                                    ("--tests", bool(args.tests))) if on]
    if len(chosen) > 1:
        raise Refusal(f"{' et '.join(chosen)} ne vont pas ensemble : choisissez l'une de ces options.")
    check_clean(tools)
    check_no_personal_data()
    release = read_release(args.version)
    if args.version is None:
        print(f"Version tirée de docs/nouveautes.md : {release.version}")
    decision = release_policy.decide(release.version, explicit=args.version is not None,
                                     published=published_state(tools),
                                     first_commit=first_publication(release.version, tools))
    if decision.refused:
        raise Refusal(decision.message)
    if not decision.publish:
        print(decision.message)
        return False
    choose_address(tools, push=args.push, argv=argv)
    if not args.sans_tests:
        install_test_tools(tools, argv)
    # CI has just run the full suite, whose build is strict too: mike's own build is enough there.
    editorial_and_build(tools, build=not args.sans_tests)
    if args.tests_complets:
        run_tests(tools, FULL_TESTS, "Tous les tests (plusieurs minutes)")
    elif args.tests:
        run_tests(tools, args.tests, "Tests demandés")
    elif not args.sans_tests:
        run_tests(tools, GATE_TESTS, "Vérifications de la publication (textes officiels, traductions, "
                                     "typographie, calendrier, téléchargements)")
    title = args.title or (f"{release.version} ({release.date})" if release.date else release.version)
    with step(f"Construction et dépôt de la version {release.version}"):
        deploy(release.version, title, tools)
    print(f"Version {release.version} publiée sur la branche {BRANCH} : "
          f"dossiers {release.version}/ et {ALIAS}/ ; l'adresse racine redirige vers {ALIAS}/.")
    return True


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    tools = _tools()
    started = time.monotonic()
    try:
        problem = interpreter_problem(argv)
        if problem:
            raise Refusal(problem)
        check_repository(tools)
        if args.push:
            _fetch(tools)
        if args.retour:
            if args.version or args.tests or args.title:
                raise Refusal("--retour s'emploie seul : indiquez seulement la version à remettre en ligne.")
            rollback(args.retour, tools)
            print(f"« {ALIAS} » pointe de nouveau vers la version {args.retour} (rien n'a été reconstruit).")
            changed = True
        else:
            changed = _publish(args, tools, argv)
        if changed and args.push:
            _push(tools)
    except Refusal as refusal:
        print(f"Publication refusée : {refusal}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"Publication interrompue. Si elle l'a été pendant le dépôt, vérifiez la branche {BRANCH} "
              f"(git log {BRANCH}) avant de relancer.", file=sys.stderr)
        return 130
    described = _describe(tools)
    print("Versions en ligne :\n" + (described or "    aucune"))
    if not changed:
        print("Rien n'a été modifié ni envoyé.")
    elif args.push:
        print(f"La branche {BRANCH} a été envoyée à « {REMOTE} ». Durée totale : "
              f"{elapsed(time.monotonic() - started)}.")
    else:
        print(f"Rien n'a été envoyé : seule la branche locale {BRANCH} a changé (durée totale : "
              f"{elapsed(time.monotonic() - started)}). "
              f"Pour mettre en ligne : relancez avec --push (ou git push {REMOTE} {BRANCH}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
