"""Control characters in text typed by people (calendar cells, forum fields).

One definition for the whole kit: C0 control characters and DEL, but tab and
line feed, which a cell written over several lines holds. Whether a carriage
return counts is each caller's choice, stated where it calls.
"""

from __future__ import annotations

import re

# C0 controls and DEL, except tab (\x09), line feed (\x0a) and carriage return (\x0d).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_controls(text: str, *, keep_carriage_returns: bool) -> str:
    """``text`` with each control character replaced by a space.

    Tab and line feed always stay. ``keep_carriage_returns=False`` replaces
    carriage returns too (reading a file: a cell's lines end with a line feed
    only); ``True`` keeps them (HTML reads them as white space).
    """
    text = _CONTROL.sub(" ", text)
    return text if keep_carriage_returns else text.replace("\r", " ")
