"""When two texts say the same thing: normalised token-set similarity, for bringing proposals together.

Two texts are alike when the sets of their meaningful words (folded: no
accents, lower case; French stop words and words of fewer than four letters
left out; a final « s » or « x » dropped) share at least
:data:`THRESHOLD` of their union (Jaccard index) and at least two words.
Groups are the connected sets of alike texts. Only the grouping uses this:
the texts themselves are always quoted as written, never merged.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from kit.territory import normalise

THRESHOLD = 0.5
MIN_SHARED = 2
_STOP = frozenset("""
avec dans pour plus moins mais donc sans sous leur leurs cette ceux celle celles elles entre notamment
tous toutes tout toute etre avoir sont etait faire fait faut afin ainsi aussi autre autres meme memes
chaque comme dont encore depuis lors parce quand quelle quelles quels quel tres selon vers voire
""".split())


def tokens(text: str) -> frozenset[str]:
    """The meaningful words of ``text``, folded and stripped of their plural mark."""
    words = re.findall(r"[a-z0-9]+", normalise(text))
    found = set()
    for word in words:
        if len(word) < 4 or word in _STOP:
            continue
        if len(word) > 4 and word[-1] in "sx":
            word = word[:-1]
        found.add(word)
    return frozenset(found)


def alike(first: frozenset[str], second: frozenset[str]) -> bool:
    shared = len(first & second)
    return shared >= MIN_SHARED and shared >= THRESHOLD * len(first | second)


def groups(texts: Sequence[str]) -> list[list[int]]:
    """Indexes of ``texts`` grouped by likeness (every text in exactly one group), in order of first member."""
    sets = [tokens(text) for text in texts]
    parent = list(range(len(texts)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    # Prefix filtering (exact for a Jaccard threshold): with each text's words ordered rarest first, two
    # texts alike share a word among the first len - ceil(THRESHOLD * len) + 1 words of each.
    frequency: dict[str, int] = {}
    for words in sets:
        for word in words:
            frequency[word] = frequency.get(word, 0) + 1
    holders: dict[str, list[int]] = {}
    for index, words in enumerate(sets):
        ordered = sorted(words, key=lambda w: (frequency[w], w))
        prefix = ordered[:len(ordered) - math.ceil(THRESHOLD * len(ordered)) + 1]
        seen: set[int] = set()
        for word in prefix:
            for other in holders.get(word, ()):
                if other in seen:
                    continue
                seen.add(other)
                if alike(words, sets[other]):
                    parent[root(other)] = root(index)
            holders.setdefault(word, []).append(index)
    found: dict[int, list[int]] = {}
    for index in range(len(texts)):
        found.setdefault(root(index), []).append(index)
    return sorted(found.values(), key=lambda group: group[0])
