"""Merging prefectures' files into the calendar: nothing dropped, nothing half-written."""

from __future__ import annotations

import codecs
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from kit.calendar.check import find_duplicates
from kit.calendar.datafile import calendar_text, file_format
from kit.calendar.model import COLUMNS, Campaign, Forum, Problem, error_at, sort_key
from kit.calendar.read import read_calendar, read_calendars
from kit.calendar.table import EXCEL_SUFFIXES, UNSUPPORTED_SUFFIXES
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
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        """« 2 forums ajoutés, 1 mis à jour, 12 inchangés, 1 annulé »."""
        return ", ".join([
            count(len(self.added), "forum ajouté", "forums ajoutés"),
            count(len(self.updated), "mis à jour", "mis à jour"),
            count(len(self.unchanged), "inchangé", "inchangés"),
            count(len(self.cancelled), "annulé", "annulés"),
        ])


_MERGED_FIELDS = tuple(c for c in COLUMNS if c != "id")


def _updated(old: Forum, new: Forum) -> Forum:
    """``old`` with the columns ``new`` filled in; empty cells never erase anything."""
    names = new.given or frozenset(COLUMNS)
    changes = {name: getattr(new, name) for name in _MERGED_FIELDS if name in names}
    if new.id and not old.id:
        changes["id"] = new.id
    return replace(old, **changes, given=old.given | names)


def merge(existing: Iterable[Forum], incoming: Iterable[Forum]) -> MergeResult:
    """Merge ``incoming`` forums into ``existing`` ones.

    An incoming forum updates the existing one with the same ``id``, or else
    the one with the same département, date and commune (the start time
    decides between several); otherwise it is added, with its identifier
    written into ``id`` so that later edits of its date keep it. Only the
    cells filled in replace existing values. No existing forum is ever
    dropped: the result has exactly one forum per existing one, plus the
    added ones, sorted by date.
    """
    current = list(existing)
    by_id: dict[str, int] = {f.id: i for i, f in reversed(list(enumerate(current))) if f.id}
    by_key: dict[tuple[str, date, str], list[int]] = {}
    for index, forum in enumerate(current):
        by_key.setdefault(forum.key, []).append(index)

    result = MergeResult(forums=[])
    claimed: dict[int, Forum] = {}
    added: list[Forum] = []
    for forum in incoming:
        file, line = forum.where
        target: int | None = by_id.get(forum.id) if forum.id else None
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
            added.append(replace(forum, id=forum.uid))
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
        new = _updated(old, claimed[index])
        forums.append(new)
        if new == old:
            result.unchanged.append(old)
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


def merge_files(incoming: Sequence[Path], into: Path, *, territory: Territory, campaign: Campaign,
                strict: bool = False, dry_run: bool = False) -> MergeReport:
    """Check everything, merge ``incoming`` files into the CSV file ``into``, write it atomically.

    Nothing is written when any file (the target included) has an error, or
    a warning with ``strict``: ``into`` then stays byte for byte as it was.
    The written file is read back before it replaces ``into``.
    """
    into = Path(into)
    problems: list[Problem] = []
    existing: Sequence[Forum] = ()
    if into.suffix.lower() in EXCEL_SUFFIXES | set(UNSUPPORTED_SUFFIXES):
        return MergeReport(problems=[error_at(str(into), 0, "le fichier de destination doit être un CSV")])
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
    result = merge(existing, new.forums)
    problems.extend(result.problems)
    if result.problems:
        return MergeReport(problems=problems, result=result)
    if dry_run or not (result.added or result.updated or result.cancelled):
        return MergeReport(problems=problems, result=result)
    fmt = file_format(into)
    text = calendar_text(result.forums, territory=territory, delimiter=fmt.delimiter, newline=fmt.newline)
    data = (codecs.BOM_UTF8 if fmt.bom else b"") + text.encode("utf-8")
    _check_round_trip(data, result.forums, into, territory=territory, campaign=campaign)
    write_atomic(into, data)
    return MergeReport(problems=problems, result=result, written=True)


def _check_round_trip(data: bytes, forums: list[Forum], into: Path, *, territory: Territory,
                      campaign: Campaign) -> None:
    """Read the bytes about to be written and make sure every forum is in them."""
    folder = into.parent if str(into.parent) else Path(".")
    with tempfile.TemporaryDirectory(dir=folder, prefix=".verif-") as scratch:
        probe = Path(scratch) / into.name
        probe.write_bytes(data)
        back = read_calendar(probe, territory=territory, campaign=campaign)
    if back.errors or [replace(f, where=("", 0)) for f in back.forums] != forums:
        raise RuntimeError("la relecture du fichier fusionné ne redonne pas les mêmes forums : "
                           "rien n'a été écrit")
