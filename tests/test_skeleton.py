"""The look-alike skeleton (UTS #39) of the duplicate check, in pure Python over the vendored confusables.txt."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from kit.calendar.text import fold_key, skeleton
from kit.paths import Project
from kit.territory import commune_rows

DATA = Path(__file__).parent / "data"
PROJECT = Project(Path(__file__).resolve().parent.parent)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _pairs() -> list[pytest.ParameterSet]:
    params = []
    for line in (DATA / "confusable_pairs.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        kind, first, second, what = line.split("\t")
        first, second = (_ESCAPE.sub(lambda m: chr(int(m[1] or m[2], 16)), s) for s in (first, second))
        params.append(pytest.param(kind, first, second, id=what))
    return params


@pytest.mark.parametrize(("kind", "first", "second"), _pairs())
def test_look_alike_pairs(kind: str, first: str, second: str) -> None:
    assert kind in {"same", "different"}
    assert (skeleton(first) == skeleton(second)) is (kind == "same")


def test_skeleton_is_stable() -> None:
    # UTS #39: skeleton(skeleton(X)) == skeleton(X); the prototypes are already in NFD.
    for text in ("Nоuméa", "ＰＡＲＩＳ", "𝐕𝐢𝐜𝐡𝐲", "Li1le"):
        assert skeleton(skeleton(text)) == skeleton(text)


def test_fold_key_sees_through_look_alikes_case_accents_and_separators() -> None:
    assert fold_key("Nоuméa") == fold_key("NOUMEA") == fold_key("Nou\u200bméa") == fold_key("ＮＯＵＭＥＡ")
    assert fold_key("Saint-Malo") == fold_key("saint malo") == fold_key("SAINT_MALO")
    assert fold_key("Paris") != fold_key("Pau")


def test_communes_of_2009_have_the_keys_icu_gave() -> None:
    """Every commune of 2009 gets the key ICU 72 computed (stored as a digest, see the JSON's « about »)."""
    reference = json.loads((DATA / "communes_2009_skeletons.json").read_text(encoding="utf-8"))
    # The file's order is département by département, as in the CSV; commune_rows keeps it.
    names = [name for rows in commune_rows(PROJECT.reference).values() for name, _ in rows]
    assert len(names) == reference["communes"]

    def digest(keys: list[str]) -> str:
        return hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()

    folded = [fold_key(name) for name in names]
    assert digest([skeleton(name) for name in names]) == reference["skeleton_of_name_sha256"]
    assert digest(folded) == reference["fold_key_sha256"]
    groups: defaultdict[str, set[str]] = defaultdict(set)
    for name, key in zip(names, folded, strict=True):
        groups[key].add(name)
    assert len(groups) == reference["fold_key_distinct"]
    assert sum(len(group) > 1 for group in groups.values()) == reference["fold_key_collisions"]
