#!/usr/bin/env python3
"""Synthèses départementales : vérifier, enregistrer leur arrivée, compiler la synthèse nationale.

    python scripts/syntheses.py check FICHIER…
    python scripts/syntheses.py record FICHIER… [--recue AAAA-MM-JJ]
    python scripts/syntheses.py compile -o DOSSIER [FICHIER…]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from kit.calendar.lock import DEFAULT_WAIT_SECONDS, Busy
from kit.calendar.model import Calendar, load_campaign
from kit.calendar.read import read_calendar
from kit.calendar.values import BadValue, parse_date
from kit.campaign.syntheses import SynthesesError, SynthesisArrival, read_syntheses, record_arrivals
from kit.cli import argparse_fr
from kit.cli.oserrors import french_os_error
from kit.french import french_date
from kit.paths import Project
from kit.syntheses.checking import NOT_READ, READABLE, read_received
from kit.syntheses.model import Received
from kit.syntheses.parts import DepartementNames
from kit.territory import Territory, load_territory

PROJECT = Project.of_script(__file__)
# Where received files are kept (git-ignored, like the calendars received), and the tracking file.
RECEIVED = PROJECT.root / "recu" / "syntheses"
TRACKING = PROJECT.data / "syntheses.csv"

argparse_fr.install()


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count in (0, 1) else plural}"


def _calendar(territory: Territory) -> Calendar | None:
    """The forum calendar ($FORUMS_CSV or data/forums.csv); None (said) when it cannot be read."""
    source = PROJECT.calendar_file()
    calendar = read_calendar(source, territory=territory, campaign=load_campaign(PROJECT.campaign_file))
    if calendar.errors:
        print(f"{_display(source)}: avertissement : le calendrier contient "
              f"{_plural(len(calendar.errors), 'erreur', 'erreurs')} : les rencontres des synthèses ne sont "
              "comparées qu'aux forums lus (vérifiez-le avec « python scripts/forums.py check »)", file=sys.stderr)
    return calendar


def _read_all(files: Sequence[str], territory: Territory) -> list[Received]:
    calendar = _calendar(territory)
    forums = list(calendar.forums) if calendar else []
    return [read_received(Path(f), territory, forums, shown=_display(Path(f))) for f in files]


def _print(received: Sequence[Received]) -> tuple[int, int]:
    errors = warnings = 0
    for item in received:
        for problem in item.problems:
            print(problem, file=sys.stderr)
            errors += problem.severity == "erreur"
            warnings += problem.severity == "avertissement"
    return errors, warnings


# check ----------------------------------------------------------------------

def check(args: argparse.Namespace) -> int:
    """Read each file, report every problem at its file and part; 1 when a file cannot be used."""
    territory = load_territory(PROJECT.reference)
    received = _read_all(args.files, territory)
    errors, warnings = _print(received)
    for item in received:
        if not item.read:
            continue
        for synthesis in item.syntheses:
            if synthesis.departement:
                name = territory.departements[synthesis.departement].nom
                print(f"{item.file} : {name} ({synthesis.departement}) : "
                      f"{_plural(len(synthesis.forums), 'rencontre', 'rencontres')}, "
                      f"{_plural(len(synthesis.proposals), 'proposition', 'propositions')}, "
                      f"{_plural(len(synthesis.minutes), 'compte rendu annexé', 'comptes rendus annexés')}.")
    files = _plural(len(received), "fichier", "fichiers")
    unusable = [item for item in received if item.errors]
    if unusable:
        print(f"{_plural(errors, 'erreur', 'erreurs')} dans {files} : "
              f"{_plural(len(unusable), 'fichier inutilisable', 'fichiers inutilisables')} tant qu'il n'est pas "
              "corrigé (voir ci-dessus).", file=sys.stderr)
        return 1
    ending = (f"{_plural(warnings, 'avertissement', 'avertissements')} à relire ci-dessus" if warnings
              else "aucun problème")
    print(f"{files} vérifié{'s' if len(received) > 1 else ''} : {ending}.", file=sys.stderr)
    return 0


# record ---------------------------------------------------------------------

def record(args: argparse.Namespace) -> int:
    """Record the arrival of each file's synthesis; nothing is written if one of them cannot be used."""
    territory = load_territory(PROJECT.reference)
    into = Path(args.into) if args.into else TRACKING
    received = _read_all(args.files, territory)
    errors, _ = _print(received)
    names = DepartementNames(territory)
    arrivals: list[SynthesisArrival] = []
    refused = bool(errors)
    for item in received:
        if item.read:
            for synthesis in item.syntheses:
                if synthesis.departement:
                    minutes = args.comptes_rendus if args.comptes_rendus is not None else len(synthesis.minutes)
                    arrivals.append(SynthesisArrival(synthesis.departement, args.recue, minutes))
            continue
        if Path(item.file).suffix.lower() not in NOT_READ:
            continue
        code = names.find(Path(item.file).stem)
        if not code:
            print(f"{item.file}: erreur : département introuvable dans le nom du fichier : renommez-le "
                  "(« synthese-44.pdf » ou « loire-atlantique.pdf »)", file=sys.stderr)
            refused = True
            continue
        arrivals.append(SynthesisArrival(code, args.recue, args.comptes_rendus or 0,
                                         "PDF, non lu automatiquement"))
    if refused:
        print(f"Enregistrement refusé : {_display(into)} n'a pas été modifié. Corrigez les fichiers indiqués "
              "puis relancez.", file=sys.stderr)
        return 1
    try:
        record_arrivals(into, arrivals, territory=territory, lock_wait=args.attente)
    except Busy as exc:
        print(f"{_display(into)}: erreur : {exc}", file=sys.stderr)
        return 1
    except SynthesesError as exc:
        print(exc, file=sys.stderr)
        print(f"Enregistrement refusé : corrigez d'abord {_display(into)} (rien n'a été modifié).", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{_display(into)}: erreur : écriture impossible ({french_os_error(exc)}) ; le fichier n'a pas "
              "été modifié", file=sys.stderr)
        return 1
    for arrival in arrivals:
        late = ""
        deadline = load_campaign(PROJECT.campaign_file).syntheses
        if deadline and arrival.recue_le > deadline:
            late = f", {(arrival.recue_le - deadline).days} j après le {french_date(deadline)}"
        print(f"  reçue  {arrival.departement} {territory.departements[arrival.departement].nom} : le "
              f"{french_date(arrival.recue_le)}{late}, "
              f"{_plural(arrival.comptes_rendus, 'compte rendu', 'comptes rendus')}"
              + (f" ({arrival.remarque})" if arrival.remarque else ""))
    print(f"{_display(into)} mis à jour : {_plural(len(arrivals), 'synthèse enregistrée', 'synthèses enregistrées')}.")
    return 0


# compile --------------------------------------------------------------------

def _received_files(args: argparse.Namespace) -> list[str] | None:
    if args.files:
        return list(args.files)
    if not RECEIVED.is_dir():
        print(f"{_display(RECEIVED)}: erreur : dossier absent : rangez-y les synthèses reçues ou nommez les "
              "fichiers à compiler", file=sys.stderr)
        return None
    return sorted(str(path) for path in RECEIVED.iterdir()
                  if path.suffix.lower() in READABLE + NOT_READ and not path.name.startswith((".", "~$")))


def _inside_published(folder: Path) -> bool:
    resolved = folder.resolve()
    return any(resolved == root or root in resolved.parents
               for root in (PROJECT.docs.resolve(), (PROJECT.root / "site").resolve()))


def compile_command(args: argparse.Namespace) -> int:
    """Compile every synthesis into DOSSIER as ODT, DOCX and PDF; the files are replaced whole."""
    from kit.store import write_atomic
    from kit.syntheses import writing
    from kit.syntheses.compilation import compile_syntheses

    started = time.perf_counter()
    out = Path(args.output)
    if _inside_published(out):
        print(f"{_display(out)}: erreur : les synthèses sont des documents internes ; choisissez un dossier hors "
              "de docs/ et de site/ (par exemple « compilation/ », que git ignore)", file=sys.stderr)
        return 1
    files = _received_files(args)
    if files is None:
        return 1
    territory = load_territory(PROJECT.reference)
    tracking = Path(args.suivi) if args.suivi else TRACKING
    try:
        arrivals = read_syntheses(tracking, territory)
    except SynthesesError as exc:
        print(exc, file=sys.stderr)
        print(f"Compilation impossible : corrigez d'abord {_display(tracking)}.", file=sys.stderr)
        return 1
    calendar = _calendar(territory)
    forums = list(calendar.forums) if calendar else []
    received = [read_received(Path(f), territory, forums, shown=_display(Path(f))) for f in files]
    errors, warnings = _print(received)
    campaign = load_campaign(PROJECT.campaign_file)
    compilation = compile_syntheses(received, arrivals, forums, territory, campaign.syntheses)
    read = sum(1 for item in received for s in item.syntheses if s.departement)
    proposals = len(compilation.proposals)
    when = args.date or max((a.recue_le for a in arrivals), default=date.today())
    body = writing.body_html(compilation, when)
    del received, compilation  # what is left to do needs only the body: memory stays bounded
    try:
        out.mkdir(parents=True, exist_ok=True)
        made = []
        # The PDF (the longest to lay out) in a second process while this one writes the ODT and the DOCX.
        with multiprocessing.get_context("fork").Pool(1) as pool:
            pdf = pool.apply_async(writing.to_pdf, (body, out))
            for suffix, make in (("odt", writing.to_odt), ("docx", writing.to_docx), ("pdf", None)):
                data = make(body) if make is not None else pdf.get()
                target = out / f"{writing.SLUG}.{suffix}"
                write_atomic(target, data, durable=False)
                made.append(target)
    except OSError as exc:
        print(f"{_display(out)}: erreur : écriture impossible ({french_os_error(exc)})", file=sys.stderr)
        return 1
    unusable = errors
    for target in made:
        print(f"  écrit  {_display(target)}")
    print(f"Compilation de {_plural(len(files), 'fichier', 'fichiers')} ({_plural(read, 'synthèse lue', 'synthèses lues')}, "
          f"{_plural(proposals, 'proposition', 'propositions')}) en "
          f"{time.perf_counter() - started:.1f} s".replace(".", ",") + ".")
    if unusable or warnings:
        print(f"À relire : {_plural(errors, 'erreur', 'erreurs')}, "
              f"{_plural(warnings, 'avertissement', 'avertissements')} ci-dessus ; ce qui n'a pas été compris est "
              "dans « Autres éléments ».", file=sys.stderr)
    return 0


# command line ---------------------------------------------------------------

def _date(text: str) -> date:
    try:
        return parse_date(text)
    except BadValue as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre entier")
    return int(text)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="syntheses.py",
        description="Vérifier les synthèses départementales reçues, enregistrer leur arrivée et compiler la "
                    "synthèse nationale.")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMANDE", title="commandes")

    check_cmd = commands.add_parser(
        "check", help="vérifier une ou plusieurs synthèses (.docx, .odt ; un .pdf est signalé, non lu)",
        description="Lit chaque synthèse faite du modèle du kit et signale, partie par partie, tout ce qui "
                    "manque ou ne correspond pas au calendrier. Code de sortie 1 si un fichier est inutilisable.")
    check_cmd.add_argument("files", nargs="+", metavar="FICHIER", help="synthèse reçue (.docx, .odt ou .pdf)")
    check_cmd.set_defaults(run=check)

    record_cmd = commands.add_parser(
        "record", help="enregistrer l'arrivée de synthèses dans data/syntheses.csv",
        description="Vérifie chaque synthèse puis inscrit son arrivée (date de réception et nombre de comptes "
                    "rendus annexés) dans le suivi de la campagne. Si un fichier est inutilisable, rien n'est "
                    "écrit.")
    record_cmd.add_argument("files", nargs="+", metavar="FICHIER", help="synthèse reçue (.docx, .odt ou .pdf)")
    record_cmd.add_argument("--recue", type=_date, default=date.today(), metavar="DATE",
                            help="date de réception (par défaut : aujourd'hui), AAAA-MM-JJ ou JJ/MM/AAAA")
    record_cmd.add_argument("--comptes-rendus", type=_count, metavar="NOMBRE",
                            help="nombre de comptes rendus annexés, si la lecture ne peut pas le compter (PDF, "
                                 "comptes rendus envoyés à part)")
    record_cmd.add_argument("--into", metavar="SUIVI", help="fichier de suivi (par défaut : data/syntheses.csv)")
    record_cmd.add_argument("--attente", type=argparse_fr.seconds, default=DEFAULT_WAIT_SECONDS, metavar="SECONDES",
                            help="si une autre écriture est en cours, l'attendre au plus ce nombre de secondes")
    record_cmd.set_defaults(run=record)

    compile_cmd = commands.add_parser(
        "compile", help="compiler la synthèse nationale (ODT, DOCX, PDF)",
        description="Réunit toutes les synthèses dans un document interne, en ODT et DOCX pour le retravailler "
                    "et en PDF pour le lire : chiffres, citations par thème, points forts et faiblesses, "
                    "propositions, synthèses en retard ou manquantes, index par département.")
    compile_cmd.add_argument("files", nargs="*", metavar="FICHIER",
                             help="synthèses à compiler (par défaut : toutes celles du dossier recu/syntheses/)")
    compile_cmd.add_argument("-o", "--output", required=True, metavar="DOSSIER",
                             help="dossier où écrire la compilation (hors du site : « compilation/ », que git "
                                  "ignore)")
    compile_cmd.add_argument("--suivi", metavar="SUIVI", help="fichier de suivi (par défaut : data/syntheses.csv)")
    compile_cmd.add_argument("--date", type=_date, metavar="DATE",
                             help="date des chiffres (par défaut : la dernière arrivée enregistrée)")
    compile_cmd.set_defaults(run=compile_command)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
