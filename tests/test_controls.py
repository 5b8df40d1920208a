"""The one definition of control characters, and the choice each caller makes about carriage returns."""

from __future__ import annotations

from kit.calendar.controls import without_controls
from kit.calendar.table import cell_text


def test_controls_become_spaces_but_tab_and_line_feed_stay() -> None:
    text = "a\x00b\x07c\x0bd\x0ce\x1bf\x7fg\th\ni"
    expected = "a b c d e f g\th\ni"
    assert without_controls(text, keep_carriage_returns=True) == expected
    assert without_controls(text, keep_carriage_returns=False) == expected


def test_carriage_returns_are_the_callers_choice() -> None:
    assert without_controls("a\r\nb", keep_carriage_returns=True) == "a\r\nb"
    assert without_controls("a\r\nb", keep_carriage_returns=False) == "a \nb"


def test_a_cell_read_from_a_file_keeps_no_carriage_return() -> None:
    assert cell_text(" salle\r\ndes fêtes\x00 ") == "salle \ndes fêtes"
