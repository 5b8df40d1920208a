"""MkDocs hook: French pages first in the search, whatever the query's language.

The search index holds both languages; an English page matching a French query
(« Balu », a proper noun) would otherwise come first for a French reader. English
pages get half the weight: an English query still finds them first, since French
pages do not contain its words. A page's own « search: boost » is kept.
"""

from __future__ import annotations

import _setup  # noqa: F401
from typing import Any

from mkdocs.structure.pages import Page

ENGLISH_BOOST = 0.5


def on_page_markdown(markdown: str, *, page: Page, **_: Any) -> str:
    """Lower the search weight of English pages (``page.en.md``)."""
    if page.file.src_uri.endswith(".en.md"):
        search = page.meta.setdefault("search", {})
        if isinstance(search, dict):
            search.setdefault("boost", ENGLISH_BOOST)
    return markdown
