"""Mesurer le temps de construction du kit selon la taille du calendrier des forums.

Pour chaque taille (0, 1 210, 4 000 et 12 000 forums), le script tire un calendrier
fictif sur les vrais départements et cantons de 2009 (tirage aléatoire mais
reproductible), construit le site dans un dossier temporaire avec ce calendrier
(variable FORUMS_CSV), à côté duquel il écrit le suivi d'une centaine de départements
(calendriers.csv, syntheses.csv : la page « Suivi de la campagne »), et mesure :

- la durée d'une construction à neuf (aucun cache : PDF, DOCX et fichiers du calendrier
  à faire, comme sur une machine neuve) et celle d'une reconstruction (tout repris du
  cache : médiane de plusieurs constructions) ;
- la durée de « python scripts/forums.py check » sur le même fichier ;
- le poids de la page du calendrier et de l'index de recherche.

Il affiche ensuite les rapports aux objectifs : construction à 4 000 forums au plus
1,3 fois celle à 0 forum, vérification de 4 000 forums en moins d'une seconde.
Il n'échoue pas sur un objectif manqué : il donne des chiffres.

    python -m kitdev.bench            les quatre tailles, 1 + 3 constructions chacune
    python -m kitdev.bench --quick    0 et 4 000 forums, 1 + 2 constructions chacune
    python -m kitdev.bench --pages    poids et rapidité des pages dans Chromium (4 000 forums)
    python -m kitdev.bench --loop     boucle de l'éditeur sous « make serve » (0 et 4 000 forums) :
                                       de l'enregistrement d'une page, d'une ligne du calendrier ou
                                       d'une ligne de data/syntheses.csv à la page servie à nouveau
                                       (médiane de 5 modifications) ;
                                       avec --hugo, la même chose sous « hugo server » pour comparer
    python -m kitdev.bench --syntheses compilation de 100 synthèses départementales fictives (dix pages
                                       chacune, dont des en retard, des désordonnées et deux PDF) :
                                       temps et mémoire (pic) de « scripts/syntheses.py compile »
    python -m kitdev.bench --suite    la commande de test du README sur un clone neuf : installation, puis
                                       « make test » deux fois (caches des tests vides, puis remplis) : durée,
                                       temps de processeur, objectif des 3 minutes, les dix tests les plus
                                       longs, et une sonde de la vitesse de la machine
    python -m kitdev.bench --limites  « forums.py check » sur les plus gros fichiers acceptés de chaque
                                       format et sur les fichiers hostiles des tests : temps de
                                       processeur et pic de mémoire, puis le pic le plus haut par format
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Measure, then print the table and the targets."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="0 et 4 000 forums, 2 constructions chacune")
    parser.add_argument("--runs", type=int, help="constructions par taille (médiane)")
    parser.add_argument("--sizes", type=int, nargs="+", help="tailles de calendrier à mesurer")
    parser.add_argument("--pages", action="store_true",
                        help="poids et rapidité des pages dans Chromium, au lieu des constructions")
    parser.add_argument("--loop", action="store_true",
                        help="boucle de l'éditeur sous « make serve » (enregistrement → page servie)")
    parser.add_argument("--edits", type=int, default=5, help="modifications mesurées par taille (--loop)")
    parser.add_argument("--hugo", action="store_true",
                        help="avec --loop : la même boucle sous « hugo server », pour comparer (paquet Debian hugo)")
    parser.add_argument("--limites", action="store_true",
                        help="temps et mémoire de « forums.py check » sur les plus gros fichiers acceptés")
    parser.add_argument("--syntheses", action="store_true",
                        help="compilation de 100 synthèses départementales fictives : temps et mémoire")
    parser.add_argument("--suite", action="store_true",
                        help="installation et « make test » sur un clone neuf : durées et tests les plus longs")
    args = parser.parse_args(argv)
    # Each section's module is imported only when asked for (the Chromium and office tools are heavy).
    if args.suite:
        from kitdev.bench_suite import main_suite

        return main_suite()
    if args.syntheses:
        from kitdev.bench_syntheses import main_syntheses

        return main_syntheses()
    if args.loop:
        from kitdev.bench_loop import LOOP_SIZES, main_loop

        return main_loop(args.sizes or LOOP_SIZES, args.edits, hugo=args.hugo)
    if args.limites:
        from kitdev.bench_limits import main_limits

        return main_limits()
    if args.pages:
        from kitdev.bench_pages import main_pages

        return main_pages(args.runs or 3)
    from kitdev.bench_build import QUICK_SIZES, SIZES, main_build

    sizes = args.sizes or (QUICK_SIZES if args.quick else SIZES)
    return main_build(sizes, args.runs or (2 if args.quick else 3))


if __name__ == "__main__":
    sys.exit(main())
