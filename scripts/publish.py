"""Publish a version of the kit to the gh-pages branch with mike (messages in French).

    python scripts/publish.py [VERSION] [--title TITLE] [--push] [--sans-tests]
    python scripts/publish.py --retour VERSION [--push]

Without VERSION, the newest entry of docs/nouveautes.md is published. Refuses
(exit 1) when the work tree has uncommitted changes, when docs/nouveautes.md
has no entry for the version, when the tests fail (unless --sans-tests, for CI
that has just run them) or when the strict build fails. Otherwise mike builds
the version into gh-pages, moves the « latest » alias to it and makes the root
redirect there. --push then sends gh-pages to origin; without it only the local
branch changes. --retour moves « latest » back to an already published version.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kit import changelog
from kit.paths import Project

BRANCH = "gh-pages"
REMOTE = "origin"
ALIAS = "latest"
# The repository this script belongs to: a clone publishes itself, whichever checkout kit is installed from.
PROJECT = Project.of_script(__file__)
ROOT = PROJECT.root
DOCS_DIR = PROJECT.docs
CHANGELOG = DOCS_DIR / "nouveautes.md"
_VERSION = re.compile(rf"^{changelog.VERSION_PATTERN}$")


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
    mike = bin_dir / "mike"
    return Tools(env, [str(mike)] if mike.exists() else ["mike"])


def _run(cmd: list[str], tools: Tools) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, env=tools.env, capture_output=True, text=True, check=False)


def _git(*args: str, tools: Tools) -> subprocess.CompletedProcess[str]:
    return _run(["git", *args], tools)


def _tail(text: str, lines: int = 25) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join("    " + line for line in kept[-lines:])


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
    """Refuse when the work tree has changes that are not committed."""
    status = _git("status", "--porcelain", "--untracked-files=normal", tools=tools)
    changed = [line[3:] for line in status.stdout.splitlines() if line.strip()]
    if changed:
        listed = "\n".join(f"    {name}" for name in changed[:15])
        more = f"\n    … et {len(changed) - 15} autre(s)" if len(changed) > 15 else ""
        raise Refusal(
            "des modifications ne sont pas enregistrées dans git :\n"
            f"{listed}{more}\n"
            "  Enregistrez-les (git add puis git commit) ou annulez-les, puis relancez la publication :\n"
            "  la version publiée doit correspondre exactement à un état enregistré du kit."
        )


def check_changelog(version: str | None) -> changelog.Release:
    """The changelog entry of ``version`` (the newest one when ``version`` is None)."""
    try:
        releases = changelog.load(CHANGELOG)
    except changelog.ChangelogError as error:
        raise Refusal("docs/nouveautes.md est à corriger :\n" +
                      "\n".join(f"    {problem}" for problem in error.problems)) from None
    if version is None:
        return changelog.latest(releases)
    if not _VERSION.match(version):
        raise Refusal(f"« {version} » n'est pas un numéro de version : écrivez par exemple 1.1 ou 2.0.")
    release = changelog.find(releases, version)
    if release is None:
        known = ", ".join(r.version for r in releases)
        raise Refusal(
            f"docs/nouveautes.md n'a pas d'entrée pour la version {version} (versions décrites : {known}).\n"
            f"  Ajoutez en haut de docs/nouveautes.md une section « ## Version {version} — date » qui dit\n"
            "  ce qui change et vers quelles pages, enregistrez-la (git commit), puis relancez."
        )
    return release


def run_tests(tools: Tools) -> None:
    """Refuse when the test suite fails."""
    print("Lancement des tests (quelques minutes)…", flush=True)
    result = _run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"], tools)
    if result.returncode != 0:
        raise Refusal("les tests échouent ; rien n'a été publié. Fin du rapport des tests :\n"
                      + _tail(result.stdout + result.stderr))


def _published(tools: Tools) -> list[dict[str, Any]]:
    result = _git("show", f"{BRANCH}:versions.json", tools=tools)
    if result.returncode != 0:
        return []
    try:
        return list(json.loads(result.stdout))
    except ValueError:
        return []


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
        if re.search(r"^(WARNING|ERROR)\s+-|Aborted with|Error:", output, re.MULTILINE):
            raise Refusal("la construction stricte du site a échoué ; rien n'a été publié.\n"
                          "  Corrigez ces avertissements (mkdocs build --strict les montre aussi) :\n"
                          + _tail("\n".join(line for line in output.splitlines()
                                            if re.match(r"(WARNING|ERROR)\s+-|Aborted|Error|  - ", line))
                                  or output))
        raise Refusal("mike n'a pas pu publier la version :\n" + _tail(output))
    default = _run([*tools.mike, "set-default", "--message",
                    f"Adresse racine : redirection vers {ALIAS}", ALIAS], tools)
    if default.returncode != 0:
        raise Refusal("la version est déposée, mais la redirection de l'adresse racine a échoué :\n"
                      + _tail(default.stdout + default.stderr))


def rollback(version: str, tools: Tools) -> None:
    """Point ``latest`` back at an already published ``version``."""
    known = [str(entry.get("version")) for entry in _published(tools)]
    if version not in known:
        listed = ", ".join(known) or "aucune"
        raise Refusal(f"la version {version} n'a jamais été publiée sur {BRANCH} (versions publiées : {listed}).")
    result = _run([*tools.mike, "alias", "--update-aliases", "--message",
                   f"Retour arrière : {ALIAS} revient à la version {version}", version, ALIAS], tools)
    if result.returncode != 0:
        raise Refusal(f"mike n'a pas pu remettre « {ALIAS} » sur la version {version} :\n"
                      + _tail(result.stdout + result.stderr))


def _describe(tools: Tools) -> str:
    lines = []
    for entry in _published(tools):
        aliases = ", ".join(str(alias) for alias in entry.get("aliases") or [])
        title = entry.get("title") or entry.get("version")
        lines.append(f"    {title}" + (f"  [{aliases}]" if aliases else ""))
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="publish.py",
        description="Publie une version du kit (branche gh-pages, avec mike).",
        epilog="Exemple : python scripts/publish.py 1.1 --push",
    )
    parser.add_argument("version", nargs="?", metavar="VERSION",
                        help="numéro de la version (par défaut : la plus récente de docs/nouveautes.md)")
    parser.add_argument("--title", metavar="TITRE",
                        help="titre dans le sélecteur de versions (par défaut : numéro et date du journal)")
    parser.add_argument("--push", action="store_true", help=f"envoie ensuite la branche {BRANCH} à {REMOTE}")
    parser.add_argument("--sans-tests", action="store_true",
                        help="ne relance pas les tests (intégration continue qui vient de les passer)")
    parser.add_argument("--retour", metavar="VERSION",
                        help=f"remet l'alias « {ALIAS} » sur une version déjà publiée (retour arrière)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    tools = _tools()
    try:
        check_repository(tools)
        if args.push:
            _fetch(tools)
        if args.retour:
            if args.version:
                raise Refusal("--retour s'emploie seul : indiquez seulement la version à remettre en ligne.")
            rollback(args.retour, tools)
            if args.push:
                _push(tools)
            print(f"« {ALIAS} » pointe de nouveau vers la version {args.retour}.")
        else:
            check_clean(tools)
            release = check_changelog(args.version)
            if args.version is None:
                print(f"Version tirée de docs/nouveautes.md : {release.version}")
            if not args.sans_tests:
                run_tests(tools)
            title = args.title or (f"{release.version} ({release.date})" if release.date else release.version)
            print(f"Construction et dépôt de la version {release.version}…", flush=True)
            deploy(release.version, title, tools)
            if args.push:
                _push(tools)
            print(f"Version {release.version} publiée sur la branche {BRANCH} : "
                  f"dossiers {release.version}/ et {ALIAS}/ ; l'adresse racine redirige vers {ALIAS}/.")
    except Refusal as refusal:
        print(f"Publication refusée : {refusal}", file=sys.stderr)
        return 1
    print("Versions en ligne :\n" + _describe(tools))
    if args.push:
        print(f"La branche {BRANCH} a été envoyée à « {REMOTE} ».")
    else:
        print(f"Rien n'a été envoyé : seule la branche locale {BRANCH} a changé. "
              f"Pour mettre en ligne : relancez avec --push (ou git push {REMOTE} {BRANCH}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
