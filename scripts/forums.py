#!/usr/bin/env python3
"""Calendrier des forums : vérifier, fusionner et exporter les fichiers des préfectures.

    python scripts/forums.py check FICHIER…
    python scripts/forums.py merge FICHIER… [--into data/forums.csv]
    python scripts/forums.py export --format ics|json|csv|xlsx [--departement CODE] [-o FICHIER]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kit.calendar.lock import DEFAULT_WAIT_SECONDS, Busy
from kit.calendar.merge import merge_files
from kit.calendar.model import Calendar, Forum, Problem, load_campaign
from kit.calendar.read import read_calendar, read_calendars
from kit.calendar.values import BadValue, parse_departement
from kit.cli import argparse_fr
from kit.cli.oserrors import french_os_error
from kit.french import format_time
from kit.paths import Project
from kit.store import write_atomic
from kit.territory import load_territory

# This checkout: its data/reference, data/campagne.toml and default calendar.
PROJECT = Project.of_script(__file__)

argparse_fr.install()


def _display(path: Path) -> str:
    """A path as short as possible: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _default_calendar() -> Path:
    """$FORUMS_CSV (from the project's root when relative), else data/forums.csv."""
    return Path(_display(PROJECT.calendar_file()))


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count in (0, 1) else plural}"


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def _counts(calendar_problems: Sequence[Problem]) -> tuple[int, int]:
    errors = sum(1 for p in calendar_problems if p.severity == "erreur")
    return errors, len(calendar_problems) - errors


def _describe(forum: Forum) -> str:
    """« 44 · 14/04/2009 17:30 · Saint-Herblain »."""
    when = forum.date.strftime("%d/%m/%Y")
    if forum.heure_debut:
        when += " " + format_time(forum.heure_debut)
    return f"{forum.departement} · {when} · {forum.commune}"


# check ----------------------------------------------------------------------

def check(args: argparse.Namespace) -> int:
    """Check files, print every problem and a summary; 0 when valid."""
    calendar = read_calendars([Path(f) for f in args.files], territory=load_territory(PROJECT.reference),
                              campaign=load_campaign(PROJECT.campaign_file))
    _print_problems(calendar.problems)
    errors, warnings = _counts(calendar.problems)
    files = _plural(len(args.files), "fichier", "fichiers")
    forums = _plural(len(calendar.forums), "forum", "forums")
    if errors:
        found = _plural(errors, "erreur", "erreurs")
        if warnings:
            found += " et " + _plural(warnings, "avertissement", "avertissements")
        print(f"{found} dans {files} ({_plural(len(calendar.forums), 'forum lu', 'forums lus')}) : "
              "corrigez les lignes indiquées puis relancez la vérification.", file=sys.stderr)
        return 1
    if warnings:
        refused = args.strict
        ending = ("refusés avec --strict : corrigez-les ou relancez sans --strict." if refused
                  else "à relire ; le calendrier est valide.")
        print(f"{forums} dans {files}, aucune erreur, "
              f"{_plural(warnings, 'avertissement', 'avertissements')} {ending}", file=sys.stderr)
        return 1 if refused else 0
    print(f"Tout est en ordre : {forums} dans {files}, aucune erreur.", file=sys.stderr)
    return 0


# merge ----------------------------------------------------------------------

def merge(args: argparse.Namespace) -> int:
    """Check and merge files into the calendar; the target is untouched on any error."""
    into = Path(args.into) if args.into else _default_calendar()
    if not into.parent.is_dir():
        print(f"{into}: erreur : le dossier « {into.parent} » n'existe pas", file=sys.stderr)
        return 1
    try:
        report = merge_files([Path(f) for f in args.files], into, territory=load_territory(PROJECT.reference),
                             campaign=load_campaign(PROJECT.campaign_file), strict=args.strict,
                             dry_run=args.dry_run, lock_wait=args.attente,
                             contacts=Path(args.contacts) if args.contacts else None)
    except Busy as exc:
        print(f"{into}: erreur : {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{into}: erreur : écriture impossible ({french_os_error(exc)}) ; le fichier n'a pas été "
              "modifié", file=sys.stderr)
        return 1
    except RuntimeError as exc:
        print(f"{into}: erreur : {exc}", file=sys.stderr)
        return 1
    _print_problems(report.problems)
    errors, warnings = _counts(report.problems)
    if report.result is None or report.result.problems or errors or (warnings and args.strict):
        reason = (_plural(errors, "erreur", "erreurs") if errors
                  else _plural(warnings, "avertissement refusé", "avertissements refusés") + " (--strict)")
        print(f"Fusion refusée ({reason}) : {into} n'a pas été modifié. Corrigez les lignes indiquées "
              "puis relancez la fusion.", file=sys.stderr)
        return 1
    result = report.result
    for forum in result.added:
        print(f"  ajouté      {_describe(forum)}")
    for _, forum in result.updated:
        print(f"  mis à jour  {_describe(forum)}")
    for _, forum in result.cancelled:
        print(f"  annulé      {_describe(forum)}")
    if report.written:
        print(f"{into} mis à jour : {result.summary()}.")
    elif args.dry_run:
        print(f"Essai sans écriture ({into} inchangé) : {result.summary()}.")
    else:
        print(f"Aucun changement : {into} est déjà à jour ({result.summary()}).")
    if report.contacts_kept:
        print(f"{_plural(report.contacts_kept, 'contact gardé', 'contacts gardés')} dans {args.contacts} "
              f"(jamais dans {into.name}).")
    elif report.contacts_left and not args.dry_run:
        print(f"{_plural(report.contacts_left, 'contact laissé', 'contacts laissés')} hors du calendrier : "
              "la colonne contact n'est jamais enregistrée dans data/. Pour les garder sur votre poste, "
              "relancez avec --contacts recu/contacts.csv.")
    if warnings:
        print(f"{_plural(warnings, 'avertissement', 'avertissements')} à relire ci-dessus.", file=sys.stderr)
    return 0


# export ---------------------------------------------------------------------

def export(args: argparse.Namespace) -> int:
    """Write the calendar as ICS, JSON or CSV (stdout, or -o atomically)."""
    # Imported here: the writers (icalendar, openpyxl) would double the start-up time of « check ».
    from kit.calendar import exports
    from kit.calendar.xlsx import to_xlsx

    territory = load_territory(PROJECT.reference)
    source = Path(args.data) if args.data else _default_calendar()
    calendar: Calendar = read_calendar(source, territory=territory, campaign=load_campaign(PROJECT.campaign_file))
    if calendar.errors:
        _print_problems(calendar.errors)
        print(f"Export impossible : {source} contient "
              f"{_plural(len(calendar.errors), 'erreur', 'erreurs')} (vérifiez-le avec "
              "« python scripts/forums.py check »).", file=sys.stderr)
        return 1
    forums = calendar.forums
    name = exports.DEFAULT_NAME
    if args.departement:
        try:
            code = parse_departement(args.departement, {c: d.nom for c, d in territory.departements.items()})
        except BadValue as exc:
            print(f"erreur : {exc}", file=sys.stderr)
            return 1
        departement = territory.departements[code]
        forums = [f for f in forums if f.departement == code]
        name = f"{name} – {departement.nom}"
    if args.format == "ics":
        data = exports.to_ics(forums, territory, name=name)
    elif args.format == "json":
        data = exports.to_json(forums, territory, name=name).encode("utf-8")
    elif args.format == "xlsx":
        data = to_xlsx(forums, territory)
    else:
        # With a BOM, Excel opens UTF-8 without garbling the accents.
        data = exports.to_csv(forums, territory).encode("utf-8-sig")
    if args.output in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    output = Path(args.output)
    try:
        write_atomic(output, data)
    except OSError as exc:
        print(f"{output}: erreur : écriture impossible ({french_os_error(exc)})", file=sys.stderr)
        return 1
    print(f"{output} : {_plural(len(forums), 'forum exporté', 'forums exportés')} ({args.format}).",
          file=sys.stderr)
    return 0


# command line ---------------------------------------------------------------

def parser() -> argparse.ArgumentParser:
    """The command-line parser, in French."""
    main = argparse.ArgumentParser(
        prog="forums.py",
        description="Vérifier, fusionner et exporter le calendrier des forums sécurité 2009.")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMANDE",
                                   title="commandes")

    check_cmd = commands.add_parser(
        "check", help="vérifier un ou plusieurs fichiers (.csv, .xlsx, .xls ou .ods)",
        description="Vérifie les fichiers et affiche tous les problèmes, avec le fichier et la ligne. "
                    "Code de sortie 0 si les fichiers sont valides, 1 sinon.")
    check_cmd.add_argument("files", nargs="+", metavar="FICHIER", help="fichier .csv, .xlsx, .xls ou .ods")
    check_cmd.add_argument("--strict", action="store_true",
                           help="refuser aussi les avertissements (date hors campagne, canton inconnu…)")
    check_cmd.set_defaults(run=check)

    merge_cmd = commands.add_parser(
        "merge", help="ajouter ou mettre à jour des forums dans le calendrier",
        description="Vérifie tout, puis ajoute les nouveaux forums et met à jour les forums existants "
                    "(même id, ou même département, date et commune). En cas d'erreur, le calendrier "
                    "n'est pas modifié.")
    merge_cmd.add_argument("files", nargs="+", metavar="FICHIER", help="fichier reçu (.csv, .xlsx, .xls ou .ods)")
    merge_cmd.add_argument("--into", metavar="CALENDRIER",
                           help="calendrier à mettre à jour (par défaut : data/forums.csv)")
    merge_cmd.add_argument("--strict", action="store_true", help="refuser aussi les avertissements")
    merge_cmd.add_argument("--dry-run", action="store_true",
                           help="montrer ce qui changerait, sans rien écrire")
    merge_cmd.add_argument("--attente", type=argparse_fr.seconds, default=DEFAULT_WAIT_SECONDS, metavar="SECONDES",
                           help="si une autre fusion est en cours, l'attendre au plus ce nombre de secondes "
                                f"(par défaut : {DEFAULT_WAIT_SECONDS:g})")
    merge_cmd.add_argument("--contacts", metavar="FICHIER",
                           help="garder les contacts des fichiers fusionnés dans ce fichier, hors de data/ "
                                "(par exemple recu/contacts.csv, que git ignore) ; sans cette option, ils ne "
                                "sont gardés nulle part")
    merge_cmd.set_defaults(run=merge)

    export_cmd = commands.add_parser(
        "export", help="exporter le calendrier (ICS, JSON ou CSV)",
        description="Exporte le calendrier, sans la colonne contact, sur la sortie standard ou dans "
                    "un fichier.")
    export_cmd.add_argument("--format", required=True, choices=("ics", "json", "csv", "xlsx"),
                            help="format de sortie")
    export_cmd.add_argument("--departement", metavar="CODE", help="un seul département (code Insee ou nom)")
    export_cmd.add_argument("-o", "--output", metavar="FICHIER",
                            help="fichier à écrire (par défaut : sortie standard)")
    export_cmd.add_argument("--data", metavar="CALENDRIER",
                            help="calendrier à exporter (par défaut : data/forums.csv)")
    export_cmd.set_defaults(run=export)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit code is returned."""
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
