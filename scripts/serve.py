#!/usr/bin/env python3
"""Servir le kit pendant qu'on le modifie : chaque enregistrement reconstruit ce qui a changé.

    python scripts/serve.py [--dev-addr 127.0.0.1:8000] [-f mkdocs.yml]

C'est ce que lance « make serve ». Une page enregistrée est reconstruite seule (avec
l'index de recherche complet) ; tout autre changement reconstruit tout le site.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from kit.site.serve import serve


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-a", "--dev-addr", help="adresse et port du serveur (127.0.0.1:8000 par défaut)")
    parser.add_argument("-f", "--config-file", help="fichier de configuration (mkdocs.yml par défaut)")
    args = parser.parse_args(argv)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(logging.INFO)
    serve(args.config_file, args.dev_addr, strict=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
