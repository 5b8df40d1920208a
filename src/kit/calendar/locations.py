"""Where the calendar lives in the site: its pages and its downloads (decided here only)."""

from __future__ import annotations

from kit.calendar.model import Forum

SECTION = "calendrier"
INDEX_URI = f"{SECTION}/index.md"
COVERAGE_URI = f"{SECTION}/couverture/index.md"
ICS_NAME = "forums.ics"
# Cache name of a département's one-forum files, made and cached together (never published).
FORUM_BUNDLE = "forums-un-par-un.bundle"


def departement_uri(code: str) -> str:
    """Source URI of the page of département ``code``."""
    return f"{SECTION}/{code}/index.md"


def forum_ics_path(forum: Forum) -> str:
    """Where a forum's own ICS file is, under the site root (« calendrier/44/<uid>.ics »)."""
    return f"{SECTION}/{forum.departement}/{forum.uid}.ics"
