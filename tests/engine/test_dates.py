"""Date arithmetic of the rules: the three-year windows of 二(二) and 三(三)."""

from __future__ import annotations

import datetime as dt

import pytest

from policyhub.engine import params
from policyhub.engine.rules import add_years


@pytest.mark.parametrize(
    "start, years, end",
    [
        (dt.date(2019, 8, 1), 3, dt.date(2022, 8, 1)),
        (dt.date(2019, 6, 15), 3, dt.date(2022, 6, 15)),
        (dt.date(2020, 2, 29), 3, dt.date(2023, 3, 1)),  # docs/readings.md #9
        (dt.date(2020, 2, 29), 4, dt.date(2024, 2, 29)),
        (dt.date(2019, 12, 31), 1, dt.date(2020, 12, 31)),
    ],
)
def test_adding_years_keeps_the_day(start: dt.date, years: int, end: dt.date) -> None:
    assert add_years(start, years) == end


def test_the_validity_window_is_three_years_from_2019_08_01_to_2022_07_31() -> None:
    start = params.param("policy.validity_start").periods()[-1][1]
    years = int(params.param("policy.validity_years").periods()[-1][1])
    last_day = add_years(start, years) - dt.timedelta(days=1)
    assert (start, last_day) == (dt.date(2019, 8, 1), dt.date(2022, 7, 31))
