"""Vérifie les pages du kit avant de construire ou de publier : tous les problèmes d'un coup.

Chaque problème est donné sous la forme « FICHIER:LIGNE : problème — que faire ».
Codes de sortie : 0 aucun problème, 1 problèmes trouvés, 2 mauvaise utilisation.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kit.editorial.check import check_project
from kit.editorial.slips import summary

ROOT = Path(__file__).resolve().parents[1]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"verifier.py : {message} (voir --help)", file=sys.stderr)
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
