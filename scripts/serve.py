#!/usr/bin/env python3
"""Servir le kit pendant qu'on le modifie : chaque enregistrement reconstruit ce qui a changé.

    .venv/bin/python scripts/serve.py [--dev-addr 127.0.0.1:8000] [-f mkdocs.yml]

C'est ce que lance « make serve ». Une page enregistrée est reconstruite seule (avec
l'index de recherche complet) ; tout autre changement reconstruit tout le site. Le
serveur ne s'arrête jamais sur une erreur des pages : les problèmes trouvés (ceux de
« make verifier » et ceux de la construction) s'affichent dans le terminal et en haut
de chaque page servie, et disparaissent dès que la correction est enregistrée.
Codes de sortie : 0 arrêt par Ctrl+C, 1 mkdocs.yml illisible ou adresse déjà prise,
2 mauvaise utilisation.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Sequence

try:
    from kit.site.serve import serve
except ImportError as missing:  # run with another Python than the kit's
    print(f"serve.py : module « {missing.name} » introuvable : cette commande a été lancée avec un autre "
          "Python que celui du kit. Lancez « make serve », ou « .venv/bin/python scripts/serve.py ».",
          file=sys.stderr)
    raise SystemExit(2) from None

# « 127.0.0.1:8000 », « localhost:8123 », « [::1]:8000 »
ADDRESS = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[^\s:\[\]]+):\d{1,5}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("-a", "--dev-addr", help="adresse et port du serveur (127.0.0.1:8000 par défaut)")
    parser.add_argument("-f", "--config-file", help="fichier de configuration (mkdocs.yml par défaut)")
    args = parser.parse_args(argv)
    if args.dev_addr and (not ADDRESS.fullmatch(args.dev_addr) or int(args.dev_addr.rsplit(":", 1)[1]) > 65535):
        print(f"serve.py : adresse « {args.dev_addr} » non reconnue : écrivez-la sous la forme adresse:port, "
              "par exemple : make serve SERVE_ADDR=127.0.0.1:8123", file=sys.stderr)
        return 2
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(logging.INFO)
    serve(args.config_file, args.dev_addr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
