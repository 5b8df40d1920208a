"""Publishing a version of the kit with mike: each step of ``scripts/publish.py``, its checks and refusals.

``scripts/publish.py`` is the command line (arguments, and the check that it runs in the kit's own
Python); everything it does is here. Messages are in French: they are the editor's.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kit.french import elapsed
from kit.publishing import changelog, gate, release_policy
from kit.publishing.received import RECEIVED_DIR, data_files_with_personal_data, holds_contact_column

# The checkout published: the one this package is imported from (scripts/publish.py puts its own
# checkout's src/ first on the path, so that a clone publishes itself).
ROOT = Path(__file__).resolve().parents[3]
BRANCH = "gh-pages"
REMOTE = "origin"
ALIAS = "latest"
CHANGELOG = ROOT / "docs" / "nouveautes.md"
VERIFIER = ROOT / "scripts" / "verifier.py"
# The publication gate: the tests that guard what is published, declared in the tests (marker « gate »).
GATE_TESTS = ["-m", gate.MARKER]
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


def default_tools() -> Tools:
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


def editorial_and_build(tools: Tools, *, build: bool) -> Path | None:
    """scripts/verifier.py (when present) and a strict build; every problem of both, at once.

    The site built is kept in .cache/publication/site until the next publication: the tests that
    follow read it (``BUILT_SITE``) instead of building the same tree once more. Returns its folder.
    """
    problems: list[str] = []
    if VERIFIER.exists():
        with step("Vérification des textes"):
            result = _run([sys.executable, str(VERIFIER)], tools)
        if result.returncode != 0:
            problems.append("La vérification des textes signale :\n" + _tail(result.stdout + result.stderr, 60))
    site = LOGS / "site" if build else None
    if site is not None:
        shutil.rmtree(site, ignore_errors=True)
        with step("Construction stricte du site"):
            result = _run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], tools)
        if result.returncode != 0:
            log = _keep_log("construction.log", result.stdout + result.stderr)
            problems.append(_build_failure(result.stdout + result.stderr, log))
    if problems:
        raise Refusal("rien n'a été publié. Corrigez d'abord :\n\n" + "\n\n".join(problems))
    return site


def _build_failure(output: str, log: str | None = None) -> str:
    lines = [line for line in output.splitlines()
             if re.match(r"(WARNING|ERROR)\s+-|Aborted|Error|  - |.*:\d+", line)]
    return ("La construction stricte du site a échoué (mkdocs build --strict montre la même chose) :\n"
            + _tail("\n".join(lines) or output, 40)
            + (f"\n  Journal complet de la construction : {log}" if log else ""))


def run_tests(tools: Tools, selection: list[str], label: str, site: Path | None = None) -> None:
    """Run the gate (or the tests asked for); refuse with each failure's own message, the names in a log.

    ``site``: the strict build of this very tree, which the tests read instead of building it again.
    """
    report = LOGS / "rapport.json"
    report.unlink(missing_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    env = {**tools.env, gate.BUILT_SITE: str(site)} if site is not None else tools.env
    with step(label):
        result = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                       "-p", "kit.publishing.gate", gate.OPTION, str(report), *selection], replace(tools, env=env))
    log = _keep_log("tests.log", "$ pytest " + " ".join(map(shlex.quote, selection)) + "\n\n"
                    + result.stdout + result.stderr)
    if result.returncode == 5:
        raise Refusal("aucun test trouvé pour « " + " ".join(selection) + " ».")
    if result.returncode != 0:
        failures = gate.read_report(report)
        if failures:
            raise Refusal(gate.describe(failures, ROOT, log))
        raise Refusal("les vérifications n'ont pas pu se faire ; rien n'a été publié :\n"
                      + _tail(result.stdout + result.stderr, 10) + f"\n  Journal complet : {log}")
    passed = re.search(r"(\d+) passed", result.stdout)
    print(f"Vérifications réussies : {passed.group(1) if passed else 'toutes'}.", flush=True)


def fetch(tools: Tools) -> None:
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


def push(tools: Tools) -> None:
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


def describe_published(tools: Tools) -> str:
    lines = []
    for entry in _published_entries(tools):
        aliases = ", ".join(str(alias) for alias in entry.get("aliases") or [])
        title = entry.get("title") or entry.get("version")
        lines.append(f"    {title}" + (f"  [{aliases}]" if aliases else ""))
    return "\n".join(lines)


def publish(args: argparse.Namespace, tools: Tools, argv: list[str],
            install_test_tools: Callable[[Tools, list[str]], None]) -> bool:
    """Publish the version asked for; False when there was nothing to publish.

    ``install_test_tools`` installs what the tests need into the kit's .venv when it lacks it (the
    command line knows its interpreter).
    """
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
    site = editorial_and_build(tools, build=not args.sans_tests)
    if args.tests_complets:
        run_tests(tools, FULL_TESTS, "Tous les tests (plusieurs minutes)", site)
    elif args.tests:
        run_tests(tools, args.tests, "Tests demandés", site)
    elif not args.sans_tests:
        run_tests(tools, GATE_TESTS, site=site, label="Vérifications de la publication (textes officiels, traductions, "
                                     "typographie, calendrier, téléchargements)")
    title = args.title or (f"{release.version} ({release.date})" if release.date else release.version)
    with step(f"Construction et dépôt de la version {release.version}"):
        deploy(release.version, title, tools)
    print(f"Version {release.version} publiée sur la branche {BRANCH} : "
          f"dossiers {release.version}/ et {ALIAS}/ ; l'adresse racine redirige vers {ALIAS}/.")
    return True


