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
import shlex
import sys
import time
from pathlib import Path

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

from kit.cli import argparse_fr  # noqa: E402
from kit.french import elapsed  # noqa: E402
from kit.publishing import publication  # noqa: E402


def install_test_tools(tools: publication.Tools, argv: list[str]) -> None:
    """After « make serve » only, the kit's .venv lacks the test tools: install them (make), saying so."""
    _, tests = missing_modules(argv)
    if not tests or not is_project_python():
        return
    with publication.step(f"Installation des outils de vérification dans .venv (une seule fois, make {TEST_TOOLS_TARGET})"):
        result = publication._run(["make", TEST_TOOLS_TARGET], tools)
    if result.returncode != 0 or missing_modules(argv)[1]:
        log = publication._keep_log("installation.log", result.stdout + result.stderr)
        raise publication.Refusal(f"l'installation des outils de vérification (make {TEST_TOOLS_TARGET}) a échoué ; "
                      "rien n'a été publié :\n" + publication._tail(result.stdout + result.stderr, 10)
                      + f"\n  Vérifiez l'accès à Internet (PyPI), puis relancez. Journal complet : {log}")


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
    parser.add_argument("--push", action="store_true", help=f"envoie ensuite la branche {publication.BRANCH} à {publication.REMOTE}")
    parser.add_argument("--sans-tests", action="store_true",
                        help="ne relance pas les tests (intégration continue qui vient de les passer)")
    parser.add_argument("--tests-complets", action="store_true",
                        help="lance tous les tests (plusieurs minutes, navigateur compris) au lieu des seules "
                             "vérifications de la publication")
    parser.add_argument("--tests", nargs="+", metavar="CHEMIN",
                        help="tests à lancer au lieu des vérifications de la publication "
                             "(les tests marqués « gate »)")
    parser.add_argument("--retour", metavar="VERSION",
                        help=f"remet l'alias « {publication.ALIAS} » sur une version déjà publiée (retour arrière, "
                             "sans rien reconstruire)")
    return parser




def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    tools = publication.default_tools()
    started = time.monotonic()
    try:
        problem = interpreter_problem(argv)
        if problem:
            raise publication.Refusal(problem)
        publication.check_repository(tools)
        if args.push:
            publication.fetch(tools)
        if args.retour:
            if args.version or args.tests or args.title:
                raise publication.Refusal("--retour s'emploie seul : indiquez seulement la version à remettre en ligne.")
            publication.rollback(args.retour, tools)
            print(f"« {publication.ALIAS} » pointe de nouveau vers la version {args.retour} (rien n'a été reconstruit).")
            changed = True
        else:
            changed = publication.publish(args, tools, argv, install_test_tools)
        if changed and args.push:
            publication.push(tools)
    except publication.Refusal as refusal:
        print(f"Publication refusée : {refusal}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"Publication interrompue. Si elle l'a été pendant le dépôt, vérifiez la branche {publication.BRANCH} "
              f"(git log {publication.BRANCH}) avant de relancer.", file=sys.stderr)
        return 130
    described = publication.describe_published(tools)
    print("Versions en ligne :\n" + (described or "    aucune"))
    if not changed:
        print("Rien n'a été modifié ni envoyé.")
    elif args.push:
        print(f"La branche {publication.BRANCH} a été envoyée à « {publication.REMOTE} ». Durée totale : "
              f"{elapsed(time.monotonic() - started)}.")
    else:
        print(f"Rien n'a été envoyé : seule la branche locale {publication.BRANCH} a changé (durée totale : "
              f"{elapsed(time.monotonic() - started)}). "
              f"Pour mettre en ligne : relancez avec --push (ou git push {publication.REMOTE} {publication.BRANCH}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
