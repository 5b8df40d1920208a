"""argparse's own messages in French, for the project's command-line scripts.

argparse looks its messages up through the module's ``_`` and ``ngettext``
at call time; :func:`install` points both at the French texts below (every
message a user can meet with Python 3.11 to 3.13). Unknown texts pass
through unchanged.
"""

from __future__ import annotations

import argparse

MESSAGES = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "optional arguments": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "show program's version number and exit": "afficher la version et quitter",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (possibles : %(choices)s)",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "expected one argument": "une valeur attendue",
    "expected at most one argument": "une valeur au plus attendue",
    "expected at least one argument": "au moins une valeur attendue",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "ignored explicit argument %r": "valeur %r ignorée : cette option n'en prend pas",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s peut désigner %(matches)s",
    "unexpected option string: %s": "option inattendue : %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "commande inconnue %(parser_name)r (possibles : %(choices)s)",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
    "cannot have multiple subparser arguments": "une seule commande à la fois",
}
_PLURALS = {
    ("expected %s argument", "expected %s arguments"): ("%s valeur attendue", "%s valeurs attendues"),
}


def _translate(text: str) -> str:
    return MESSAGES.get(text, text)


def _translate_plural(singular: str, plural: str, count: int) -> str:
    french = _PLURALS.get((singular, plural))
    if french is None:
        return singular if count == 1 else plural
    return french[0] if count in (0, 1) else french[1]


def install() -> None:
    """Make argparse speak French (for the scripts; idempotent)."""
    argparse._ = _translate  # type: ignore[attr-defined]
    argparse.ngettext = _translate_plural  # type: ignore[attr-defined]


def seconds(text: str) -> float:
    """A waiting time in seconds (« 2,5 » or « 2.5 »), for the scripts' --attente."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre de secondes") from None
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError("attente entre 0 et 3600 secondes")
    return value
