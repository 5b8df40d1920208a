"""No personal data in data/: its files are committed and published (the contacts stay on the editor's computer)."""

from __future__ import annotations

from pathlib import Path

from kit.editorial.slips import Slip
from kit.publishing.received import RECEIVED_DIR, data_files_with_personal_data


def check_data(root: Path) -> list[Slip]:
    """A slip for each contact column, e-mail address or phone number found in a file of data/."""
    return [Slip(path.relative_to(root).as_posix(), line, f"donnée personnelle dans un fichier enregistré dans git : "
                 f"{what}",
                 "retirez-la (les contacts des correspondants se gardent dans le dossier "
                 f"{RECEIVED_DIR}/, que git ignore : « forums.py merge --contacts {RECEIVED_DIR}/contacts.csv »)")
            for path, line, what in data_files_with_personal_data(root / "data")]
