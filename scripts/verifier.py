"""Vérifie les pages du kit avant de construire ou de publier : tous les problèmes d'un coup.

Chaque problème est donné sous la forme « FICHIER:LIGNE : problème — que faire ».
Codes de sortie : 0 aucun problème, 1 problèmes trouvés, 2 mauvaise utilisation.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

try:
    from kit.editorial.check import check_project
    from kit.editorial.slips import summary
    from kit.paths import Project
except ImportError as missing:  # run with another Python than the kit's
    print(f"verifier.py : module « {missing.name} » introuvable : cette commande a été lancée avec un autre "
          "Python que celui du kit. Lancez « make verifier », ou « .venv/bin/python scripts/verifier.py ».",
          file=sys.stderr)
    raise SystemExit(2) from None

ROOT = Project.of_script(__file__).root


class _Parser(argparse.ArgumentParser):
    """argparse with its few fixed words in French."""

    def format_help(self) -> str:
        return (super().format_help().replace("usage:", "utilisation :", 1)
                .replace("show this help message and exit", "afficher cette aide et quitter"))

    def error(self, message: str) -> None:  # type: ignore[override]
        message = message.replace("unrecognized arguments", "arguments non reconnus")
        print(f"verifier.py : {message} (voir .venv/bin/python scripts/verifier.py --help)", file=sys.stderr)
        raise SystemExit(2)


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="verifier.py", description=__doc__.split("\n")[0],
                     epilog="Exemple : .venv/bin/python scripts/verifier.py")
    parser.add_argument("--racine", type=Path, default=ROOT,
                        help="dossier du kit à vérifier (par défaut : ce dépôt)")
    parser.add_argument("--temps", action="store_true", help="affiche la durée de la vérification")
    args = parser.parse_args(argv)
    root: Path = args.racine.resolve()
    if not (root / "mkdocs.yml").is_file() or not (root / "docs").is_dir():
        parser.error(f"« {args.racine} » n'est pas un dossier du kit (mkdocs.yml et docs/ attendus)")
    started = time.perf_counter()
    slips = check_project(root)
    for slip in slips:
        print(slip)
    print(summary(slips))
    if args.temps:
        print(f"Durée de la vérification : {time.perf_counter() - started:.2f} s".replace(".", ","))
    return 1 if slips else 0


if __name__ == "__main__":
    sys.exit(main())
