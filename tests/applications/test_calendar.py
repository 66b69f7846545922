"""The 公示 calendar: China's holidays and 调休 working days from the `holidays` package,
notice.yaml's lists only as overrides."""

from __future__ import annotations

import datetime as dt

import pytest

from policyhub.applications import config

D = dt.date


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.mark.parametrize("day", [
    D(2019, 9, 13),                          # 中秋节, inside the policy window (missed before)
    *days(D(2019, 10, 1), D(2019, 10, 7)),   # 国庆节
    *days(D(2020, 1, 24), D(2020, 2, 2)),    # 春节, with the 2020 extension to 2 February
    D(2022, 9, 12),                          # 中秋节 after the old list's last day (2022-06-03)
    D(2023, 6, 22),                          # 端午节
])
def test_a_public_holiday_is_not_a_working_day(day: dt.date) -> None:
    assert not config.calendar().is_working_day(day)


@pytest.mark.parametrize("day", [
    D(2019, 9, 29), D(2019, 10, 12),         # the 国庆 调休 weekend working days
    D(2020, 1, 19),                          # a Sunday worked before 春节 2020
    D(2021, 9, 18), D(2021, 10, 9),          # 中秋 and 国庆 2021 调休 Saturdays
])
def test_a_tiaoxiu_weekend_day_is_a_working_day(day: dt.date) -> None:
    assert day.weekday() >= 5
    assert config.calendar().is_working_day(day)


def test_an_ordinary_weekday_works_and_an_ordinary_weekend_rests() -> None:
    cal = config.calendar()
    assert cal.is_working_day(D(2020, 2, 3))      # the first day back after the extension
    assert not cal.is_working_day(D(2021, 6, 5))  # a plain Saturday


def test_the_notice_period_skips_the_mid_autumn_festival_of_2019() -> None:
    # Published Tuesday 10 September 2019: Wed 11, Thu 12, (Fri 13 中秋), Mon 16, Tue 17, Wed 18.
    assert config.notice_end(D(2019, 9, 10)) == D(2019, 9, 18)


def test_the_yaml_lists_override_the_package() -> None:
    cal = config.Calendar(5, frozenset({D(2021, 6, 8)}), frozenset({D(2021, 6, 5)}))
    assert not cal.is_working_day(D(2021, 6, 8))  # a local closure on a Tuesday
    assert cal.is_working_day(D(2021, 6, 5))      # a Saturday declared a working day
