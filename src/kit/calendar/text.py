"""Single-line text as published: visible characters only, NFC; keys that see through look-alikes.

A calendar cell is one line of plain text. Control characters, line and
paragraph separators, bidirectional controls and zero-width characters are
invisible or change how the rest of the text shows (« Bordeaux\u202egnp.exe »
reads « Bordeauxexe.png »): such a cell is refused, naming the character and
its place, rather than cleaned in silence. Duplicates are looked for on a
folded key where case, accents, invisible characters and Unicode
look-alikes (the UTS #39 skeleton: a Cyrillic « о » is a Latin « o »)
no longer count.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources

# General categories refused in a single-line cell: controls (Cc), formatting
# characters, bidi and zero-width ones included (Cf), line and paragraph
# separators (Zl, Zp), surrogates (Cs), private use (Co), unassigned (Cn).
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad")
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")


def describe(char: str) -> str:
    """« U+202E (changement du sens d'écriture) »: a refused character, named for a person."""
    if char in _LINE_BREAKS:
        kind = "retour à la ligne"
    elif char == "\t":
        kind = "tabulation"
    elif char in _BIDI:
        kind = "changement invisible du sens d'écriture"
    elif char in _ZERO_WIDTH:
        kind = "caractère invisible de largeur nulle"
    elif unicodedata.category(char) == "Cc":
        kind = "caractère de contrôle"
    else:
        kind = "caractère invisible ou non imprimable"
    return f"U+{ord(char):04X} ({kind})"


def invisible_characters(text: str) -> list[tuple[int, str]]:
    """(1-based position, character) of each character refused in a single-line cell."""
    if text.isprintable():  # the usual case, checked in C: no Cc, Cf, Zl, Zp, Cs, Co, Cn at all
        return []
    return [(index, char) for index, char in enumerate(text, 1)
            if unicodedata.category(char) in _REFUSED_CATEGORIES]


def check_line(text: str, column: str) -> str | None:
    """A French error for a single-line cell holding refused characters, or ``None``."""
    found = invisible_characters(text)
    if not found:
        return None
    position, char = found[0]
    more = f" (et {len(found) - 1} autre{'s' if len(found) > 2 else ''})" if len(found) > 1 else ""
    return (f"colonne {column} : {describe(char)} en position {position}{more} ; ce champ tient sur une "
            "ligne de texte visible : retapez la valeur sans copier-coller")


def clean(text: str) -> str:
    """NFC form, outer spaces removed (refused characters are checked by :func:`check_line`)."""
    return unicodedata.normalize("NFC", text).strip()


_STRIP_INVISIBLE = {ord(c): None for c in _BIDI | _ZERO_WIDTH}
_SEPARATORS = re.compile(r"[\s\-_'’‐‑–.]+")


@lru_cache(maxsize=65536)
def fold_key(text: str) -> str:
    """The key two names share when a reader could not tell them apart.

    Invisible characters removed, compatibility forms unified (NFKD), accents
    and case dropped, separators made one space, then the confusable skeleton
    (UTS #39) maps look-alikes onto one character.
    """
    bare = unicodedata.normalize("NFKD", text.translate(_STRIP_INVISIBLE))
    bare = "".join(c for c in bare if not unicodedata.combining(c)).casefold()
    bare = " ".join(_SEPARATORS.sub(" ", bare).split())
    return skeleton(bare)


# Default_Ignorable_Code_Point, as Unicode's DerivedCoreProperties.txt lists it (Unicode 14 and later):
# UTS #39 drops these before mapping, and Python's unicodedata does not expose the property.
_DEFAULT_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)


@cache
def _skeleton_table() -> dict[int, str | None]:
    """``str.translate`` table: each confusable character to its prototype, ignorables to nothing.

    Read once from the Unicode Consortium's confusables.txt shipped in ``kit/calendar/data``
    (its version and licence are in the README beside it).
    """
    table: dict[int, str | None] = {}
    text = resources.files("kit.calendar").joinpath("data", "confusables.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        # « 0430 ;\t0061 ;\tMA\t# ( а → a ) CYRILLIC SMALL LETTER A → LATIN SMALL LETTER A »
        if not line or line[0] in "#\ufeff":
            continue
        source, target, _ = line.split(";", 2)
        table[int(source, 16)] = "".join(chr(int(code, 16)) for code in target.split())
    for first, last in _DEFAULT_IGNORABLE_RANGES:
        table.update(dict.fromkeys(range(first, last + 1)))
    return table


def skeleton(text: str) -> str:
    """UTS #39 skeleton (section 4): NFD, default ignorables removed, each character replaced
    by its prototype from confusables.txt, NFD again. Two strings that look alike share it."""
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", text).translate(_skeleton_table()))


# Ids become file names (calendrier/<dep>/<id>.ics): names Windows reserves for devices are refused,
# with or without an extension, in any case.
_WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", "conin$", "conout$", "clock$"}
                             | {f"{p}{n}" for p in ("com", "lpt") for n in "0123456789¹²³"})


def reserved_device_name(identifier: str) -> bool:
    """« CON », « nul », « com1.ics »: a name Windows cannot give a file."""
    return identifier.split(".", 1)[0].strip().casefold() in _WINDOWS_DEVICES


def id_key(identifier: str) -> str:
    """Ids are compared without case: on a case-insensitive disk « Abc.ics » is « abc.ics »."""
    return identifier.casefold()
