"""Public exports of the forum calendar: iCalendar, JSON (schema.org), CSV.

No export ever carries the ``contact`` column (intranet only).
"""

from __future__ import annotations

from typing import Iterable

from kit.forums import Forum
from kit.territory import Territory


def to_ics(forums: Iterable[Forum], territory: Territory, *, name: str) -> bytes:
    """The forums as an iCalendar file (RFC 5545), same bytes for the same data."""
    raise NotImplementedError


def to_json(forums: Iterable[Forum], territory: Territory) -> str:
    """The forums as schema.org Events in JSON, deterministic."""
    raise NotImplementedError


def to_csv(forums: Iterable[Forum]) -> str:
    """The forums as CSV, formulas neutralised for spreadsheets."""
    raise NotImplementedError
