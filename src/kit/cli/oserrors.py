"""System errors (OSError) told in French, for the scripts' messages."""

from __future__ import annotations

import errno

_MESSAGES = {
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.ENOSPC: "disque plein",
    errno.EDQUOT: "quota de disque dépassé",
    errno.EROFS: "disque en lecture seule",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EEXIST: "le fichier existe déjà",
    errno.EBUSY: "fichier occupé par un autre programme",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.EIO: "erreur de lecture ou d'écriture du disque",
    errno.EFBIG: "fichier trop gros pour le disque",
}


def french_os_error(exc: OSError) -> str:
    """« permission refusée », « disque plein »…: the reason without the English text."""
    message = _MESSAGES.get(exc.errno or 0)
    if message is None:
        message = f"erreur système n° {exc.errno}" if exc.errno else "erreur système"
    return message
