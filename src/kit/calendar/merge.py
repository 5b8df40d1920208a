"""Merging prefectures' files into the calendar: nothing dropped, nothing half-written."""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from kit.calendar.check import find_duplicates
from kit.calendar.contacts import inside, keep_contacts
from kit.calendar.datafile import calendar_text, file_format
from kit.calendar.lock import DEFAULT_WAIT_SECONDS, merge_lock, remove_leftovers
from kit.calendar.model import COLUMNS, REVISION_COLUMNS, Campaign, Forum, Problem, error_at, sort_key
from kit.calendar.read import read_calendar, read_calendars, read_one
from kit.calendar.revisions import first_revision, revised
from kit.calendar.revisions import now as current_time
from kit.calendar.table import WORKBOOK_SUFFIXES
from kit.calendar.text import id_key
from kit.campaign.datafiles import DataFileError
from kit.campaign.receipts import after_merge, read_receipts, receipts_file, write_receipts
from kit.french import count, french_date
from kit.store import write_atomic
from kit.territory import Territory


@dataclass
class MergeResult:
    """Outcome of :func:`merge`: the new calendar and what changed."""

    forums: list[Forum]
    added: list[Forum] = field(default_factory=list)
    updated: list[tuple[Forum, Forum]] = field(default_factory=list)  # (before, after)
    unchanged: list[Forum] = field(default_factory=list)
    cancelled: list[tuple[Forum, Forum]] = field(default_factory=list)  # (before, after)
    # Unchanged but for their provenance: now sent by the prefecture (counted with the unchanged ones).
    confirmed: list[tuple[Forum, Forum]] = field(default_factory=list)  # (before, after)
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        """« 2 forums ajoutés, 1 mis à jour, 12 inchangés, 1 annulé »."""
        return ", ".join([
            count(len(self.added), "forum ajouté", "forums ajoutés"),
            count(len(self.updated), "mis à jour", "mis à jour"),
            count(len(self.unchanged), "inchangé", "inchangés"),
            count(len(self.cancelled), "annulé", "annulés"),
        ])


# The contact never goes into the calendar (personal data, see kit.calendar.contacts).
_MERGED_FIELDS = tuple(c for c in COLUMNS if c not in ("id", "contact") and c not in REVISION_COLUMNS)


def _updated(old: Forum, new: Forum) -> Forum:
    """``old`` with the columns ``new`` filled in; empty cells never erase anything."""
    names = new.given or frozenset(_MERGED_FIELDS)
    changes = {name: getattr(new, name) for name in _MERGED_FIELDS if name in names}
    if new.id and not old.id:
        changes["id"] = new.id
    return replace(old, **changes, given=old.given | names)


def merge(existing: Iterable[Forum], incoming: Iterable[Forum], *, now: datetime | None = None) -> MergeResult:
    """Merge ``incoming`` forums into ``existing`` ones.

    An incoming forum updates the existing one with the same ``id``, or else
    the one with the same département, date and commune (the start time
    decides between several); otherwise it is added, with its identifier
    written into ``id`` so that later edits of its date keep it. Only the
    cells filled in replace existing values. No existing forum is ever
    dropped: the result has exactly one forum per existing one, plus the
    added ones, sorted by date.

    Each added or changed forum gets its revision (see
    :mod:`kit.calendar.revisions`), dated ``now`` (the current time when not
    given).
    """
    moment = now or current_time()
    current = list(existing)
    # A forum merged from a prefecture's file is the prefecture's, unless the file says otherwise.
    incoming = [forum if "provenance" in forum.given
                else replace(forum, provenance="préfecture",
                             given=(forum.given or frozenset(_MERGED_FIELDS)) | {"provenance"})
                for forum in incoming]
    by_id: dict[str, int] = {id_key(f.id): i for i, f in reversed(list(enumerate(current))) if f.id}
    by_key: dict[tuple[str, date, str], list[int]] = {}
    for index, forum in enumerate(current):
        by_key.setdefault(forum.key, []).append(index)

    result = MergeResult(forums=[])
    claimed: dict[int, Forum] = {}
    added: list[Forum] = []
    for forum in incoming:
        file, line = forum.where
        target: int | None = by_id.get(id_key(forum.id)) if forum.id else None
        if target is None:
            candidates = [i for i in by_key.get(forum.key, []) if not forum.id or not current[i].id]
            if len(candidates) > 1:
                same_time = [i for i in candidates if current[i].heure_debut == forum.heure_debut]
                if len(same_time) != 1:
                    result.problems.append(error_at(file, line, (
                        f"plusieurs forums existants à {forum.commune} le {french_date(forum.date)} : "
                        "indiquez l'identifiant (colonne id) du forum à modifier")))
                    continue
                candidates = same_time
            target = candidates[0] if candidates else None
        if target is None:
            added.append(first_revision(replace(forum, id=forum.uid, contact=""), moment))
            continue
        if target in claimed:
            first = claimed[target]
            result.problems.append(error_at(file, line, "ce forum est déjà modifié par "
                                                      f"{first.where[0]}:{first.where[1]}"))
            continue
        claimed[target] = forum

    forums: list[Forum] = []
    for index, old in enumerate(current):
        if index not in claimed:
            forums.append(old)
            continue
        new = revised(old, _updated(old, claimed[index]), moment)
        forums.append(new)
        if new == old:
            result.unchanged.append(old)
        elif replace(new, provenance=old.provenance) == old:
            result.unchanged.append(old)
            result.confirmed.append((old, new))
        elif new.statut == "annulé" and old.statut != "annulé":
            result.cancelled.append((old, new))
        else:
            result.updated.append((old, new))
    result.added = added
    result.forums = sorted(forums + added, key=sort_key)
    result.problems.extend(find_duplicates(result.forums))
    return result


@dataclass
class MergeReport:
    """What :func:`merge_files` did, or why it did nothing."""

    problems: list[Problem]
    result: MergeResult | None = None
    written: bool = False
    contacts_left: int = 0  # contacts of the files merged, never written into the calendar
    contacts_kept: int = 0  # of which kept in the contacts file


def merge_files(incoming: Sequence[Path], into: Path, *, territory: Territory, campaign: Campaign,
                strict: bool = False, dry_run: bool = False, now: datetime | None = None,
                lock_wait: float | None = None, contacts: Path | None = None) -> MergeReport:
    """Check everything, merge ``incoming`` files into the CSV file ``into``, write it atomically.

    Merges of one calendar run one at a time (see :mod:`kit.calendar.lock`):
    this one waits up to ``lock_wait`` seconds for another to finish, then
    raises :class:`kit.calendar.lock.Busy`. Nothing is written when any file
    (the target included) has an error, or a warning with ``strict``:
    ``into`` then stays byte for byte as it was. The bytes to be written are
    read back, in memory, before they replace ``into``.

    The ``contact`` column never goes into ``into``: the contacts of the
    files merged are kept in ``contacts`` when given (a file outside the
    calendar's folder, see :mod:`kit.calendar.contacts`), left out otherwise.
    Each département whose forums came in gets its dates of receipt in the
    receipts file beside ``into`` (:mod:`kit.campaign.receipts`).
    """
    into = Path(into)
    if into.suffix.lower() in WORKBOOK_SUFFIXES:
        return MergeReport(problems=[error_at(str(into), 0, "le fichier de destination doit être un CSV")])
    if contacts is not None and inside(contacts, into.parent):
        return MergeReport(problems=[error_at(str(contacts), 0, (
            f"les contacts sont des données personnelles : ne les gardez pas dans « {into.parent} », "
            "dont les fichiers sont enregistrés dans git ; choisissez un fichier du dossier recu/ "
            "(par exemple recu/contacts.csv), que git ignore"))])
    with merge_lock(into, wait=DEFAULT_WAIT_SECONDS if lock_wait is None else lock_wait):
        remove_leftovers(into)
        return _merge_locked(incoming, into, territory=territory, campaign=campaign, strict=strict,
                             dry_run=dry_run, now=now, contacts=contacts)


def _merge_locked(incoming: Sequence[Path], into: Path, *, territory: Territory, campaign: Campaign,
                  strict: bool, dry_run: bool, now: datetime | None, contacts: Path | None) -> MergeReport:
    problems: list[Problem] = []
    receipts_path = receipts_file(into)
    try:
        receipts = read_receipts(receipts_path, territory)
    except DataFileError as exc:
        problems.extend(exc.problems)
        receipts = []
    existing: Sequence[Forum] = ()
    if into.exists():
        target = read_calendar(into, territory=territory, campaign=campaign)
        # The target's warnings were accepted when its rows came in.
        problems.extend(target.errors)
        existing = target.forums
    new = read_calendars(incoming, territory=territory, campaign=campaign)
    problems.extend(new.problems)
    blocking = [p for p in problems if p.severity == "erreur" or strict]
    if blocking:
        return MergeReport(problems=problems)
    moment = now or current_time()
    result = merge(existing, new.forums, now=moment)
    problems.extend(result.problems)
    left = sum(1 for forum in new.forums if forum.contact)
    if result.problems:
        return MergeReport(problems=problems, result=result, contacts_left=left)
    if dry_run:
        return MergeReport(problems=problems, result=result, contacts_left=left)
    kept = keep_contacts(contacts, new.forums) if contacts is not None else 0
    changed = {f.departement for f in result.added} | {new_forum.departement for _, new_forum in
                                                       result.updated + result.cancelled}
    updated_receipts = after_merge(receipts, {f.departement for f in new.forums}, changed, moment.date())
    if updated_receipts != receipts:
        write_receipts(receipts_path, updated_receipts)
    # Contacts of forums merged before this rule are dropped too: the calendar in git holds none.
    forums = [replace(forum, contact="") if forum.contact else forum for forum in result.forums]
    if not (result.added or result.updated or result.cancelled or result.confirmed) \
            and forums == list(result.forums) and _header_current(into):
        return MergeReport(problems=problems, result=result, contacts_left=left, contacts_kept=kept)
    fmt = file_format(into)
    text = calendar_text(forums, territory=territory, delimiter=fmt.delimiter, newline=fmt.newline)
    data = (codecs.BOM_UTF8 if fmt.bom else b"") + text.encode("utf-8")
    _check_round_trip(data, forums, into, territory=territory, campaign=campaign)
    write_atomic(into, data)
    return MergeReport(problems=problems, result=result, written=True, contacts_left=left, contacts_kept=kept)


def _header_current(into: Path) -> bool:
    """True when ``into`` already has the data file's columns (no contact column left to remove)."""
    try:
        with into.open(encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
    except (OSError, UnicodeDecodeError):
        return False
    return "contact" not in first.lower()


def _check_round_trip(data: bytes, forums: list[Forum], into: Path, *, territory: Territory,
                      campaign: Campaign) -> None:
    """Read the bytes about to be written (in memory: no copy on disk) and make sure every forum is in them."""
    back = read_one(into, territory, campaign, data)
    back.problems.extend(find_duplicates(back.forums))
    if back.errors or [replace(f, where=("", 0)) for f in back.forums] != forums:
        raise RuntimeError("la relecture du fichier fusionné ne redonne pas les mêmes forums : "
                           "rien n'a été écrit")
