"""The cell-escaping helper every export uses."""

from __future__ import annotations

import csv
import io

import pytest

from bot.services import cells


@pytest.mark.parametrize("value", ["=1+1", "+34 612", "-2", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_like_cells_are_found_and_escaped(value: str) -> None:
    assert cells.is_formula(value)
    assert cells.escape(value) == "'" + value


@pytest.mark.parametrize("value", ["Amina", "Núria Soler", " =not first", "", "مريم"])
def test_plain_text_is_left_alone(value: str) -> None:
    assert not cells.is_formula(value)
    assert cells.escape(value) == value


def test_a_row_written_with_csv_stays_text() -> None:
    out = io.StringIO()
    csv.writer(out).writerow(cells.row(['=HYPERLINK("x")', 3, None, -1.5, True]))
    assert out.getvalue().strip() == '"\'=HYPERLINK(""x"")",3,,-1.5,true'
