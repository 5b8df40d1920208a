"""Which publications scripts/publish.py allows (kit.publishing.release_policy), without building anything."""

from __future__ import annotations

import pytest

from kit.publishing.release_policy import Published, decide, key, number_problem


@pytest.mark.parametrize("number", ["1.0", "1.1", "2.0", "1.10", "1.2.3", "10.0.0", "0.9"])
def test_ascii_major_minor_patch_is_a_version_number(number: str) -> None:
    assert number_problem(number) is None


@pytest.mark.parametrize("number", ["1.0\n", "\n1.0", " 1.0", "1.0 ", "\u0661.\u0660", "1.\u0661", "\u0967.\u0966",
                                    "１.０", "1", "1.", "1.0.0.0", "1.0.0.1", "01.0", "1.01", "v1.0", "v2", "1,0",
                                    "1.0-rc1", ""])
def test_anything_else_is_refused_in_french(number: str) -> None:
    problem = number_problem(number)
    assert problem is not None and "n'est pas un numéro de version" in problem
    assert "\n" not in problem.split(" : ", 1)[0], "le numéro fautif est montré sur une ligne"


def test_versions_sort_as_numbers() -> None:
    assert sorted(["1.10", "1.9", "1.2.1", "1.2", "2.0"], key=key) == ["1.2", "1.2.1", "1.9", "1.10", "2.0"]


SEASON = Published(("1.2", "1.1", "1.0"), "1.1")  # 1.2 published, « latest » rolled back to 1.1


def test_an_older_version_is_refused_and_points_to_retour() -> None:
    decision = decide("1.0", explicit=True, published=SEASON)
    assert not decision.publish and decision.refused
    assert decision.message.startswith("la version 1.0 est plus ancienne que la version en ligne (1.1)")
    assert "--retour" in decision.message
    unpublished = decide("1.0.1", explicit=True, published=SEASON)
    assert unpublished.refused and "plus ancienne" in unpublished.message


def test_a_published_version_is_never_rebuilt() -> None:
    decision = decide("1.2", explicit=True, published=SEASON, first_commit="abc1234")
    assert decision.refused and "la version 1.2 est déjà publiée (depuis le commit abc1234)" in decision.message
    assert "1.2.1" in decision.message and "--retour 1.2" in decision.message


def test_the_newest_entry_already_online_means_nothing_to_publish() -> None:
    decision = decide("1.2", explicit=False, published=SEASON)
    assert not decision.publish and not decision.refused
    assert decision.message.startswith("Rien à publier : la version 1.2")


@pytest.mark.parametrize("version", ["1.3", "1.1.1", "2.0"])
def test_a_newer_version_goes_on(version: str) -> None:
    assert decide(version, explicit=True, published=SEASON).publish
    assert decide(version, explicit=False, published=SEASON).publish
    assert decide(version, explicit=True, published=Published((), None)).publish
